"""My caseload, the caseload board and what its forms offer (key workers,
needs, years, agencies), and allocations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from caseload.models import Allocation, Need, Plan
from caseload.selectors.casework import OPEN, REVIEW_SOON_DAYS, with_casework
from pastoral.access import Cap, Scope, learner_filter, learners_for, require
from pastoral.models import Agency, Contact, Learner, Role, User, YearGroup
from pastoral.people.selectors import parents_of as people_parents_of


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
    """The learner's parents and carers with their restrictions (learner already scoped)."""
    return people_parents_of(learner)


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
