"""Scoped reads for the caseload app.

Every function takes the person's scope and only returns rows whose learner
is within it (pastoral.access.learner_filter); one object outside the scope
is a 404. Lists are annotated in the database (Subquery / conditional
aggregates) so their query count does not grow with the number of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from caseload.models import (
    AgreedAction,
    Allocation,
    ContactLog,
    Intervention,
    Mark,
    Need,
    Plan,
    PlanVersion,
    Review,
    RosterEntry,
    Session,
    Target,
    TargetProgress,
)
from pastoral.access import Cap, Scope, learner_filter, learners_for, require
from pastoral.models import Agency, Contact, Learner, Role, School, User, YearGroup
from pastoral.timeline import TimelineEntry

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


# --- casework annotations and RAG -------------------------------------------------


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
    ).annotate(
        urgency=Case(
            When(Q(reviews_overdue__gt=0) | Q(actions_overdue__gt=0), then=Value(0)),
            When(
                Q(last_contact_at__isnull=True, last_session_on__isnull=True)
                | (Q(last_contact_at__lt=red_since) | Q(last_contact_at__isnull=True))
                & (Q(last_session_on__lt=red_since.date()) | Q(last_session_on__isnull=True)),
                then=Value(1),
            ),
            When(reviews_soon__gt=0, then=Value(2)),
            When(
                (Q(last_contact_at__lt=amber_since) | Q(last_contact_at__isnull=True))
                & (Q(last_session_on__lt=amber_since.date()) | Q(last_session_on__isnull=True)),
                then=Value(3),
            ),
            When(open_plans=0, then=Value(4)),
            default=Value(5),
            output_field=IntegerField(),
        )
    )


RAG_OF_URGENCY = {0: "red", 1: "red", 2: "amber", 3: "amber", 4: "amber", 5: "green"}
RAG_LABEL = {"red": "Red", "amber": "Amber", "green": "Green"}


def rag(learner: Learner) -> str:
    """Red: a review or agreed action overdue, or no contact for 4 weeks.
    Amber: a review due within 14 days, no contact for 2 weeks, or no open plan.
    Green: otherwise. (Computed from with_casework's urgency, no query.)"""
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


# --- my caseload and the board ------------------------------------------------------


def my_caseload_for(scope: Scope) -> QuerySet[Learner]:
    """The person's own current caseload, most urgent first."""
    require(scope, Cap.VIEW_PROFILE)
    ids = Allocation.objects.current().filter(worker=scope.user, school=scope.school)
    qs = learners_for(scope, Cap.VIEW_PROFILE).filter(pk__in=ids.values("learner_id"))
    kind = Subquery(ids.filter(learner=OuterRef("pk")).order_by("kind").values("kind")[:1])
    return (
        with_casework(qs.select_related("year_group", "reg_group"))
        .annotate(my_kind=kind)
        .order_by("urgency", F("next_review").asc(nulls_last=True), "legal_last_name", "id")
    )


@dataclass
class BoardFilters:
    year: int | None = None
    need: int | None = None
    worker: int | None = None


def board_learners_for(scope: Scope, filters: BoardFilters) -> QuerySet[Learner]:
    """Allocated learners on the caseload board (SENCO: school; HoY: their years)."""
    require(scope, Cap.VIEW_CASELOAD_BOARD)
    current = Allocation.objects.current().filter(school=scope.school)
    qs = learners_for(scope, Cap.VIEW_CASELOAD_BOARD).filter(pk__in=current.values("learner_id"))
    if filters.year:
        qs = qs.filter(year_group_id=filters.year)
    if filters.worker:
        qs = qs.filter(pk__in=current.filter(worker_id=filters.worker).values("learner_id"))
    if filters.need:
        qs = qs.filter(
            pk__in=Plan.objects.filter(status__in=OPEN, needs=filters.need).values("learner_id")
        )
    return with_casework(qs.select_related("year_group", "reg_group")).order_by(
        "urgency", F("next_review").asc(nulls_last=True), "legal_last_name", "id"
    )


def board_workers_for(scope: Scope, filters: BoardFilters) -> list[dict[str, Any]]:
    """Per key worker: learners, open plans, reviews due in 14 days and overdue,
    last contact — over the learners the board may show. One query."""
    require(scope, Cap.VIEW_CASELOAD_BOARD)
    today = timezone.localdate()
    soon = today + dt.timedelta(days=REVIEW_SOON_DAYS)
    qs = Allocation.objects.current().filter(
        learner_filter(scope, Cap.VIEW_CASELOAD_BOARD, prefix="learner__")
    )
    if filters.year:
        qs = qs.filter(learner__year_group_id=filters.year)
    if filters.worker:
        qs = qs.filter(worker_id=filters.worker)
    if filters.need:
        qs = qs.filter(
            learner__in=Plan.objects.filter(status__in=OPEN, needs=filters.need).values(
                "learner_id"
            )
        )
    plan = "learner__plans"
    active = Q(learner__plans__status=Plan.Status.ACTIVE)
    return list(
        qs.values("worker_id", "worker__full_name")
        .annotate(
            learners=Count("learner", distinct=True),
            leads=Count("learner", filter=Q(kind=Allocation.Kind.LEAD), distinct=True),
            open_plans=Count(plan, filter=Q(learner__plans__status__in=OPEN), distinct=True),
            reviews_soon=Count(
                plan,
                filter=active
                & Q(learner__plans__next_review__gte=today, learner__plans__next_review__lte=soon),
                distinct=True,
            ),
            reviews_overdue=Count(
                plan, filter=active & Q(learner__plans__next_review__lt=today), distinct=True
            ),
            last_contact=Max("learner__contact_logs__when"),
        )
        .order_by("worker__full_name", "worker_id")
    )


def key_workers_for(scope: Scope) -> QuerySet[User]:
    """People in the school who can hold a caseload."""
    return (
        User.objects.filter(
            memberships__school=scope.school,
            memberships__role__in=(
                Role.SUPPORT,
                Role.HEAD_OF_YEAR,
                Role.SENCO,
                Role.DSL,
                Role.DEPUTY_DSL,
            ),
            is_active=True,
        )
        .distinct()
        .order_by("full_name")
    )


def staff_for(scope: Scope) -> QuerySet[User]:
    return (
        User.objects.filter(memberships__school=scope.school, is_active=True)
        .distinct()
        .order_by("full_name")
    )


def needs_for(scope: Scope, *, active_only: bool = True) -> QuerySet[Need]:
    qs = Need.objects.filter(school=scope.school)
    return qs.filter(active=True) if active_only else qs


def need_or_404(scope: Scope, pk: int) -> Need:
    """One need of the school's list (active or retired), or 404."""
    need = needs_for(scope, active_only=False).filter(pk=pk).first()
    if need is None:
        raise Http404("Not found")
    return need


def plan_need_choices(scope: Scope, plan: Plan | None = None) -> QuerySet[Need]:
    """The needs a plan's form offers: the active list, plus any retired need
    the plan already names (so editing it does not drop that need)."""
    needs = needs_for(scope)
    if plan is not None:
        needs = needs | needs_for(scope, active_only=False).filter(plans=plan)
    return needs.distinct()


def board_years_for(scope: Scope) -> QuerySet[YearGroup]:
    """The year groups the board and the caseload review filter by: every year
    for the SENCO, a head of year's own years otherwise."""
    years = YearGroup.objects.filter(school=scope.school)
    if not scope.has(Role.SENCO):
        years = years.filter(pk__in=sorted(scope.year_group_ids))
    return years.order_by("number")


def agencies_for(scope: Scope) -> QuerySet[Agency]:
    """The school's partner agencies (a contact may be with one)."""
    return Agency.objects.filter(school=scope.school)


def parents_of(learner: Learner) -> QuerySet[Contact]:
    """The learner's parents and carers (learner already scoped)."""
    return learner.contacts.all()


def caseload_learner_ids_of(scope: Scope, worker: User, on: dt.date) -> list[int]:
    """Ids of the learners allocated to `worker` on `on` that the scope may
    reallocate (moving a whole caseload)."""
    return list(
        Allocation.objects.current(on)
        .filter(worker=worker, school=scope.school)
        .filter(learner__in=learners_for(scope, Cap.ALLOCATE_CASELOADS))
        .values_list("learner_id", flat=True)
    )


def allocation_or_404(scope: Scope, pk: int) -> Allocation:
    require(scope, Cap.ALLOCATE_CASELOADS)
    allocation = (
        Allocation.objects.filter(
            learner_filter(scope, Cap.ALLOCATE_CASELOADS, prefix="learner__"), pk=pk
        )
        .select_related("learner", "worker")
        .first()
    )
    if allocation is None:
        raise Http404("Not found")
    return allocation


# --- plans ----------------------------------------------------------------------


def plan_or_404(scope: Scope, pk: int, cap: Cap = Cap.MANAGE_PLANS) -> Plan:
    require(scope, cap)
    plan = (
        Plan.objects.filter(learner_filter(scope, cap, prefix="learner__"), pk=pk)
        .select_related("learner__year_group", "learner__reg_group", "created_by")
        .prefetch_related(
            "needs",
            Prefetch("targets", queryset=Target.objects.filter(removed=False)),
        )
        .first()
    )
    if plan is None:
        raise Http404("Not found")
    return plan


def plan_reviews(plan: Plan) -> list[Review]:
    return list(
        plan.reviews.select_related("reviewed_by").prefetch_related(
            Prefetch(
                "progress",
                queryset=TargetProgress.objects.select_related("target"),
            )
        )
    )


def plan_versions(plan: Plan) -> list[PlanVersion]:
    return list(plan.versions.select_related("created_by"))


def plan_version_or_404(plan: Plan, number: int) -> PlanVersion:
    version = plan.versions.select_related("created_by").filter(number=number).first()
    if version is None:
        raise Http404("Not found")
    return version


# --- interventions ----------------------------------------------------------------


def interventions_for(scope: Scope) -> QuerySet[Intervention]:
    """Groups the person leads, or with a current member within their reach,
    annotated with roster size, sessions held and the attendance rate (present
    over present + absent; excused marks do not count against it)."""
    require(scope, Cap.RECORD_CONTACTS)
    in_reach = RosterEntry.objects.filter(
        learner_filter(scope, Cap.RECORD_CONTACTS, prefix="learner__")
    ).values("intervention_id")
    qs = Intervention.objects.filter(school=scope.school).filter(
        Q(leader=scope.user) | Q(pk__in=in_reach)
    )
    return with_attendance_rate(qs).select_related("leader")


def with_attendance_rate(qs: QuerySet[Intervention]) -> QuerySet[Intervention]:
    marks = Mark.objects.filter(session__intervention=OuterRef("pk")).order_by()
    present = _subcount(marks.filter(status=Mark.Status.PRESENT))
    counted = _subcount(marks.exclude(status=Mark.Status.EXCUSED))
    sessions = Coalesce(
        Subquery(
            Session.objects.filter(intervention=OuterRef("pk"))
            .order_by()
            .values("intervention_id")
            .annotate(c=Count("pk"))
            .values("c")[:1],
            output_field=IntegerField(),
        ),
        0,
    )
    members = Coalesce(
        Subquery(
            RosterEntry.objects.filter(intervention=OuterRef("pk"), left__isnull=True)
            .order_by()
            .values("intervention_id")
            .annotate(c=Count("pk"))
            .values("c")[:1],
            output_field=IntegerField(),
        ),
        0,
    )
    return qs.annotate(
        present_count=present,
        counted_count=counted,
        session_count=sessions,
        member_count=members,
    ).annotate(
        attendance_rate=Case(
            When(counted_count=0, then=Value(None, output_field=FloatField())),
            default=Cast(F("present_count"), FloatField())
            * 100.0
            / Cast(Greatest(F("counted_count"), 1), FloatField()),
            output_field=FloatField(),
        )
    )


def _subcount(qs: QuerySet) -> Coalesce:
    return Coalesce(
        Subquery(
            qs.values("session__intervention_id").annotate(c=Count("pk")).values("c")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def intervention_or_404(scope: Scope, pk: int) -> Intervention:
    intervention = interventions_for(scope).filter(pk=pk).first()
    if intervention is None:
        raise Http404("Not found")
    return intervention


def can_run(scope: Scope, intervention: Intervention) -> bool:
    """May take registers and see the whole roster: the leader, SENCO and DSLs."""
    return intervention.leader_id == scope.user.pk or scope.has(
        Role.SENCO, Role.DSL, Role.DEPUTY_DSL
    )


def roster_for(scope: Scope, intervention: Intervention) -> list[RosterEntry]:
    """The roster; people who do not run the group see only learners within their reach."""
    qs = intervention.members.select_related("learner__year_group").order_by(
        "learner__legal_last_name", "learner__legal_first_name", "id"
    )
    if not can_run(scope, intervention):
        qs = qs.filter(learner_filter(scope, Cap.RECORD_CONTACTS, prefix="learner__"))
    return list(qs)


def sessions_of(intervention: Intervention) -> QuerySet[Session]:
    marks = Mark.objects.filter(session=OuterRef("pk")).order_by()
    return intervention.sessions.select_related("recorded_by").annotate(
        present=Coalesce(
            Subquery(
                marks.filter(status=Mark.Status.PRESENT)
                .values("session_id")
                .annotate(c=Count("pk"))
                .values("c")[:1],
                output_field=IntegerField(),
            ),
            0,
        ),
        marked=Coalesce(
            Subquery(
                marks.values("session_id").annotate(c=Count("pk")).values("c")[:1],
                output_field=IntegerField(),
            ),
            0,
        ),
    )


def session_or_404(scope: Scope, pk: int) -> Session:
    session = (
        Session.objects.filter(intervention__in=interventions_for(scope).values("pk"), pk=pk)
        .select_related("intervention__leader", "recorded_by")
        .first()
    )
    if session is None:
        raise Http404("Not found")
    return session


def session_marks_for(scope: Scope, session: Session) -> list[Mark]:
    qs = session.marks.select_related("learner").order_by(
        "learner__legal_last_name", "learner__legal_first_name"
    )
    if not can_run(scope, session.intervention):
        qs = qs.filter(learner_filter(scope, Cap.RECORD_CONTACTS, prefix="learner__"))
    return list(qs)


def learner_sessions(learner: Learner) -> QuerySet[Mark]:
    """A learner's session history, newest first (learner already scoped)."""
    return (
        Mark.objects.filter(learner=learner)
        .select_related("session__intervention", "session__recorded_by")
        .order_by("-session__date", "-session_id")
    )


# --- contacts ----------------------------------------------------------------------


def contact_or_404(scope: Scope, pk: int) -> ContactLog:
    require(scope, Cap.RECORD_CONTACTS)
    entry = (
        ContactLog.objects.filter(
            learner_filter(scope, Cap.RECORD_CONTACTS, prefix="learner__"), pk=pk
        )
        .select_related("learner", "parent", "agency", "colleague", "recorded_by")
        .prefetch_related(
            Prefetch("actions", queryset=AgreedAction.objects.select_related("owner"))
        )
        .first()
    )
    if entry is None:
        raise Http404("Not found")
    return entry


def action_or_404(scope: Scope, pk: int) -> AgreedAction:
    require(scope, Cap.RECORD_CONTACTS)
    action = (
        AgreedAction.objects.filter(
            learner_filter(scope, Cap.RECORD_CONTACTS, prefix="contact__learner__"), pk=pk
        )
        .select_related("contact__learner")
        .first()
    )
    if action is None:
        raise Http404("Not found")
    return action


def learner_contacts(learner: Learner) -> QuerySet[ContactLog]:
    return learner.contact_logs.select_related("parent", "agency", "colleague", "recorded_by")


# --- the learner profile ---------------------------------------------------------


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
        parents=list(learner.contacts.all()),
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
    from pastoral.reports import selectors as report_selectors
    from safeguarding import selectors as safeguarding_selectors

    return {
        "safeguarding": safeguarding_selectors.timeline_entries_for(scope, learner),
        "attendance": attendance_selectors.timeline_entries_for(scope, learner, limit=depth),
        "imported": report_selectors.timeline_entries_for(scope, learner, limit=depth),
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
