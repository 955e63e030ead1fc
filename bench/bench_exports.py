"""Export benchmark: the learner list of 2,000 learners as CSV and as XLSX.

Through the whole path a person's click takes (the test client through the
full middleware stack, the learner list view with its filter and scoped
selector, pastoral.exports, the audit event), signed in as a SENCO (every
learner, with case flags), reading the whole streamed body. For each format:
the best and median wall time of ROUNDS runs, and the peak Python memory of
one more run (tracemalloc, measured apart: tracing slows the run it watches).
Target: under 2 s each (issue 19). The 1-minute load average is recorded,
since a busy 2-core machine inflates every time.

    .venv/bin/python bench/bench_exports.py [N]  # on the configured database (DEBUG=1)
    make bench                                  # as a job of bench/jobs.py

All rows it creates are written inside a transaction that is rolled back.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

LEARNERS = 2000
ROUNDS = 5
TARGET_SECONDS = 2.0


def _school_of(count: int) -> tuple[Any, Any]:
    """A school of `count` learners across Years 7-11, and its SENCO."""
    from pastoral.models import Learner, Membership, RegGroup, Role, School, User, YearGroup
    from pastoral.upn import make_upn

    school = School.objects.create(name="Export Bench School", urn="99999902", la_code="330")
    years = [
        YearGroup.objects.create(school=school, number=n, name=f"Year {n}") for n in range(7, 12)
    ]
    groups = [
        RegGroup.objects.create(school=school, year_group=y, name=f"{y.number}{c}")
        for y in years
        for c in "ABCD"
    ]
    Learner.objects.bulk_create(
        [
            Learner(
                school=school,
                year_group=groups[i % len(groups)].year_group,
                reg_group=groups[i % len(groups)],
                upn=make_upn(330, 9900 + i // 1000, 15, i % 1000),
                legal_first_name=f"First{i}",
                legal_last_name=f"Last{i:05d}",
                date_of_birth="2012-03-04",
                gender="F" if i % 2 else "M",
                pupil_premium=i % 5 == 0,
                eal=i % 7 == 0,
                # Typed text that a spreadsheet would run: neutralised on the way out.
                preferred_first_name="=1+1" if i % 97 == 0 else "",
            )
            for i in range(count)
        ],
        batch_size=1000,
    )
    user = User.objects.create_user("export-bench@bench.test", None, full_name="Bench Senco")
    Membership.objects.create(user=user, school=school, role=Role.STAFF)
    Membership.objects.create(user=user, school=school, role=Role.SENCO)
    return school, user


def _download(client: Any, fmt: str) -> tuple[int, int]:
    """One export, read to its last byte: (status, bytes)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    # As Django's own TestCase does: the requests run inside the bench's
    # transaction, which the start or end of a request must not close (the
    # test client connects the handler again after each streamed response).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    response = client.get("/learners/", {"export": fmt})
    if getattr(response, "streaming", False):
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    return response.status_code, size


def _measure(count: int) -> dict[str, Any]:
    from django.db import transaction

    result: dict[str, Any] = {"learners": count}
    try:
        with transaction.atomic():
            school, user = _school_of(count)
            client = common.signed_in_client(user, school)
            for fmt in ("csv", "xlsx"):
                status, size = _download(client, fmt)  # warm-up
                if status != 200:
                    raise RuntimeError(f"{fmt} export answered HTTP {status}")
                times = []
                for _ in range(ROUNDS):
                    started = time.perf_counter()
                    _download(client, fmt)
                    times.append(time.perf_counter() - started)
                tracemalloc.start()
                _download(client, fmt)
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                result[fmt] = {
                    "best_s": round(min(times), 3),
                    "median_s": round(statistics.median(times), 3),
                    "bytes": size,
                    "peak_python_mib": round(peak / 2**20, 1),
                    "meets_target": max(times) < TARGET_SECONDS,
                }
            raise common.Rollback
    except common.Rollback:
        pass
    result["target_s"] = TARGET_SECONDS
    result["load_average_1min"] = round(os.getloadavg()[0], 2)
    result["cpus"] = os.cpu_count()
    return result


def run(learners: int = LEARNERS) -> dict[str, Any]:
    """Benchmark entry point for bench/jobs.py: returns the figures."""
    common.setup_django()
    from django.db import connection

    load_at_start = round(os.getloadavg()[0], 2)
    out = _measure(learners)
    out["load_average_1min_at_start"] = load_at_start
    out["database"] = connection.vendor
    out["summary"] = "; ".join(
        f"{fmt.upper()} of {out['learners']:,} learners: median {out[fmt]['median_s']} s "
        f"(best {out[fmt]['best_s']} s, {out[fmt]['bytes'] / 1024:.0f} KiB, "
        f"peak Python memory {out[fmt]['peak_python_mib']} MiB)"
        for fmt in ("csv", "xlsx")
    ) + (
        f"; target < {TARGET_SECONDS} s; {out['database']}; "
        f"load {out['load_average_1min_at_start']}→{out['load_average_1min']} on {out['cpus']} CPUs"
    )
    return out


if __name__ == "__main__":
    # An optional count: `bench/bench_exports.py 10000` shows memory stays flat.
    figures = run(int(sys.argv[1]) if len(sys.argv) > 1 else LEARNERS)
    for key, value in figures.items():
        print(f"{key}: {value}")
