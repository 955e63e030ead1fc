"""The learner profile and caseload's timeline entries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from caseload.models import AgreedAction, Allocation, ContactLog, Mark, Plan, PlanVersion
from caseload.selectors.casework import OPEN, decorate, with_casework
from caseload.selectors.contacts import learner_contacts
from caseload.selectors.groups import learner_sessions
from pastoral.access import Cap, Scope, learners_for, require
from pastoral.models import Learner
from pastoral.people.selectors import parents_of
from pastoral.timeline import TimelineEntry

RECENT = 5
TIMELINE = 25
KEY_WORKERS = 20
# Deeper pages of the timeline cost more (each stream is read down to the
# page); nobody pages this far on a profile.
MAX_TIMELINE_PAGE = 40


@dataclass
class Profile:
    learner: Learner
    allocations: list[Allocation]
    parents: list[Any]
    plans: list[Plan]
    sessions: list[Mark]
    contacts: list[ContactLog]
    open_actions: list[AgreedAction]
    attendance: Any
    attendance_available: bool
    concerns: list[TimelineEntry] | None
    timeline: list[TimelineEntry]
    timeline_page: int = 1
    timeline_more: bool = False
    can_allocate: bool = False
    # The behaviour app's section (None when the person may not see it).
    behaviour: Any = None


def learner_profile_for(scope: Scope, pk: int, *, timeline_page: int = 1) -> Profile:
    """Everything on the learner profile, scoped; a fixed number of queries
    whatever the length of the learner's history.

    Each section is read once: the timeline is built from the same rows as
    the key workers, recent sessions and recent contacts (read down to the
    timeline page), and the concerns section from the safeguarding stream.
    `timeline_page` pages the merged timeline, TIMELINE entries a page.
    """
    require(scope, Cap.VIEW_PROFILE)
    page = max(1, min(timeline_page, MAX_TIMELINE_PAGE))
    # One more than the page shows, from every stream: tells whether there is an older page.
    depth = page * TIMELINE + 1
    qs = (
        learners_for(scope, Cap.VIEW_PROFILE)
        .filter(pk=pk)
        .select_related("year_group", "reg_group", "school")
    )
    if scope.can(Cap.ALLOCATE_CASELOADS):
        allocatable = learners_for(scope, Cap.ALLOCATE_CASELOADS).filter(pk=OuterRef("pk"))
        qs = qs.annotate(may_allocate=Exists(allocatable))
    learner = with_casework(qs).first()
    if learner is None:
        raise Http404("Not found")
    decorate([learner])
    allocations = list(
        learner.allocations.select_related("worker").order_by("-start", "-id")[
            : max(depth, KEY_WORKERS)
        ]
    )
    plans = list(
        learner.plans.filter(status__in=OPEN)
        .annotate(target_count=Count("targets", filter=Q(targets__removed=False)))
        .order_by("next_review", "id")
    )
    marks = list(learner_sessions(learner)[:depth])
    contacts = list(learner_contacts(learner).order_by("-when", "-id")[:depth])
    open_actions = list(
        AgreedAction.objects.filter(contact__learner=learner, done_on__isnull=True)
        .select_related("owner", "contact")
        .order_by("due", "id")[:10]
    )
    attendance, available = _attendance_summary(scope, learner)
    from behaviour import selectors as behaviour_selectors

    behaviour = behaviour_selectors.profile_section_for(scope, learner)
    streams = _other_streams(scope, learner, depth)
    safeguarding = streams.pop("safeguarding")
    concerns = None
    if scope.can(Cap.VIEW_PASTORAL_CONCERNS):
        concerns = [e for e in safeguarding if e.kind == "concern"][:RECENT]
    from pastoral import timeline

    merged = timeline.merge(
        _caseload_entries(learner, allocations, marks, contacts, depth),
        safeguarding[:depth],
        *streams.values(),
    )
    return Profile(
        learner=learner,
        allocations=allocations[:KEY_WORKERS],
        parents=list(parents_of(learner)),
        plans=plans,
        sessions=marks[:RECENT],
        contacts=contacts[:RECENT],
        open_actions=open_actions,
        attendance=attendance,
        attendance_available=available,
        concerns=concerns,
        timeline=merged[(page - 1) * TIMELINE : page * TIMELINE],
        timeline_page=page,
        timeline_more=len(merged) > page * TIMELINE,
        can_allocate=bool(getattr(learner, "may_allocate", False)),
        behaviour=behaviour,
    )


def _attendance_summary(scope: Scope, learner: Learner) -> tuple[Any, bool]:
    """The attendance app's summary when it provides one; (None, False) until then."""
    try:
        from attendance import selectors as attendance_selectors
    except ImportError:  # the app is always installed; guard partial checkouts
        return None, False
    summary_fn = getattr(attendance_selectors, "learner_attendance_summary", None)
    if summary_fn is None:
        return None, False
    return summary_fn(scope, learner), True


