"""Fault tests: real failures of real parts, on PRIVATE instances.

Each test module here starts its own throwaway PostgreSQL cluster (initdb into
a temporary directory, a free port, pg_ctl) and, where needed, its own
redis-server on a free port, so that stopping, crashing and restoring them
never touches the PostgreSQL on 5432 or the Redis on 6379 that developers
and the rest of the suite use. The Pastoral server under test is a real
gunicorn process pointed at those instances, with DEBUG off.

All of them are marked `postgres` (they need PostgreSQL's server binaries)
and run in one xdist group. The rule:

- where the binaries exist (CI and any developer machine with the
  `postgresql` package), they run in every `make test`, on SQLite and on
  PostgreSQL alike: they never use the suite's own database;
- where they do not, they FAIL with the command to install them, unless the
  run is the default SQLite one without PostgreSQL at all (no DATABASE_URL and
  no binaries): then they are skipped with that message, so a one-school
  developer without PostgreSQL can still run `make test`. `.ci/run` exports
  REQUIRE_FAULT_TESTS=1, which turns that skip into a failure.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALL_HINT = (
    "PostgreSQL server binaries not found (looked in $PG_BIN, /usr/lib/postgresql/*/bin and "
    "`pg_config --bindir`). Install them with `apt-get install postgresql redis-server`."
)
FAULT_SECRET = "fault-tests-only-" + "s" * 50
FAULT_AUDIT_KEY = "fault-tests-only-audit-" + "a" * 40


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    for item in items:
        if "tests/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.postgres)
            item.add_marker(pytest.mark.xdist_group("faults"))


def pg_bindir() -> Path | None:
    candidates = []
    if os.environ.get("PG_BIN"):
        candidates.append(Path(os.environ["PG_BIN"]))
    candidates += [
        Path(p)
        for p in sorted(
            glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2])
        )[::-1]
    ]
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if out.returncode == 0:
            candidates.append(Path(out.stdout.strip()))
    for candidate in candidates:
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    return None


def require_binaries(*extra: str) -> Path:
    """PostgreSQL's bin directory, or fail/skip as the module docstring says."""
    bindir = pg_bindir()
    missing = [name for name in extra if shutil.which(name) is None]
    if bindir is not None and not missing:
        return bindir
    message = (
        INSTALL_HINT
        if bindir is None
        else f"{', '.join(missing)} not found. " + ("Install with `apt-get install redis-server`.")
    )
    on_default_sqlite = not os.environ.get("DATABASE_URL", "").startswith("postgres")
    if on_default_sqlite and not os.environ.get("REQUIRE_FAULT_TESTS"):
        pytest.skip(message)
    pytest.fail(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres() -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the `postgres` user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"]
    return []


@dataclass
class PrivatePostgres:
    bindir: Path
    datadir: Path
    port: int
    log: Path
    socket_dir: Path

    def _ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*_as_postgres(), str(self.bindir / "pg_ctl"), "-D", str(self.datadir), *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=60,
        )

    def start(self) -> None:
        self._ctl(
            "-l",
            str(self.log),
            "-w",
            "-o",
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "-w", "stop", check=False)

    def url(self, db: str = "pastoral") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def tool(self, name: str, *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        """Run a client tool (psql, pg_dump, pg_restore...) of the same version."""
        return subprocess.run(
            [str(self.bindir / name), *args],
            capture_output=True,
            text=True,
            timeout=kwargs.pop("timeout", 120),
            **kwargs,
        )

    def sql(self, query: str, db: str = "pastoral") -> str:
        out = self.tool(
            "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", db,
            "-AtX", "-v", "ON_ERROR_STOP=1", "-c", query,
        )  # fmt: skip
        if out.returncode != 0:
            raise RuntimeError(f"psql failed: {out.stderr}")
        return out.stdout.strip()


@contextlib.contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    bindir = require_binaries()
    base = Path(tempfile.mkdtemp(prefix="pastoral-faults-pg-"))
    datadir = base / "data"
    datadir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(datadir, "postgres")
    os.chmod(base, 0o755)  # noqa: S103 - the postgres user must reach its socket dir
    pg = PrivatePostgres(bindir, datadir, free_port(), base / "postgres.log", base)
    try:
        subprocess.run(
            [*_as_postgres(), str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres",
             "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
            capture_output=True, text=True, check=True, timeout=120,
        )  # fmt: skip
        pg.start()
        yield pg
    finally:
        pg.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


@dataclass
class PrivateRedis:
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s,
            ):
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@contextlib.contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    require_binaries("redis-server")
    redis = PrivateRedis(free_port())
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production-like settings (DEBUG off) for a Pastoral process under test."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW_ASYNC"))
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": FAULT_SECRET,
            "AUDIT_KEY": FAULT_AUDIT_KEY,
            "AUDIT_CHECKPOINT_DIR": "",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_ROOT": str(ROOT / "staticfiles"),
            "REDIS_URL": "",
            "ALLOW_IN_PROCESS_TASKS": "1",
            "LOG_LEVEL": "CRITICAL",
            "DJANGO_SETTINGS_MODULE": "pastoral.settings",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 300) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def python(env: dict[str, str], code: str, timeout: int = 120) -> str:
    """Run code with Django set up against env's database; returns its stdout."""
    prelude = "import django; django.setup()\n"
    result = subprocess.run(
        [sys.executable, "-c", prelude + code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(f"python failed ({result.returncode}):\n{result.stderr}")
    return result.stdout.strip()


SESSION_CODE = """
from django.conf import settings
from django.test import Client
from pastoral.models import User
from tests.auth import verified_login
client = Client()
verified_login(client, User.objects.get(email={email!r}))
print(client.cookies[settings.SESSION_COOKIE_NAME].value)
"""


def signed_in_cookie(env: dict[str, str], email: str) -> str:
    """A session (second factor verified) created in the database, as a cookie header."""
    key = python(env, SESSION_CODE.format(email=email)).splitlines()[-1]
    return f"sessionid={key}"


@dataclass
class Server:
    """A real gunicorn serving Pastoral on a free loopback port."""

    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, workers: int = 2) -> None:
        self.log = Path(tempfile.mkstemp(prefix="pastoral-faults-gunicorn-", suffix=".log")[1])
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "pastoral.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--threads", "4", "--timeout", "30", "--graceful-timeout", "5"],
            env=self.env, cwd=ROOT, stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-2000:]}")
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not start listening")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def get(self, path: str, cookie: str = "", timeout: float = 15) -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, headers={"Cookie": cookie})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")


