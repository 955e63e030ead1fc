"""What `make bench` and `make load` share: the trust-scale PostgreSQL database,
production-like settings, the demo sign-ins and a description of the machine.

The benchmark database is `pastoral_bench` (override with BENCH_DATABASE_URL).
It is built once with `seed_demo --scale trust` and reused while the demo
seed code is unchanged; when an app adds or changes its `demo.py` (a new
capability lands), the fingerprint changes and the database is rebuilt, so
new pages are measured against data that exists.
"""

from __future__ import annotations

import hashlib
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BENCH_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pastoral_bench"
)
STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT", "/tmp/pastoral-bench-static"))
# Fixed and long: the benchmark runs with DEBUG off, which demands a real key.
BENCH_SECRET = "bench-only-" + "k" * 60
BENCH_AUDIT_KEY = "bench-only-audit-" + "a" * 40
APPS_WITH_DEMO = ["pastoral", "attendance", "safeguarding", "caseload"]


def bench_env(**extra: str) -> dict[str, str]:
    """Production-like settings (DEBUG off, manifest static files) on the bench DB.
    Without REDIS_URL tasks run in-process, as in a small school."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": BENCH_URL,
            "DEBUG": "0",
            "SECRET_KEY": BENCH_SECRET,
            "AUDIT_KEY": BENCH_AUDIT_KEY,
            "AUDIT_CHECKPOINT_DIR": "",
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_ROOT": str(STATIC_ROOT),
            "LOG_LEVEL": "WARNING",
            "REDIS_URL": "",
            "ALLOW_IN_PROCESS_TASKS": "1",
            "SESSION_IDLE_MINUTES": "600",
            # Urgent notifications e-mail at once: keep them in memory here.
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    env.update(extra)
    return env


def apply_env(**extra: str) -> None:
    """Put the bench settings into this process (before django.setup())."""
    os.environ.update(bench_env(**extra))
    # Cookies: the test client and Locust talk plain HTTP on loopback.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pastoral.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def _db_name() -> str:
    return urlparse(BENCH_URL).path.lstrip("/")


def _admin_conninfo() -> str:
    parsed = urlparse(BENCH_URL)
    return parsed._replace(path="/postgres").geturl()


def seed_fingerprint() -> str:
    """Hash of every demo seed module and every migration: a change means rebuild."""
    digest = hashlib.sha256()
    for app in APPS_WITH_DEMO:
        base = ROOT / app
        files = sorted(base.glob("demo*.py")) + sorted(base.glob("*/demo*.py"))
        files += sorted(base.glob("migrations/*.py")) + sorted(base.glob("*/migrations/*.py"))
        files.append(ROOT / "pastoral" / "management" / "commands" / "seed_demo.py")
        for path in files:
            if path.exists():
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _manage(*args: str, quiet: bool = False) -> None:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=bench_env(),
        cwd=ROOT,
        capture_output=quiet,
        text=True,
    )
    if result.returncode != 0:
        if quiet:
            sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed (exit {result.returncode})")
    if not quiet:
        print(f"  manage.py {args[0]}: {time.monotonic() - started:.1f}s", flush=True)


def ensure_database(*, rebuild: bool = False, reuse: bool = False) -> dict[str, Any]:
    """Create, migrate and seed the bench database when needed. Returns facts about it."""
    import psycopg

    name = _db_name()
    fingerprint = seed_fingerprint()
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        stored = None
        if exists and not rebuild:
            with psycopg.connect(BENCH_URL) as bench:
                has_meta = bench.execute("SELECT to_regclass('bench_meta') IS NOT NULL").fetchone()[
                    0
                ]  # type: ignore[index]
                if has_meta:
                    row = bench.execute(
                        "SELECT value FROM bench_meta WHERE key = 'fingerprint'"
                    ).fetchone()
                    stored = row[0] if row else None
        if exists and (rebuild or (stored != fingerprint and not reuse)):
            why = "asked to rebuild" if rebuild else "the demo seed or migrations changed"
            print(f"Dropping {name}: {why}.", flush=True)
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            print(f"Creating database {name}.", flush=True)
            conn.execute(f'CREATE DATABASE "{name}"')
    built = False
    if stored != fingerprint and not (reuse and stored is not None):
        print(f"Building the trust-scale bench database {name} (fingerprint {fingerprint}):")
        _manage("migrate", "--noinput", quiet=True)
        _manage("seed_demo", "--scale", "trust", "--quiet-sign-ins")
        with psycopg.connect(BENCH_URL, autocommit=True) as bench:
            bench.execute(
                "CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text)"
            )
            bench.execute(
                "INSERT INTO bench_meta VALUES ('fingerprint', %s), ('built_at', now()::text) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                [fingerprint],
            )
        built = True
    if not built:
        print(f"Reusing the bench database {name} (fingerprint {stored}).", flush=True)
        # A reused database still gets new migrations (an index, say): measuring
        # pages against a schema the code no longer has would mislead.
        _manage("migrate", "--noinput", quiet=True)
    # Always: DEBUG is off here, so a new asset missing from the manifest is an error.
    _manage("collectstatic", "--noinput", "-v0", quiet=True)
    with psycopg.connect(BENCH_URL) as bench:
        counts = {
            table: bench.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]  # noqa: S608 - fixed names
            for table in ("pastoral_school", "pastoral_learner", "pastoral_user")
        }
        built_at = bench.execute("SELECT value FROM bench_meta WHERE key = 'built_at'").fetchone()
    return {
        "database": name,
        "fingerprint": fingerprint,
        "rebuilt": built,
        "built_at": built_at[0] if built_at else None,
        "schools": counts["pastoral_school"],
        "learners": counts["pastoral_learner"],
        "users": counts["pastoral_user"],
    }


def machine() -> dict[str, Any]:
    """CPU model, cores, RAM, Python and PostgreSQL versions of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
        if match:
            cpu = match.group(1).strip()
    except OSError:
        pass
    ram_gb = None
    try:
        meminfo = Path("/proc/meminfo").read_text()
        match = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.M)
        if match:
            ram_gb = round(int(match.group(1)) / 1024 / 1024, 1)
    except OSError:
        pass
    pg_version = None
    try:
        import psycopg

        with psycopg.connect(BENCH_URL) as conn:
            pg_version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    except Exception as exc:  # reported, not fatal: the machine block is informational
        pg_version = f"unknown ({exc.__class__.__name__})"
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": pg_version,
        "load_average_at_start": [round(x, 2) for x in load] if load else None,
    }


