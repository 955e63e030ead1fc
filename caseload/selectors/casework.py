"""Casework annotations every caseload list shares (next review, overdue
actions, last contact, lead key worker) and the RAG rating read from them."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from caseload.models import AgreedAction, Allocation, ContactLog, Mark, Plan
from pastoral.models import Learner, School, User

REVIEW_SOON_DAYS = 14
CONTACT_AMBER_DAYS = 14
CONTACT_RED_DAYS = 28
OPEN = (Plan.Status.DRAFT, Plan.Status.ACTIVE)


def caseload_learner_ids(user: User, school: School) -> QuerySet:
    """Ids of learners allocated to the user (lead or supporting) in force today.

    Registered with pastoral.access as the caseload provider: it is what a
    support officer's learner scope is made of.
    """
    return Allocation.objects.current().filter(worker=user, school=school).values("learner_id")


def key_workers_of(school_id: int, learner_ids: list[int]) -> dict[int, set[int]]:
    """learner id -> ids of their key workers in force today, in one query
    (registered with pastoral.providers for apps that may not import caseload)."""
    found: dict[int, set[int]] = {}
    rows = Allocation.objects.current().filter(school_id=school_id, learner_id__in=learner_ids)
    for learner_id, worker_id in rows.values_list("learner_id", "worker_id"):
        found.setdefault(learner_id, set()).add(worker_id)
    return found


def _count(qs: QuerySet) -> Subquery:
    return Coalesce(
        Subquery(
            qs.order_by().values("learner_id").annotate(c=Count("pk")).values("c")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def with_casework(qs: QuerySet[Learner], today: dt.date | None = None) -> QuerySet[Learner]:
    """Learners annotated with what a key worker needs to know, all in one query.

    next_review: earliest review date of an active plan; open_plans; overdue
    actions; last_contact (latest logged contact or attended session); the lead
    key worker's id and name; and `urgency` (0 most urgent) for sorting.
    """
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=REVIEW_SOON_DAYS)
    plans = Plan.objects.filter(learner=OuterRef("pk"))
    active = plans.filter(status=Plan.Status.ACTIVE)
    lead = (
        Allocation.objects.current(today)
        .filter(learner=OuterRef("pk"), kind=Allocation.Kind.LEAD)
        .order_by("-start")
    )
    last_contact = Subquery(
        ContactLog.objects.filter(learner=OuterRef("pk")).order_by("-when").values("when")[:1],
        output_field=DateTimeField(),
    )
    last_session = Subquery(
        Mark.objects.filter(learner=OuterRef("pk"), status=Mark.Status.PRESENT)
        .order_by("-session__date")
        .values("session__date")[:1]
    )
    red_since = timezone.now() - dt.timedelta(days=CONTACT_RED_DAYS)
    amber_since = timezone.now() - dt.timedelta(days=CONTACT_AMBER_DAYS)
    return qs.annotate(
        next_review=Subquery(active.order_by("next_review").values("next_review")[:1]),
        open_plans=_count(plans.filter(status__in=OPEN)),
        reviews_overdue=_count(active.filter(next_review__lt=today)),
        reviews_soon=_count(active.filter(next_review__gte=today, next_review__lte=soon)),
        actions_overdue=_count(
            AgreedAction.objects.filter(
                contact__learner=OuterRef("pk"), done_on__isnull=True, due__lt=today
            ).annotate(learner_id=F("contact__learner_id"))
        ),
        last_contact_at=last_contact,
        last_session_on=last_session,
        lead_worker_id=Subquery(lead.values("worker_id")[:1]),
        lead_worker_name=Subquery(lead.values("worker__full_name")[:1]),
        allocated_since=Subquery(
            Allocation.objects.current(today)
            .filter(learner=OuterRef("pk"))
            .order_by("start")
            .values("start")[:1]
        ),
    ).annotate(
        urgency=Case(
            When(Q(reviews_overdue__gt=0) | Q(actions_overdue__gt=0), then=Value(0)),
            When(_quiet_since(red_since) & _settled(today, CONTACT_RED_DAYS), then=Value(1)),
            When(reviews_soon__gt=0, then=Value(2)),
            When(_quiet_since(amber_since) & _settled(today, CONTACT_AMBER_DAYS), then=Value(3)),
            # No contact yet, but on the caseload for under two weeks: too early to tell.
            When(_quiet_since(amber_since), then=Value(4)),
            When(open_plans=0, then=Value(5)),
            default=Value(6),
            output_field=IntegerField(),
        )
    )


def _quiet_since(since: dt.datetime) -> Q:
    """No logged contact and no attended session since `since`."""
    return (Q(last_contact_at__lt=since) | Q(last_contact_at__isnull=True)) & (
        Q(last_session_on__lt=since.date()) | Q(last_session_on__isnull=True)
    )


def _settled(today: dt.date, days: int) -> Q:
    """On the caseload for at least `days` (or on no caseload at all): long
    enough for a lack of contact to mean something."""
    return Q(allocated_since__isnull=True) | Q(allocated_since__lte=today - dt.timedelta(days=days))


RAG_OF_URGENCY = {0: "red", 1: "red", 2: "amber", 3: "amber", 4: "early", 5: "amber", 6: "green"}
RAG_LABEL = {"red": "Red", "amber": "Amber", "green": "Green", "early": "Too early to tell"}


def rag(learner: Learner) -> str:
    """Red: a review or agreed action overdue, or no contact for 4 weeks.
    Amber: a review due within 14 days, no contact for 2 weeks, or no open plan.
    Too early to tell ("early"): no contact yet, on the caseload for under two
    weeks (a lack of contact means nothing yet). Green: otherwise. (Computed from with_casework's urgency, no query.)"""
    return RAG_OF_URGENCY[learner.urgency]  # type: ignore[attr-defined]


def next_step(learner: Learner, today: dt.date | None = None) -> str:
    """What needs doing next, in words, from the annotations."""
    today = today or timezone.localdate()
    u = learner.urgency  # type: ignore[attr-defined]
    if learner.reviews_overdue:  # type: ignore[attr-defined]
        return f"Plan review overdue since {learner.next_review:%d %b}"  # type: ignore[attr-defined]
    if learner.actions_overdue:  # type: ignore[attr-defined]
        n = learner.actions_overdue  # type: ignore[attr-defined]
        return f"{n} agreed action{'s' if n != 1 else ''} overdue"
    if u == 1:
        return "No contact for four weeks or more"
    if u == 2:
        return f"Plan review due {learner.next_review:%d %b}"  # type: ignore[attr-defined]
    if u == 3:
        return "No contact for two weeks"
    if u == 4:
        since = learner.allocated_since  # type: ignore[attr-defined]
        return f"New on the caseload since {since:%-d %b}: make first contact"
    if u == 5:
        return "No open plan: assess and plan"
    return "Up to date"


def last_contact(learner: Learner) -> dt.date | None:
    contact = learner.last_contact_at  # type: ignore[attr-defined]
    session = learner.last_session_on  # type: ignore[attr-defined]
    days = [d for d in (timezone.localdate(contact) if contact else None, session) if d]
    return max(days) if days else None


def decorate(learners: list[Learner]) -> list[Learner]:
    """Attach rag / next step / last contact (plain attributes, no query)."""
    today = timezone.localdate()
    for learner in learners:
        learner.rag = rag(learner)  # type: ignore[attr-defined]
        learner.rag_label = RAG_LABEL[learner.rag]  # type: ignore[attr-defined]
        learner.next_step = next_step(learner, today)  # type: ignore[attr-defined]
        learner.last_contact = last_contact(learner)  # type: ignore[attr-defined]
    return learners
