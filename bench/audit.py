#!/usr/bin/env python
"""`make bench-audit`: how many audited page views one school can take, and
the DSL inbox's latency under 16 concurrent clients.

Both are measured twice in the same run, in alternation, so machine noise
falls on both alike:

- **unsealed** (today): a read event is one plain INSERT; the sealer chains it
  later (pastoral/audit/chain.py);
- **chained** (before): every read event is chained at once under the
  school's chain-head lock, as every audited view was before the keyed trail.

Part 1 runs 16 processes for each mode, each recording views of one school in
its own connection and transaction for `--seconds`, and reports events per
second (target: at least 1,000 for one school). Part 2 serves the demo school
(`seed_demo`) with gunicorn (2 workers, DEBUG off) and sends the DSL inbox
from 16 client threads for `--seconds`, reporting p50/p95 (target: p95 under
300 ms); for "chained", gunicorn is started with bench/audit_chained.py,
which routes reads down the locked path. Everything runs on loopback against
its own database, `pastoral_auditbench`, made fresh and dropped at the end.

    .venv/bin/python bench/audit.py [--seconds 10] [--clients 16]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402

DB = "pastoral_auditbench"
BIN = Path(sys.executable).parent
MODES = ("unsealed", "chained")


def _url() -> str:
    return common.BENCH_URL.rsplit("/", 1)[0] + f"/{DB}"


def _admin(sql: str) -> None:
    import psycopg

    admin = common.BENCH_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def build() -> dict[str, str]:
    _admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{DB}"')
    env = common.bench_env(DATABASE_URL=_url(), ALLOWED_HOSTS="127.0.0.1,localhost")
    for args in (
        ["migrate", "--noinput"],
        ["seed_demo", "--if-empty"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            env=env,
            cwd=common.ROOT,
            check=True,
            capture_output=True,
        )
    return env


def _setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pastoral.settings")
    import django

    django.setup()


def _viewer(env: dict[str, str], mode: str, seconds: float, ready: Any, out: Any) -> None:
    """One client: record views of the DSL's learners until the time is up."""
    _setup(env)
    from pastoral import audit
    from pastoral.access import scope_for
    from pastoral.audit import chain
    from pastoral.models import Learner, Membership, Role, School

    school = School.objects.order_by("pk").first()
    dsl = Membership.objects.filter(school=school, role=Role.DSL).first().user
    scope = scope_for(dsl, school)
    learners = list(Learner.objects.filter(school=school)[:50])
    ready.wait()  # every client set up (Django, connection) before the clock starts
    done, ends = 0, time.monotonic() + seconds
    while time.monotonic() < ends:
        learner = learners[done % len(learners)]
        if mode == "unsealed":
            audit.viewed(scope, learner, page=1)
        else:
            event = audit._event(
                "caseload.learner.viewed",
                actor=dsl,
                school=school,
                obj=learner,
                object_type="",
                object_id="",
                learner=None,
                changes={"page": 1},
            )
            chain.append_chained(event)
        done += 1
    out.put(done)


def views_per_second(env: dict[str, str], mode: str, clients: int, seconds: float) -> float:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    ready = ctx.Barrier(clients)
    procs = [
        ctx.Process(target=_viewer, args=(env, mode, seconds, ready, queue)) for _ in range(clients)
    ]
    for p in procs:
        p.start()
    total = sum(queue.get(timeout=seconds + 120) for _ in procs)
    for p in procs:
        p.join()
    return total / seconds


