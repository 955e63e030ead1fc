"""Trust dashboard benchmark: the trust safeguarding lead's dashboard at 20
schools beside an honest raw-SQL floor returning the same numbers (issue 19:
within 10× its raw SQL).

- The dashboard: the whole path of a click (the test client through the full
  middleware stack, the view, `pastoral.trust.selectors.dashboard_for` and
  every app's registered counts, the template), signed in as the trust's
  safeguarding lead; and the selector alone (the queries and the Python that
  shapes them, no template).
- The floor (`floor_numbers`): hand-written SQL, one statement per figure,
  each a single GROUP BY over the trust's schools, with the age bands and
  months as parameters and the attendance codes written out; no ORM, no
  template. tests/trust/test_bench_floor.py checks that it returns the
  dashboard's numbers.

Each is timed over ROUNDS runs (median and best); the ratios dashboard/floor
and selector/floor are printed with the 1-minute load average (a busy 2-core
machine inflates every time).

    .venv/bin/python bench/bench_trust.py [SCHOOLS]   # on the configured database (DEBUG=1)
    make bench                                        # as a job of bench/jobs.py

It builds a trust of SCHOOLS (20) schools, each with LEARNERS learners, their
marks over MARK_DAYS days, concerns over 12 months, follow-ups, plans and CP
transfers, inside a transaction that is rolled back.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCHOOLS = 20
LEARNERS = 150
CONCERNS = 120
MARK_DAYS = 20
ROUNDS = 7
TARGET_RATIO = 10.0


class _Rollback(Exception):
    pass


def _setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pastoral.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


# ---------------------------------------------------------------------------
# The floor: hand-written SQL


def _in(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def floor_numbers(trust_id: int, today: dt.date) -> dict[int, dict[str, Any]]:
    """Every number of the dashboard's table, category breakdown and trend,
    by hand-written SQL: {school_id: {...}} in the shape of the dashboard's
    SchoolRow (open bands, open_by_category, follow_ups_overdue,
    plan_reviews_overdue, pupils_with_sessions, pa, sa, cp_transfers_awaiting,
    monthly)."""
    from django.db import connection

    from attendance import codes
    from pastoral.trust import figures

    ops = connection.ops
    t7, t30 = (ops.adapt_datetimefield_value(x) for x in figures.band_limits(today))
    firsts = figures.months(today)
    bounds = [ops.adapt_datetimefield_value(figures.midnight(m)) for m in firsts]
    end = ops.adapt_datetimefield_value(figures.midnight(today + dt.timedelta(days=1)))
    day = ops.adapt_datefield_value(today)
    start_year, _ = figures.attendance_range(today)
    out: dict[int, dict[str, Any]] = {}
    with connection.cursor() as cur:
        cur.execute("SELECT id FROM pastoral_school WHERE trust_id = %s ORDER BY id", [trust_id])
        for (pk,) in cur.fetchall():
            out[pk] = {
                "open": {"days_0_7": 0, "days_8_30": 0, "days_over_30": 0},
                "open_by_category": {},
                "follow_ups_overdue": 0,
                "plan_reviews_overdue": 0,
                "pupils_with_sessions": 0,
                "pa": 0,
                "sa": 0,
                "cp_transfers_awaiting": 0,
                "monthly": [0] * len(firsts),
            }
        schools = "SELECT id FROM pastoral_school WHERE trust_id = %s"
        bands = (
            "SUM(CASE WHEN c.submitted_at >= %s THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN c.submitted_at >= %s AND c.submitted_at < %s THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN c.submitted_at < %s THEN 1 ELSE 0 END)"
        )
        band_params = [t7, t30, t7, t30]
        cur.execute(
            f"SELECT c.school_id, {bands} FROM safeguarding_concern c "  # noqa: S608
            f"WHERE c.status IN ('new', 'open') AND c.school_id IN ({schools}) "
            "GROUP BY c.school_id",
            [*band_params, trust_id],
        )
        for pk, b0, b1, b2 in cur.fetchall():
            out[pk]["open"] = {"days_0_7": b0, "days_8_30": b1, "days_over_30": b2}
        cur.execute(
            f"SELECT c.school_id, g.name, {bands} FROM safeguarding_concern_categories cc "  # noqa: S608
            "JOIN safeguarding_concern c ON c.id = cc.concern_id "
            "JOIN safeguarding_category g ON g.id = cc.category_id "
            f"WHERE c.status IN ('new', 'open') AND c.school_id IN ({schools}) "
            "GROUP BY c.school_id, g.name",
            [*band_params, trust_id],
        )
        for pk, name, b0, b1, b2 in cur.fetchall():
            out[pk]["open_by_category"][name] = [b0, b1, b2]
        cur.execute(
            f"SELECT c.school_id, {bands} FROM safeguarding_concern c "  # noqa: S608
            f"WHERE c.status IN ('new', 'open') AND c.school_id IN ({schools}) "
            "AND NOT EXISTS (SELECT 1 FROM safeguarding_concern_categories cc "
            "WHERE cc.concern_id = c.id) GROUP BY c.school_id",
            [*band_params, trust_id],
        )
        for pk, b0, b1, b2 in cur.fetchall():
            if b0 or b1 or b2:
                out[pk]["open_by_category"]["No category"] = [b0, b1, b2]
        cur.execute(
            "SELECT c.school_id, COUNT(*) FROM safeguarding_concernaction a "  # noqa: S608
            "JOIN safeguarding_concern c ON c.id = a.concern_id "
            f"WHERE a.follow_up_due < %s AND a.completed_at IS NULL AND c.school_id IN ({schools}) "
            "GROUP BY c.school_id",
            [day, trust_id],
        )
        for pk, n in cur.fetchall():
            out[pk]["follow_ups_overdue"] = n
        cur.execute(
            "SELECT school_id, COUNT(*) FROM caseload_plan "  # noqa: S608
            f"WHERE status = 'active' AND next_review < %s AND school_id IN ({schools}) "
            "GROUP BY school_id",
            [day, trust_id],
        )
        for pk, n in cur.fetchall():
            out[pk]["plan_reviews_overdue"] = n
        cur.execute(
            "SELECT school_id, COUNT(*) FROM reports_cpfiletransfer "  # noqa: S608
            f"WHERE receipt_confirmed_at IS NULL AND school_id IN ({schools}) GROUP BY school_id",
            [trust_id],
        )
        for pk, n in cur.fetchall():
            out[pk]["cp_transfers_awaiting"] = n
        limits = [*bounds, end]
        months = ", ".join(
            "SUM(CASE WHEN submitted_at >= %s AND submitted_at < %s THEN 1 ELSE 0 END)"
            for _ in firsts
        )
        month_params = [x for i in range(len(firsts)) for x in (limits[i], limits[i + 1])]
        cur.execute(
            f"SELECT school_id, {months} FROM safeguarding_concern "  # noqa: S608
            f"WHERE submitted_at >= %s AND school_id IN ({schools}) GROUP BY school_id",
            [*month_params, bounds[0], trust_id],
        )
        for pk, *counts in cur.fetchall():
            out[pk]["monthly"] = [int(n or 0) for n in counts]
        possible = codes.POSSIBLE_CODES
        absent = [*codes.AUTHORISED_CODES, *codes.UNAUTHORISED_CODES]
        cur.execute(
            "SELECT school_id, SUM(CASE WHEN p > 0 THEN 1 ELSE 0 END), "  # noqa: S608
            "SUM(CASE WHEN p > 0 AND a * 100 >= p * 10 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN p > 0 AND a * 100 >= p * 50 THEN 1 ELSE 0 END) FROM ("
            f"  SELECT school_id, learner_id, SUM(CASE WHEN code IN ({_in(possible)}) "
            f"  THEN 1 ELSE 0 END) AS p, SUM(CASE WHEN code IN ({_in(absent)}) THEN 1 ELSE 0 END) "
            f"  AS a FROM attendance_mark WHERE school_id IN ({schools}) "
            "  AND date >= %s AND date <= %s GROUP BY school_id, learner_id"
            ") per_learner GROUP BY school_id",
            [
                *possible,
                *absent,
                trust_id,
                ops.adapt_datefield_value(start_year),
                day,
            ],
        )
        for pk, pupils, pa, sa in cur.fetchall():
            out[pk].update(pupils_with_sessions=int(pupils or 0), pa=int(pa or 0), sa=int(sa or 0))
    return out


def dashboard_numbers(board: Any) -> dict[int, dict[str, Any]]:
    """The same shape, read from the dashboard (pastoral.trust.selectors)."""
    return {
        row.school.pk: {
            "open": dict(row.open),
            "open_by_category": dict(row.open_by_category),
            "follow_ups_overdue": row.follow_ups_overdue,
            "plan_reviews_overdue": row.plan_reviews_overdue,
            "pupils_with_sessions": row.pupils_with_sessions,
            "pa": row.pa,
            "sa": row.sa,
            "cp_transfers_awaiting": row.cp_transfers_awaiting,
            "monthly": list(row.monthly),
        }
        for row in board.rows
    }


# ---------------------------------------------------------------------------
# The data


def build_trust(schools: int = SCHOOLS, *, learners: int = LEARNERS, seed: int = 19) -> Any:
    """A trust of `schools` schools with a modest, varied record in each, and
    its safeguarding lead (no school role). Returns (trust, lead)."""
    import random

    from django.utils import timezone

    from attendance.models import Mark
    from caseload.models import Plan
    from pastoral.models import Learner, Membership, Role, School, Trust, User, YearGroup
    from pastoral.reports.models import CPFileTransfer
    from pastoral.trust import figures
    from pastoral.trust.models import TrustMembership, TrustRole
    from safeguarding.models import Category, Concern, ConcernAction

    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    trust = Trust.objects.create(name=f"Bench Trust {seed}")
    lead = User.objects.create_user(f"trust-bench-{seed}@bench.test", None, full_name="Bench Lead")
    TrustMembership.objects.create(user=lead, trust=trust, role=TrustRole.SAFEGUARDING_LEAD)
    start, _ = figures.attendance_range(today)
    days = [d for d in (today - dt.timedelta(days=i) for i in range(MARK_DAYS)) if d >= start]
    for n in range(schools):
        school = School.objects.create(
            trust=trust, name=f"Bench School {seed}-{n:02d}", urn=f"97{seed:02d}{n:04d}"
        )
        author = User.objects.create_user(f"dsl-{seed}-{n}@bench.test", None, full_name="DSL")
        Membership.objects.create(user=author, school=school, role=Role.DSL)
        year = YearGroup.objects.create(school=school, number=9, name="Year 9")
        rows = Learner.objects.bulk_create(
            [
                Learner(
                    school=school,
                    year_group=year,
                    upn=f"B{seed:02d}{n:03d}{i:07d}"[:13],
                    legal_first_name=f"F{i}",
                    legal_last_name=f"L{i}",
                    date_of_birth="2012-03-04",
                )
                for i in range(learners)
            ]
        )
        categories = list(Category.objects.filter(school=school)) or [
            Category.objects.create(school=school, name=name) for name in ("Neglect", "Bullying")
        ]
        concerns = Concern.objects.bulk_create(
            [
                Concern(
                    school=school,
                    author=author,
                    occurred_at=now - dt.timedelta(days=d),
                    submitted_at=now - dt.timedelta(days=d),
                    description="bench",
                    status=rng.choice(["new", "open", "open", "closed", "closed"]),
                )
                for d in (rng.randrange(0, 365) for _ in range(CONCERNS))
            ]
        )
        through = Concern.categories.through
        through.objects.bulk_create(
            [
                through(concern_id=c.pk, category_id=cat.pk)
                for c in concerns
                for cat in rng.sample(categories, rng.choice([0, 1, 1, 2]))
            ]
        )
        ConcernAction.objects.bulk_create(
            [
                ConcernAction(
                    concern=c,
                    kind="monitoring",
                    follow_up_due=today + dt.timedelta(days=rng.randrange(-20, 20)),
                    completed_at=now if rng.random() < 0.3 else None,
                    recorded_by=author,
                )
                for c in concerns[: CONCERNS // 3]
            ]
        )
        Plan.objects.bulk_create(
            [
                Plan(
                    school=school,
                    learner=learner,
                    type="psp",
                    status="active",
                    start=today - dt.timedelta(days=90),
                    next_review=today + dt.timedelta(days=rng.randrange(-30, 30)),
                )
                for learner in rows[: learners // 10]
            ]
        )
        CPFileTransfer.objects.bulk_create(
            [
                CPFileTransfer(
                    school=school,
                    learner=rows[i],
                    receiving_school="Elsewhere",
                    method="email",
                    sent_at=now - dt.timedelta(days=5),
                    sent_by=author,
                    receipt_confirmed_at=now if i % 2 else None,
                    receipt_confirmed_by="R" if i % 2 else "",
                )
                for i in range(rng.randrange(0, 4))
            ]
        )
        weights = [rng.choice([0.0, 0.02, 0.05, 0.12, 0.6]) for _ in rows]
        Mark.objects.bulk_create(
            [
                Mark(
                    school=school,
                    learner=learner,
                    date=d,
                    session=s,
                    code=("N" if rng.random() < w else ("/" if s == "AM" else "\\")),
                )
                for learner, w in zip(rows, weights, strict=True)
                for d in days
                for s in ("AM", "PM")
            ],
            batch_size=5000,
        )
    return trust, lead


# ---------------------------------------------------------------------------
# The measurement


def _timed(fn: Any, rounds: int = ROUNDS) -> dict[str, float]:
    fn()  # warm-up
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return {
        "median_ms": round(statistics.median(times) * 1000, 2),
        "best_ms": round(min(times) * 1000, 2),
    }


def _measure(schools: int) -> dict[str, Any]:
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from pastoral.trust import selectors
    from pastoral.trust.standing import trust_scope_or_404
    from tests.auth import verified_login

    result: dict[str, Any] = {"schools": schools}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            trust, lead = build_trust(schools)
            result["build_s"] = round(time.perf_counter() - started, 1)
            today = timezone.localdate()
            scope = trust_scope_or_404(lead, trust.pk)
            board = selectors.dashboard_for(scope, today=today)
            floor = floor_numbers(trust.pk, today)
            result["same_numbers"] = dashboard_numbers(board) == floor
            client = Client()
            verified_login(client, lead)
            url = f"/trust/{trust.pk}/"

            def page() -> None:
                response = client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"dashboard answered HTTP {response.status_code}")

            result["page"] = _timed(page)
            result["selector"] = _timed(lambda: selectors.dashboard_for(scope, today=today))
            result["floor"] = _timed(lambda: floor_numbers(trust.pk, today))
            raise _Rollback
    except _Rollback:
        pass
    floor_ms = result["floor"]["median_ms"]
    result["ratio_page"] = round(result["page"]["median_ms"] / floor_ms, 2)
    result["ratio_selector"] = round(result["selector"]["median_ms"] / floor_ms, 2)
    result["target_ratio"] = TARGET_RATIO
    result["meets_target"] = result["ratio_page"] <= TARGET_RATIO
    result["load_average_1min"] = round(os.getloadavg()[0], 2)
    result["cpus"] = os.cpu_count()
    return result


def run(schools: int = SCHOOLS) -> dict[str, Any]:
    """Benchmark entry point for bench/jobs.py: returns the figures."""
    _setup_django()
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection

    # The requests run inside the bench's transaction (rolled back at the end).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    load_at_start = round(os.getloadavg()[0], 2)
    out = _measure(schools)
    out["load_average_1min_at_start"] = load_at_start
    out["database"] = connection.vendor
    out["summary"] = (
        f"trust dashboard at {out['schools']} schools: page median {out['page']['median_ms']} ms, "
        f"selector {out['selector']['median_ms']} ms, hand-written SQL floor "
        f"{out['floor']['median_ms']} ms; page/floor {out['ratio_page']}× "
        f"(selector/floor {out['ratio_selector']}×; target ≤ {TARGET_RATIO}×); same numbers: "
        f"{out['same_numbers']}; {out['database']}; load {out['load_average_1min_at_start']}→"
        f"{out['load_average_1min']} on {out['cpus']} CPUs"
    )
    return out


if __name__ == "__main__":
    figures_ = run(int(sys.argv[1]) if len(sys.argv) > 1 else SCHOOLS)
    for key, value in figures_.items():
        print(f"{key}: {value}")
