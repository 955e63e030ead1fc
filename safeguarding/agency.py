"""The agency report: chosen sections of a learner's safeguarding record for an
outside agency (social care, CAMHS, early help, police), with a covering
summary the author writes.

DSLs may include restricted (child-protection) concerns; the SENCO's report
carries pastoral content only (ACCESS.md: "agency report, pastoral only").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from django.utils import timezone

from pastoral import nav
from pastoral.access import Cap, Scope, learner_or_404, roles_label
from pastoral.reports import registry
from pastoral.reports.models import ReportJob
from pastoral.reports.printing import (
    Section,
    Table,
    contact_entries,
    learner_facts,
    total_entries,
)
from safeguarding.models import Concern, ConcernAction
from safeguarding.selectors import concerns_for
from safeguarding.transfers import concern_entries, sender_facts

AGENCY = "agency"
SECTIONS = [
    ("profile", "Learner profile"),
    ("parents", "Parents and carers"),
    ("concerns", "Concerns, with actions and outcomes"),
    ("actions", "Summary of actions and referrals"),
]


def may_include_restricted(scope: Scope) -> bool:
    return scope.can(Cap.VIEW_ALL_RESTRICTED)


def _learner(scope: Scope, job: ReportJob):  # type: ignore[no-untyped-def]
    if job.learner_id is None:
        raise Http404("Not found")
    return learner_or_404(scope, job.learner_id, Cap.EXPORT_AGENCY_PASTORAL)


def _range(job: ReportJob) -> tuple[dt.datetime | None, dt.datetime | None]:
    tz = timezone.get_current_timezone()
    start = job.params.get("date_from")
    end = job.params.get("date_to")
    return (
        dt.datetime.combine(dt.date.fromisoformat(start), dt.time.min, tzinfo=tz)
        if start
        else None,
        dt.datetime.combine(dt.date.fromisoformat(end), dt.time.max, tzinfo=tz) if end else None,
    )


def _concerns(scope: Scope, job: ReportJob, learner: Any) -> list[Concern]:
    """Concerns in range the exporter fully sees; restricted only for a DSL who chose them."""
    qs = concerns_for(scope).filter(learner_links__learner=learner, full_access=True)
    if not (job.params.get("include_restricted") and may_include_restricted(scope)):
        qs = qs.filter(level=Concern.Level.PASTORAL)
    start, end = _range(job)
    if start:
        qs = qs.filter(occurred_at__gte=start)
    if end:
        qs = qs.filter(occurred_at__lte=end)
    return list(
        qs.select_related("author")
        .prefetch_related("categories", "learner_links__learner")
        .distinct()
        .order_by("occurred_at", "id")
    )


def estimate_agency(scope: Scope, job: ReportJob) -> int:
    return len(_concerns(scope, job, _learner(scope, job))) * 3


def build_agency(scope: Scope, job: ReportJob, progress: registry.Progress) -> dict[str, Any]:
    learner = _learner(scope, job)
    chosen = set(job.params.get("sections") or [key for key, _label in SECTIONS])
    agency = job.params.get("agency_name", "")
    start, end = _range(job)
    period = (
        f"{start:%d %b %Y} to {end:%d %b %Y}"
        if start and end
        else f"from {start:%d %b %Y}"
        if start
        else f"up to {end:%d %b %Y}"
        if end
        else "the whole record"
    )
    sections = [
        Section(
            key="summary",
            title="Covering summary",
            summary=job.params.get("summary", ""),
            facts=[("For", agency or "—"), ("Period covered", period)],
            empty_text="No covering summary was written.",
        ),
        Section(key="author", title="Prepared by", facts=sender_facts(scope)),
    ]
    if "profile" in chosen:
        sections.append(
            Section(key="profile", title="Learner profile", facts=learner_facts(learner))
        )
    if "parents" in chosen:
        sections.append(
            Section(
                key="parents",
                title="Parents and carers",
                entries=contact_entries(learner),
                empty_text="Nothing recorded: no parents or carers are held.",
            )
        )
    concerns = _concerns(scope, job, learner) if chosen & {"concerns", "actions"} else []
    progress(30, "Reading concerns")
    if "concerns" in chosen:
        sections.append(
            Section(
                key="concerns",
                title="Concerns, with actions and outcomes",
                entries=concern_entries(concerns, learner),
                empty_text=f"Nothing recorded: no concerns in {period}.",
            )
        )
    if "actions" in chosen:
        actions = (
            ConcernAction.objects.filter(concern__in=[c.pk for c in concerns])
            .select_related("concern")
            .order_by("taken_on", "id")
        )
        rows = [
            [
                a.taken_on.strftime("%d %b %Y"),
                a.concern.reference,
                a.get_kind_display(),
                a.outcome or "—",
            ]
            for a in actions
        ]
        sections.append(
            Section(
                key="actions",
                title="Summary of actions and referrals",
                table=Table(["Date", "Concern", "Action", "Outcome"], rows) if rows else None,
                empty_text=f"Nothing recorded: no actions in {period}.",
            )
        )
    return {
        "sections": sections,
        "subject": f"{learner.display_name}, {learner.year_group}",
        "cover_facts": [("For", agency or "—"), ("Period", period)],
        "exporter_roles": roles_label(scope.roles),
        "_entries": total_entries(sections),
    }


def _allowed(scope: Scope, job: ReportJob) -> bool:
    return not job.params.get("include_restricted") or may_include_restricted(scope)


registry.register(
    registry.ReportKind(
        kind=AGENCY,
        label="Agency report",
        cap=Cap.EXPORT_AGENCY_PASTORAL,
        build=build_agency,
        template="pdf/base.html",
        estimate=estimate_agency,
        allowed=_allowed,
    )
)


nav.register_learner_link(
    nav.LearnerLink(
        "Agency report",
        "safeguarding_reports:agency-report",
        order=92,
        cap=Cap.EXPORT_AGENCY_PASTORAL,
    )
)
