"""The caseload review (SENCO; head of year for their years): each key
worker's caseload, plan status, overdue reviews and review outcomes."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from behaviour import reports as behaviour_reports
from caseload.models import Plan, Review
from caseload.reports.sections import day_label, job_since
from caseload.selectors import BoardFilters, board_learners_for, board_workers_for, decorate
from pastoral.access import Cap, Scope, learner_filter, roles_label
from pastoral.reports import registry
from pastoral.reports.models import ReportJob
from pastoral.reports.printing import Section, Table

CASELOAD_REVIEW = "caseload_review"


def estimate_caseload_review(scope: Scope, job: ReportJob) -> int:
    return board_learners_for(scope, BoardFilters()).count()


def build_caseload_review(
    scope: Scope, job: ReportJob, progress: registry.Progress
) -> dict[str, Any]:
    filters = BoardFilters(year=job.params.get("year") or None)
    workers = board_workers_for(scope, filters)
    learners = decorate(list(board_learners_for(scope, filters)))
    progress(30, "Collecting caseloads")
    worker_rows = [
        [
            w["worker__full_name"],
            w["learners"],
            w["leads"],
            w["open_plans"],
            w["reviews_soon"],
            w["reviews_overdue"],
            timezone.localtime(w["last_contact"]).strftime("%d %b %Y")
            if w["last_contact"]
            else "—",
        ]
        for w in workers
    ]
    by_worker: OrderedDict[str, list[list[Any]]] = OrderedDict()
    for learner in sorted(
        learners,
        key=lambda item: (getattr(item, "lead_worker_name", None) or "~", item.urgency),  # type: ignore[attr-defined]
    ):
        worker = getattr(learner, "lead_worker_name", None) or "No lead key worker"
        by_worker.setdefault(worker, []).append(
            [
                learner.display_name,
                str(learner.year_group),
                learner.rag_label,  # type: ignore[attr-defined]
                learner.open_plans,  # type: ignore[attr-defined]
                day_label(learner.next_review),  # type: ignore[attr-defined]
                learner.reviews_overdue,  # type: ignore[attr-defined]
                learner.next_step,  # type: ignore[attr-defined]
            ]
        )
    reach = learner_filter(scope, Cap.VIEW_CASELOAD_BOARD, prefix="learner__")
    plan_status = (
        Plan.objects.filter(reach).values("status").annotate(n=Count("pk")).order_by("status")
    )
    since = job_since(job) or timezone.now() - dt.timedelta(days=365)
    outcomes = (
        Review.objects.filter(
            Q(date__gte=since.date())
            & learner_filter(scope, Cap.VIEW_CASELOAD_BOARD, prefix="plan__learner__")
        )
        .values("outcome")
        .annotate(n=Count("pk"))
        .order_by("outcome")
    )
    status_labels = dict(Plan.Status.choices)
    outcome_labels = dict(Review.Outcome.choices)
    overdue = sum(1 for learner in learners if learner.reviews_overdue)  # type: ignore[attr-defined]
    sections = [
        Section(
            key="workers",
            title="Caseload by key worker",
            table=Table(
                [
                    "Key worker",
                    "Learners",
                    "As lead",
                    "Open plans",
                    "Reviews due (14 days)",
                    "Reviews overdue",
                    "Last contact",
                ],
                worker_rows,
            )
            if worker_rows
            else None,
            facts=[
                ("Learners on caseloads", len(learners)),
                ("Learners with an overdue review", overdue),
            ]
            if learners
            else [],
            empty_text="Nothing recorded: no learners are allocated to a key worker.",
        ),
        Section(
            key="plans",
            title="Plan status and review outcomes",
            facts=[
                (f"Plans: {status_labels.get(row['status'], row['status'])}", row["n"])
                for row in plan_status
            ]
            + [
                (
                    f"Reviews since {since:%d %b %Y}: {outcome_labels.get(row['outcome'], row['outcome'])}",
                    row["n"],
                )
                for row in outcomes
            ],
            empty_text="Nothing recorded: no plans are held.",
        ),
    ]
    sections.append(behaviour_reports.review_section(learners))
    for worker, rows in by_worker.items():
        sections.append(
            Section(
                key=f"worker-{len(sections)}",
                title=f"Caseload: {worker}",
                table=Table(
                    ["Learner", "Year", "RAG", "Open plans", "Next review", "Overdue", "Next step"],
                    rows,
                ),
            )
        )
    return {
        "sections": sections,
        "subject": f"{scope.school.name}: caseloads on {timezone.localdate():%d %b %Y}",
        "exporter_roles": roles_label(scope.roles),
        "handling": "Contains names and casework status of learners. Share only within the pastoral team.",
        "_entries": len(learners) + len(worker_rows),
    }


registry.register(
    registry.ReportKind(
        kind=CASELOAD_REVIEW,
        label="Caseload review",
        cap=Cap.VIEW_CASELOAD_BOARD,
        build=build_caseload_review,
        template="pdf/base.html",
        estimate=estimate_caseload_review,
    )
)
