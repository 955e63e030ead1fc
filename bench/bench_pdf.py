"""PDF benchmark: a transfer report for a learner with 200 entries.

Measures pages per second through our whole path (scoped selectors, the
print template, WeasyPrint with the static-only fetcher, PDF writing) beside
a plain WeasyPrint render of the same HTML with WeasyPrint's own fetcher, so
the ratio shows our overhead. Target: at least 15 pages/s.

    .venv/bin/python bench/bench_pdf.py          # on the dev database (DEBUG=1)
    make bench                                   # as a job of bench/jobs.py

All rows it creates are written inside a transaction that is rolled back.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

TARGET_PAGES_PER_SECOND = 15.0
ENTRIES = 200
ROUNDS = 3


def _learner_with_entries(entries: int) -> tuple[Any, Any]:
    """A school, a SENCO and a learner with `entries` records across the apps."""
    from django.utils import timezone

    from caseload.models import ContactLog, Intervention, Mark, Plan, Review, Session
    from pastoral.access import scope_for
    from pastoral.models import Learner, Membership, Role, School, User, YearGroup
    from pastoral.upn import make_upn
    from safeguarding.models import Concern, ConcernAction, ConcernLearner

    now = timezone.now()
    today = timezone.localdate()
    school = School.objects.create(name="PDF Bench School", urn="99999901", la_code="330")
    year = YearGroup.objects.create(school=school, number=9, name="Year 9")
    user = User.objects.create_user("pdf-bench@bench.test", None, full_name="Bench Senco")
    Membership.objects.create(user=user, school=school, role=Role.STAFF)
    Membership.objects.create(user=user, school=school, role=Role.SENCO)
    learner = Learner.objects.create(
        school=school,
        upn=make_upn(330, 9990, 15, 1),
        legal_first_name="Bench",
        legal_last_name="Learner",
        date_of_birth=dt.date(2012, 5, 6),
        gender="F",
        year_group=year,
    )
    text = (
        "Was upset at break and said that friends had left her out of a group chat. "
        "Spoke to her with her tutor; she agreed to check in at lunchtime. "
    ) * 2
    n_concerns, n_actions, n_contacts, n_sessions, n_reviews = 70, 30, 60, 30, 9
    concerns = Concern.objects.bulk_create(
        [
            Concern(
                school=school,
                author=user,
                occurred_at=now - dt.timedelta(days=i),
                submitted_at=now - dt.timedelta(days=i),
                description=text,
                status=Concern.Status.OPEN,
            )
            for i in range(n_concerns)
        ]
    )
    ConcernLearner.objects.bulk_create(
        [ConcernLearner(concern=c, learner=learner) for c in concerns]
    )
    ConcernAction.objects.bulk_create(
        [
            ConcernAction(
                concern=concerns[i],
                kind=ConcernAction.Kind.MONITORING,
                details="Monitoring for two weeks",
                outcome="No further concerns",
                recorded_by=user,
            )
            for i in range(n_actions)
        ]
    )
    ContactLog.objects.bulk_create(
        [
            ContactLog(
                school=school,
                learner=learner,
                kind=ContactLog.Kind.PHONE,
                when=now - dt.timedelta(days=i, hours=2),
                with_whom=ContactLog.With.LEARNER,
                summary=text,
                recorded_by=user,
            )
            for i in range(n_contacts)
        ]
    )
    mentoring = Intervention.objects.create(
        school=school,
        name="Mentoring",
        kind=Intervention.Kind.MENTORING,
        one_to_one=True,
        leader=user,
        start=today - dt.timedelta(days=200),
    )
    sessions = Session.objects.bulk_create(
        [
            Session(intervention=mentoring, date=today - dt.timedelta(days=i * 7), notes=text)
            for i in range(n_sessions)
        ]
    )
    Mark.objects.bulk_create(
        [Mark(session=s, learner=learner, status=Mark.Status.PRESENT) for s in sessions]
    )
    plan = Plan.objects.create(
        school=school,
        learner=learner,
        type=Plan.Type.PSP,
        status=Plan.Status.ACTIVE,
        start=today - dt.timedelta(days=300),
        next_review=today + dt.timedelta(days=10),
        strategies=text,
    )
    Review.objects.bulk_create(
        [
            Review(
                plan=plan,
                date=today - dt.timedelta(days=30 * i),
                summary=text,
                outcome=Review.Outcome.CONTINUE,
                version_reviewed=1,
                reviewed_by=user,
            )
            for i in range(n_reviews)
        ]
    )
    scope = scope_for(user, school)
    return scope, learner


def _measure(entries: int) -> dict[str, Any]:
    from django.db import transaction
    from django.template.loader import render_to_string
    from django.utils import timezone
    from weasyprint import HTML

    from caseload.reports import TRANSFER, build_transfer
    from pastoral.reports.models import ReportJob
    from pastoral.reports.pdf import html_to_pdf

    result: dict[str, Any] = {}
    try:
        with transaction.atomic():
            scope, learner = _learner_with_entries(entries)
            job = ReportJob(
                school=scope.school,
                requested_by=scope.user,
                kind=TRANSFER,
                title="Transfer report",
                learner=learner,
                params={},
                expires_at=timezone.now(),
            )
            ours: list[float] = []
            plain: list[float] = []
            pages = 0
            html = ""
            for _ in range(ROUNDS):
                started = time.perf_counter()
                context = build_transfer(scope, job, lambda percent, stage: None)
                entries_built = context.pop("_entries")
                context.update(
                    job=job,
                    school=scope.school,
                    exporter=scope.user,
                    exported_at=timezone.now(),
                    title=job.title,
                )
                html = render_to_string("pdf/base.html", context)
                rendered = html_to_pdf(html)
                ours.append(time.perf_counter() - started)
                pages = rendered.pages
            # The same HTML through WeasyPrint alone: its default fetcher, the
            # stylesheet read straight from disk.
            css = (ROOT / "static" / "css" / "print.css").as_uri()
            plain_html = html.replace('href="/static/css/print.css"', f'href="{css}"')
            for _ in range(ROUNDS):
                started = time.perf_counter()
                document = HTML(string=plain_html, base_url=str(ROOT)).render()
                document.write_pdf()
                plain.append(time.perf_counter() - started)
            plain_pages = len(document.pages)
            best_ours, best_plain = min(ours), min(plain)
            result = {
                "entries": entries_built,
                "pages": pages,
                "seconds": round(best_ours, 3),
                "pages_per_second": round(pages / best_ours, 1),
                "plain_weasyprint_pages": plain_pages,
                "plain_weasyprint_seconds": round(best_plain, 3),
                "plain_weasyprint_pages_per_second": round(plain_pages / best_plain, 1),
                "overhead_ratio": round(best_ours / best_plain, 2),
                "target_pages_per_second": TARGET_PAGES_PER_SECOND,
                "meets_target": pages / best_ours >= TARGET_PAGES_PER_SECOND,
                # Pages per second depend on a free CPU: record how busy the machine was.
                "load_average_1min": round(os.getloadavg()[0], 1),
                "cpus": os.cpu_count(),
            }
            raise common.Rollback
    except common.Rollback:
        pass
    return result


def run() -> dict[str, Any]:
    """Benchmark entry point for bench/jobs.py: returns the figures."""
    common.setup_django()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    out = _measure(ENTRIES)
    out["summary"] = (
        f"{out['pages']} pages in {out['seconds']}s = {out['pages_per_second']} pages/s "
        f"(plain WeasyPrint {out['plain_weasyprint_pages_per_second']} pages/s, "
        f"ratio {out['overhead_ratio']}; target >= {TARGET_PAGES_PER_SECOND}; "
        f"load {out['load_average_1min']} on {out['cpus']} CPUs)"
    )
    return out


if __name__ == "__main__":
    figures = run()
    for key, value in figures.items():
        print(f"{key}: {value}")