def _other_streams(scope: Scope, learner: Learner, depth: int) -> dict[str, list[TimelineEntry]]:
    """The other apps' timeline streams, each newest first and cut to `depth`
    (safeguarding's uncut: the profile's concerns section is read from it)."""
    from attendance import selectors as attendance_selectors
    from behaviour import selectors as behaviour_selectors
    from pastoral.reports import selectors as report_selectors
    from safeguarding import selectors as safeguarding_selectors

    return {
        "safeguarding": safeguarding_selectors.timeline_entries_for(scope, learner),
        "attendance": attendance_selectors.timeline_entries_for(scope, learner, limit=depth),
        "imported": report_selectors.timeline_entries_for(scope, learner, limit=depth),
        "behaviour": behaviour_selectors.timeline_entries_for(scope, learner, limit=depth),
    }


def _at_nine(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=timezone.get_current_timezone())


def _caseload_entries(
    learner: Learner,
    allocations: list[Allocation],
    marks: list[Mark],
    contacts: list[ContactLog],
    limit: int,
    *,
    since: dt.datetime | None = None,
) -> list[TimelineEntry]:
    """Caseload's own entries from rows already read (newest first), plus the
    plan versions: one query."""
    versions = (
        PlanVersion.objects.filter(plan__learner=learner)
        .select_related("plan")
        .only("plan_id", "number", "reason", "created_at", "plan__type")
        .order_by("-created_at", "-id")
    )
    if since:
        versions = versions.filter(created_at__gte=since)
    entries = [
        TimelineEntry(
            when=c.when,
            kind="contact",
            title=c.get_kind_display(),
            url=reverse("caseload:contact-detail", kwargs={"pk": c.pk}),
            detail=c.summary[:200],
        )
        for c in contacts[:limit]
        if not since or c.when >= since
    ]
    entries += [
        TimelineEntry(
            when=_at_nine(m.session.date),
            kind="session",
            title=f"{m.session.intervention.name}: {m.get_status_display().lower()}",
            url=reverse("caseload:session-detail", kwargs={"pk": m.session_id}),
        )
        for m in marks[:limit]
        if not since or m.session.date >= since.date()
    ]
    entries += [
        TimelineEntry(
            when=v.created_at,
            kind="plan",
            title=f"{v.plan.get_type_display()}: {v.reason} (version {v.number})",
            url=reverse("caseload:plan-version", kwargs={"pk": v.plan_id, "number": v.number}),
        )
        for v in versions[:limit]
    ]
    entries += [
        TimelineEntry(
            when=_at_nine(a.start),
            kind="allocation",
            title=f"{a.get_kind_display()}: {a.worker}",
            detail=a.reason,
        )
        for a in allocations[:limit]
        if not since or a.start >= since.date()
    ]
    return entries


def timeline_entries_for(
    scope: Scope, learner: Learner, *, since: dt.datetime | None = None, limit: int | None = None
) -> list[TimelineEntry]:
    """Caseload's own entries: allocations, plan versions, sessions, contacts
    (the timeline interface of pastoral.timeline; the profile builds the same
    entries from the rows it has already read)."""
    if not learners_for(scope, Cap.VIEW_PROFILE).filter(pk=learner.pk).exists():
        return []
    limit = limit or TIMELINE
    contacts = learner_contacts(learner).order_by("-when", "-id")
    marks = learner_sessions(learner)
    allocations = learner.allocations.select_related("worker").order_by("-start", "-id")
    if since:
        contacts = contacts.filter(when__gte=since)
        marks = marks.filter(session__date__gte=since.date())
        allocations = allocations.filter(start__gte=since.date())
    return _caseload_entries(
        learner,
        list(allocations[:limit]),
        list(marks[:limit]),
        list(contacts[:limit]),
        limit,
        since=since,
    )