def seal_all(env: dict[str, str]) -> tuple[int, float]:
    """Seal every pending read (as beat would); (events sealed, seconds)."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from pastoral.audit import chain; print(chain.seal())"],
        env=env, cwd=common.ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(result.stdout.strip().splitlines()[-1]), time.monotonic() - started


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dsl_session(env: dict[str, str]) -> str:
    out = subprocess.run(
        [sys.executable, "-c", _SESSION_SCRIPT],
        env={**env, "DJANGO_SETTINGS_MODULE": "pastoral.settings"},
        cwd=common.ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


_SESSION_SCRIPT = """
import django; django.setup()
from django.conf import settings
from django.test import Client
from pastoral.models import Membership, Role, School
from tests.auth import verified_login
school = School.objects.order_by("pk").first()
dsl = Membership.objects.filter(school=school, role=Role.DSL).first().user
client = Client(); verified_login(client, dsl)
print(client.cookies[settings.SESSION_COOKIE_NAME].value)
"""


def inbox_latency(
    env: dict[str, str], mode: str, clients: int, seconds: float, workdir: Path
) -> dict[str, Any]:
    port = _free_port()
    config = ["-c", str(common.ROOT / "bench" / "audit_chained.py")] if mode == "chained" else []
    web = subprocess.Popen(
        [str(BIN / "gunicorn"), "pastoral.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--timeout", "60", "--preload", "--keep-alive", "10", *config],
        env=env, cwd=common.ROOT, stdout=(workdir / f"gunicorn-{mode}.log").open("wb"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            time.sleep(0.2)
        cookie = f"sessionid={_dsl_session(env)}"
        url = f"http://127.0.0.1:{port}/safeguarding/inbox/"

        def get() -> int:
            request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                response.read()
                return response.status

        for _ in range(6):
            assert get() == 200, "the inbox did not answer 200 for the DSL"
        samples: list[float] = []
        errors = [0]
        ends = time.monotonic() + seconds

        def client() -> None:
            while time.monotonic() < ends:
                started = time.perf_counter()
                try:
                    ok = get() == 200
                except OSError:
                    ok = False
                samples.append((time.perf_counter() - started) * 1000)
                if not ok:
                    errors[0] += 1

        threads = [threading.Thread(target=client) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        web.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            web.wait(timeout=20)
    samples.sort()
    return {
        "requests": len(samples),
        "errors": errors[0],
        "rps": round(len(samples) / seconds, 1),
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 1),
    }


def markdown(report: dict[str, Any]) -> str:
    v, i = report["views_per_second"], report["inbox"]
    lines = [
        f"Audit trail under load, {report['finished_at']}, on "
        f"{common.machine_line(report['machine'])}; load average at start "
        f"{report['machine']['load_average_at_start']}, at end {report['load_average_at_end']}.",
        "",
        f"**Audited views per second, one school, {report['clients']} concurrent clients "
        f"({report['seconds']} s each, alternating):** unsealed (today) "
        f"{v['unsealed']:,.0f}/s, chained under the head lock (before) {v['chained']:,.0f}/s: "
        f"**{v['unsealed'] / v['chained']:.1f}×** (target ≥ 1,000/s). Sealing the "
        f"{report['sealed_events']:,} unsealed events afterwards took {report['seal_s']:.1f} s "
        f"({report['sealed_events'] / report['seal_s']:,.0f} events/s, starting the process included).",
        "",
        f"**DSL inbox, {report['clients']} concurrent clients, gunicorn 2 workers, DEBUG off, "
        "demo school:**",
        "",
        "| reads | requests | errors | req/s | p50 | p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for mode in MODES:
        r = i[mode]
        lines.append(
            f"| {mode} | {r['requests']:,} | {r['errors']} | {r['rps']} | {r['p50_ms']:.0f} ms "
            f"| {r['p95_ms']:.0f} ms |"
        )
    lines += [
        "",
        "Target: p95 under 300 ms. On 2 cores the 16 client threads share the CPU with the "
        "server, so the figures are a ceiling of the server's own latency.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--out", default=str(common.RESULTS))
    args = parser.parse_args(argv)
    print(f"Building {DB} (migrate, seed_demo) …", flush=True)
    env = build()
    bench_url, common.BENCH_URL = common.BENCH_URL, _url()
    machine = common.machine()  # it reads the PostgreSQL version from the bench database
    common.BENCH_URL = bench_url
    workdir = Path(tempfile.mkdtemp(prefix="pastoral-audit-bench-"))
    rates: dict[str, list[float]] = {m: [] for m in MODES}
    inbox: dict[str, dict[str, Any]] = {}
    try:
        sealed_before, seal_s = 0, 0.0
        for _ in range(2):
            for mode in MODES:
                # Nothing pending when a run starts: the chained path would
                # otherwise seal the other run's backlog on its clock.
                sealed, took = seal_all(env)
                if sealed > sealed_before:
                    sealed_before, seal_s = sealed, took
                rate = views_per_second(env, mode, args.clients, args.seconds)
                rates[mode].append(rate)
                print(f"views, {mode}: {rate:,.0f}/s", flush=True)
        seal_all(env)
        for mode in MODES:
            inbox[mode] = inbox_latency(env, mode, args.clients, args.seconds, workdir)
            print(f"inbox, {mode}: {inbox[mode]}", flush=True)
    finally:
        with contextlib.suppress(Exception):
            _admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    report = {
        "finished_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine,
        "clients": args.clients,
        "seconds": args.seconds,
        "views_per_second": {m: statistics.median(r) for m, r in rates.items()},
        "views_per_second_runs": rates,
        "sealed_events": sealed_before,
        "seal_s": seal_s,
        "inbox": inbox,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "audit-latest.json").write_text(json.dumps(report, indent=2) + "\n")
    (out / "audit-latest.md").write_text(markdown(report))
    print(f"\nWrote {out / 'audit-latest.md'}:\n\n{markdown(report)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