TEMPLATE_DB = "pastoral_template"


@pytest.fixture(scope="session")
def static_root(tmp_path_factory: Any) -> Path:
    """DEBUG off serves hashed static files: collect them once, as a deploy does."""
    root = tmp_path_factory.mktemp("static")
    manage(app_env("sqlite:////nonexistent/unused.sqlite3", STATIC_ROOT=str(root)),
           "collectstatic", "--noinput", "-v0")  # fmt: skip
    return root


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PrivatePostgres]:
    """One private cluster for the fault tests, with a migrated, seeded template
    database each test module copies (CREATE DATABASE ... TEMPLATE) to start clean."""
    with private_postgres() as pg:
        pg.sql(f"CREATE DATABASE {TEMPLATE_DB}", db="postgres")
        env = app_env(pg.url(TEMPLATE_DB))
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_demo", "--quiet-sign-ins")
        yield pg


def fresh_database(pg: PrivatePostgres, name: str) -> str:
    """A new database on the private cluster, copied from the seeded template."""
    pg.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", db="postgres")
    pg.sql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB}", db="postgres")
    return pg.url(name)


def learner_csv(path: Path, count: int, first_name: str = "Crash") -> None:
    """An MIS learner file of `count` new learners for the demo school (URN 136001)."""
    import csv

    from pastoral.upn import make_upn

    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["upn", "legal_first_name", "legal_last_name", "date_of_birth", "gender",
             "year_group", "reg_group"]
        )  # fmt: skip
        for n in range(count):
            year = 7 + n % 5
            writer.writerow(
                [make_upn(339, 9100 + n // 1000, 10, n % 1000), first_name, f"Test{n}",
                 f"{2026 - year - 6}-0{1 + n % 9}-1{n % 9}", "F", f"Year {year}",
                 f"{year}{'ABCDEFGH'[n % 8]}"]
            )  # fmt: skip