def machine_line(info: dict[str, Any]) -> str:
    return (
        f"{info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM; "
        f"Python {info['python']}; PostgreSQL {info['postgresql']}; {info['os']}"
    )


# The named demo sign-in for each role at the demo school (pastoral/demo.py).
ROLE_EMAILS = {
    "staff": "staff@demo.pastoral.test",
    "support": "support@demo.pastoral.test",
    "hoy": "hoy@demo.pastoral.test",
    "senco": "senco@demo.pastoral.test",
    "dsl": "dsl@demo.pastoral.test",
    "ddsl": "ddsl@demo.pastoral.test",
    "admin": "admin@demo.pastoral.test",
}
BENCH_SUPERUSER = "bench-superuser@bench.pastoral.test"


class Rollback(Exception):
    """Raised inside a benchmark's transaction to undo every row it wrote."""


def setup_django() -> None:
    """Django set up for a benchmark run on its own (make bench has done it already)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pastoral.settings")
    # The test client's host, when run on its own.
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def signed_in_client(user: Any, school: Any) -> Any:
    """A test client whose session has passed sign-in and the second factor."""
    from django.test import Client

    from tests.auth import verified_login

    client = Client()
    verified_login(client, user)
    session = client.session
    session["pastoral_school_id"] = school.pk
    session.save()
    return client
