#!/usr/bin/env python
"""`make load`: 50 simulated staff for 2 minutes against the whole stack.

Starts, on loopback only: a copy of the trust-scale bench database
(`pastoral_load`, made from `pastoral_bench` so the benchmark data stays as
seeded), a private redis-server on a free port, gunicorn with 2 workers
(4 threads each, DEBUG off) and one Celery worker; signs the simulated people
in (sessions with a verified second factor, created in the database), runs
Locust headless (bench/locustfile.py) and reports requests per second,
p50/p95/p99 and errors to bench/results/load-latest.json and .md.

    .venv/bin/python bench/load.py [--users 50] [--duration 120] [--spawn-rate 10]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402

LOAD_DB = "pastoral_load"
BIN = Path(sys.executable).parent
# Locust task → URL name. A name not defined yet leaves its task out.
URL_NAMES = {
    "learner-list": ("pastoral:learner-list", False),
    "learner-search": ("pastoral:learner-search", False),
    "learner-detail": ("pastoral:learner-detail", True),
    "concern-new": ("safeguarding:concern-new", False),
    "inbox": ("safeguarding:inbox", False),
    "concern-triage": ("safeguarding:concern-triage", True),
    "my-caseload": ("caseload:mine", False),
    "profile": ("caseload:profile", True),
    "session-new": ("caseload:session-one-to-one", True),
    "board": ("caseload:board", False),
}
TASKS = {
    "browse learners (list, search, card)": ["learner-list", "learner-search", "learner-detail"],
    "log concerns": ["concern-new"],
    "DSL triage (inbox, triage)": ["inbox", "concern-triage"],
    "key workers: my caseload, profile, record a 1:1 session": [
        "my-caseload",
        "profile",
        "session-new",
    ],
    "SENCO caseload board": ["board"],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_database() -> str:
    import psycopg

    bench_name = common.BENCH_URL.rsplit("/", 1)[1]
    admin = common.BENCH_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{LOAD_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{LOAD_DB}" TEMPLATE "{bench_name}"')
    return common.BENCH_URL.rsplit("/", 1)[0] + f"/{LOAD_DB}"


def drop_database() -> None:
    import psycopg

    admin = common.BENCH_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{LOAD_DB}" WITH (FORCE)')


def make_plan(users: int) -> dict[str, Any]:
    """Sign people in (in the load database) and resolve the URLs by name."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from pastoral.models import Learner, Membership, Role, School, User
    from tests.auth import verified_login

    school = School.objects.get(urn="136001")
    urls: dict[str, str | None] = {}
    for key, (name, has_pk) in URL_NAMES.items():
        try:
            urls[key] = (
                reverse(name, kwargs={"pk": 987654321}).replace("987654321", "{pk}")
                if has_pk
                else reverse(name)
            )
        except NoReverseMatch:
            urls[key] = None

    def session(user: User) -> str:
        client = Client()
        verified_login(client, user)
        # Trust staff may work in several schools: act in the demo school.
        session = client.session
        session["pastoral_school_id"] = school.pk
        session.save()
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    def holders(role: str) -> list[User]:
        ids = Membership.objects.filter(school=school, role=role).values_list("user_id", flat=True)
        return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))

    special = set(
        Membership.objects.filter(school=school)
        .exclude(role=Role.STAFF)
        .values_list("user_id", flat=True)
    )
    plain_staff = [u for u in holders(Role.STAFF) if u.pk not in special]
    dsls = holders(Role.DSL) + holders(Role.DEPUTY_DSL)
    supports = holders(Role.SUPPORT)
    sencos = holders(Role.SENCO)
    caseloads: dict[int, list[int]] = {}
    with contextlib.suppress(ImportError):
        from caseload.models import Allocation

        for worker_id, learner_id in (
            Allocation.objects.current()
            .filter(school=school, worker__in=supports)
            .values_list("worker_id", "learner_id")
        ):
            caseloads.setdefault(worker_id, []).append(learner_id)
    # The mix of a school day: mostly staff, a few DSLs, key workers and a SENCO.
    mix = [("dsl", dsls, 0.08), ("support", supports, 0.16), ("senco", sencos, 0.04)]
    accounts = []
    for role, people, share in mix:
        for n in range(max(1, round(users * share)) if people else 0):
            person = people[n % len(people)]
            accounts.append(
                {"role": role, "session": session(person), "caseload": caseloads.get(person.pk)}
            )
    for n in range(users - len(accounts)):
        accounts.append({"role": "staff", "session": session(plain_staff[n % len(plain_staff)])})
    now = timezone.localtime() - dt.timedelta(minutes=5)
    return {
        "accounts": accounts,
        "csrf": secrets.token_hex(16),
        "urls": urls,
        "school_learners": list(
            Learner.objects.filter(school=school).order_by("?").values_list("pk", flat=True)[:400]
        ),
        "now": now.strftime("%Y-%m-%dT%H:%M"),
        "today": now.date().isoformat(),
    }


def wait_for_port(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with {process.returncode}")
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        time.sleep(0.2)
    raise SystemExit(f"{what} did not start listening on {port}")


def warm_up(port: int, plan: dict[str, Any]) -> None:
    """A few requests per worker first, so that start-up is not measured."""
    import urllib.request

    cookie = f"sessionid={plan['accounts'][-1]['session']}"
    for path in [plan["urls"]["learner-list"], "/"] * 6:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie}
        )  # noqa: S310
        with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=60):  # noqa: S310
            pass


def read_stats(prefix: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))  # noqa: SIM115

    def parse(row: dict[str, str]) -> dict[str, Any]:
        return {
            "name": row["Name"],
            "method": row["Type"],
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": round(float(row["Requests/s"]), 1),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "p99_ms": float(row["99%"]),
            "max_ms": round(float(row["Max Response Time"])),
        }

    total = next(parse(r) for r in rows if r["Name"] == "Aggregated")
    return total, [parse(r) for r in rows if r["Name"] != "Aggregated"]


def markdown(report: dict[str, Any]) -> str:
    t = report["total"]
    lines = [
        f"Load test {report['finished_at']}: {report['users']} simulated staff for "
        f"{report['duration_s']} s against gunicorn (2 workers × 4 threads, DEBUG off) + "
        f"PostgreSQL (trust-scale data) + Redis + 1 Celery worker, on "
        f"{common.machine_line(report['machine'])}.",
        "",
        f"**{t['rps']} requests/s, p50 {t['p50_ms']:.0f} ms, p95 {t['p95_ms']:.0f} ms, "
        f"p99 {t['p99_ms']:.0f} ms, {t['failures']} errors in {t['requests']:,} requests** "
        "(target: 0 errors, p95 under 300 ms). Load average (1/5/15 min) at start "
        f"{report['machine']['load_average_at_start']}, at end {report['load_average_at_end']}: "
        "other work on the machine inflates the times.",
        "",
        "| request | count | errors | req/s | p50 | p95 | p99 | max |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in report["requests"]:
        lines.append(
            f"| {r['method']} {r['name']} | {r['requests']:,} | {r['failures']} | {r['rps']} | "
            f"{r['p50_ms']:.0f} ms | {r['p95_ms']:.0f} ms | {r['p99_ms']:.0f} ms | {r['max_ms']} ms |"
        )
    if report["skipped"]:
        lines += ["", "Left out (URL not defined yet): " + "; ".join(report["skipped"]) + "."]
    if report.get("failures"):
        lines += ["", "Errors:"] + [
            f"- {f['count']}× {f['method']} {f['name']}: {f['error']}" for f in report["failures"]
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=120, help="seconds")
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--out", default=str(common.RESULTS))
    args = parser.parse_args(argv)

    common.ensure_database()
    machine = common.machine()
    load_url = copy_database()
    redis_port, web_port = free_port(), free_port()
    env = common.bench_env(
        DATABASE_URL=load_url,
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pastoral.settings")
    plan = make_plan(args.users)
    skipped = [task for task, keys in TASKS.items() if any(plan["urls"][k] is None for k in keys)]
    for task in skipped:
        print(f"Skipping (URL not defined yet): {task}", flush=True)

    processes: list[subprocess.Popen[bytes]] = []
    workdir = Path(tempfile.mkdtemp(prefix="pastoral-load-"))
    try:
        redis = subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        processes.append(redis)
        wait_for_port(redis_port, redis, "redis-server")
        web = subprocess.Popen(
            [str(BIN / "gunicorn"), "pastoral.wsgi:application", "--bind",
             f"127.0.0.1:{web_port}", "--workers", "2", "--threads", "4", "--timeout", "60",
             "--preload", "--keep-alive", "10"],
            env=env, cwd=common.ROOT, stdout=(workdir / "gunicorn.log").open("wb"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        processes.append(web)
        worker = subprocess.Popen(
            [str(BIN / "celery"), "-A", "pastoral", "worker", "--concurrency", "1",
             "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
            env=env, cwd=common.ROOT, stdout=(workdir / "celery.log").open("wb"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        processes.append(worker)
        wait_for_port(web_port, web, "gunicorn")
        warm_up(web_port, plan)
        plan_file = workdir / "plan.json"
        plan_file.write_text(json.dumps(plan))
        prefix = str(workdir / "locust")
        print(
            f"Locust: {args.users} users for {args.duration} s on http://127.0.0.1:{web_port}",
            flush=True,
        )
        subprocess.run(
            [str(BIN / "locust"), "-f", str(common.ROOT / "bench" / "locustfile.py"),
             "--headless", "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
             "--run-time", f"{args.duration}s", "--host", f"http://127.0.0.1:{web_port}",
             "--csv", prefix, "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"],
            env={**env, "LOAD_PLAN": str(plan_file)}, cwd=common.ROOT, check=False,
        )  # fmt: skip
        total, requests = read_stats(prefix)
        failures = []
        with contextlib.suppress(FileNotFoundError):
            for row in csv.DictReader(open(f"{prefix}_failures.csv")):  # noqa: SIM115
                failures.append(
                    {"method": row["Method"], "name": row["Name"], "error": row["Error"],
                     "count": int(row["Occurrences"])}
                )  # fmt: skip
    finally:
        for process in reversed(processes):
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
            if process.poll() is None:
                process.kill()
        drop_database()

    report = {
        "finished_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine,
        "users": args.users,
        "duration_s": args.duration,
        "total": total,
        "requests": requests,
        "failures": failures,
        "skipped": skipped,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "load-latest.json").write_text(json.dumps(report, indent=2) + "\n")
    (out / "load-latest.md").write_text(markdown(report))
    print(f"\nWrote {out / 'load-latest.json'} and {out / 'load-latest.md'}:\n")
    print(markdown(report))
    return 0 if total["failures"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
