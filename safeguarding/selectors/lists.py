"""The filtered concern lists: the DSL inbox (most urgent first) and the
pastoral list of the staff who see pastoral concerns about their learners
(heads of year: their years; the SENCO: the school; key workers: their
caseload). Both take the same `ConcernFilters`, and the DSL dashboard's
numbers link to the inbox with them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from pastoral.access import Cap, Scope, learner_filter, learners_for, require
from pastoral.models import Learner, YearGroup
from safeguarding.models import Concern, ConcernAction, ConcernLearner
from safeguarding.selectors.concerns import _with_listing

# Age of a concern since it was logged (the dashboard's columns).
AGES = {
    "under_7": (None, 7),
    "7_to_30": (7, 30),
    "over_30": (30, None),
}
AGE_CHOICES = [("under_7", "Under a week"), ("7_to_30", "1–4 weeks"), ("over_30", "Over 4 weeks")]
STATUS_CHOICES = [("new", "Not yet triaged"), ("open", "Open (triaged)")]


@dataclass(frozen=True)
class ConcernFilters:
    """What a list is narrowed to; every field optional ("" or None: any)."""

    # "new", "open"; "closed" and "all" on lists that show closed ones; "": not closed
    status: str = ""
    mine: bool = False  # owned by the person asking
    overdue: bool = False  # past its due date
    action_overdue: bool = False  # an action's follow-up is past due
    level: str = ""
    category: int | None = None
    year: int | None = None
    age: str = ""
    sen: bool = False  # a learner with SEN support or an EHC plan
    pupil_premium: bool = False
    looked_after: bool = False

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ConcernFilters:
        """From a filter form's cleaned_data (unknown keys ignored)."""
        names = cls.__dataclass_fields__.keys()
        return cls(**{k: v for k, v in data.items() if k in names and v not in (None, "")})

    def query(self, **override: Any) -> str:
        """The filters as a query string for a link (`?status=new&year=3`)."""
        values = {**asdict(self), **override}
        return urlencode(
            {k: ("1" if v is True else v) for k, v in values.items() if v not in (None, "", False)}
        )

    @property
    def learner_q(self) -> Q:
        """The learner conditions, on ConcernLearner (one learner meets them all)."""
        q = Q()
        if self.year:
            q &= Q(learner__year_group_id=self.year)
        if self.sen:
            q &= ~Q(learner__sen_status=Learner.SEN.NONE)
        if self.pupil_premium:
            q &= Q(learner__pupil_premium=True)
        if self.looked_after:
            q &= Q(learner__looked_after=True)
        return q

    @property
    def any_learner_filter(self) -> bool:
        return bool(self.year or self.sen or self.pupil_premium or self.looked_after)


def apply_filters(
    qs: QuerySet[Concern],
    scope: Scope,
    filters: ConcernFilters,
    *,
    today: dt.date | None = None,
    closed_allowed: bool = False,
) -> QuerySet[Concern]:
    """The concerns of `qs` that meet the filters (a constant number of queries)."""
    today = today or timezone.localdate()
    now = timezone.now()
    if filters.status == "closed" and closed_allowed:
        qs = qs.filter(status=Concern.Status.CLOSED)
    elif filters.status == "all" and closed_allowed:
        pass
    elif filters.status in (Concern.Status.NEW, Concern.Status.OPEN):
        qs = qs.filter(status=filters.status)
    else:
        qs = qs.exclude(status=Concern.Status.CLOSED)
    if filters.mine:
        qs = qs.filter(owner=scope.user)
    if filters.overdue:
        qs = qs.filter(due_date__lt=today).exclude(status=Concern.Status.CLOSED)
    if filters.action_overdue:
        qs = qs.filter(
            Exists(
                ConcernAction.objects.filter(
                    concern=OuterRef("pk"), completed_at__isnull=True, follow_up_due__lt=today
                )
            )
        )
    if filters.level in Concern.Level.values:
        qs = qs.filter(level=filters.level)
    if filters.category:
        qs = qs.filter(
            Exists(
                Concern.categories.through.objects.filter(
                    concern=OuterRef("pk"), category_id=filters.category
                )
            )
        )
    if filters.age in AGES:
        newer, older = AGES[filters.age]
        if newer is not None:
            qs = qs.filter(submitted_at__lt=now - dt.timedelta(days=newer))
        if older is not None:
            qs = qs.filter(submitted_at__gte=now - dt.timedelta(days=older))
    if filters.any_learner_filter:
        qs = qs.filter(
            Exists(ConcernLearner.objects.filter(concern=OuterRef("pk")).filter(filters.learner_q))
        )
    return qs


def _urgency(today: dt.date) -> Case:
    """0 most urgent: untriaged restricted, untriaged, overdue, due, the rest."""
    return Case(
        When(status=Concern.Status.NEW, level=Concern.Level.RESTRICTED, then=Value(0)),
        When(status=Concern.Status.NEW, then=Value(1)),
        When(due_date__lt=today, then=Value(2)),
        When(due_date__isnull=False, then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )


def inbox_for(scope: Scope, filters: ConcernFilters | None = None) -> QuerySet[Concern]:
    """Concerns not closed (DSL only), most urgent first: untriaged (restricted
    before pastoral), then past their due date, then by due date; oldest first
    within each."""
    scope = require(scope, Cap.TRIAGE_CONCERNS)
    today = timezone.localdate()
    qs = apply_filters(
        Concern.objects.filter(school=scope.school), scope, filters or ConcernFilters(), today=today
    )
    return (
        _with_listing(qs, rows_only=True)
        .annotate(urgency=_urgency(today))
        .order_by("urgency", F("due_date").asc(nulls_last=True), "submitted_at", "id")
    )


def inbox_counts_for(scope: Scope) -> dict[str, int]:
    """The inbox header's counts, in one query."""
    scope = require(scope, Cap.TRIAGE_CONCERNS)
    today = timezone.localdate()
    not_closed = ~Q(status=Concern.Status.CLOSED)
    return Concern.objects.filter(school=scope.school).aggregate(
        untriaged=Count("pk", filter=Q(status=Concern.Status.NEW)),
        open=Count("pk", filter=Q(status=Concern.Status.OPEN)),
        overdue=Count("pk", filter=not_closed & Q(due_date__lt=today)),
        mine=Count("pk", filter=not_closed & Q(owner=scope.user)),
    )


def _pastoral_reach(scope: Scope) -> QuerySet[Concern]:
    """Pastoral concerns about a learner the person may see pastoral concerns of.
    Restricted ones never (even shared ones: those are on the person's own
    list through their notification, not on a year list)."""
    scope = require(scope, Cap.VIEW_PASTORAL_CONCERNS)
    reach = ConcernLearner.objects.filter(concern=OuterRef("pk")).filter(
        learner_filter(scope, Cap.VIEW_PASTORAL_CONCERNS, prefix="learner__")
    )
    return Concern.objects.filter(school=scope.school, level=Concern.Level.PASTORAL).filter(
        Exists(reach)
    )


def pastoral_list_for(scope: Scope, filters: ConcernFilters | None = None) -> QuerySet[Concern]:
    """The pastoral concerns about the person's learners (a head of year's years,
    the SENCO's school, a key worker's caseload), most urgent first. Never a
    restricted one (ACCESS.md)."""
    filters = filters or ConcernFilters()
    # No "mine" or level here: the owner is a DSL, and the level is always pastoral.
    filters = ConcernFilters(**{**asdict(filters), "mine": False, "level": ""})
    today = timezone.localdate()
    qs = apply_filters(_pastoral_reach(scope), scope, filters, today=today, closed_allowed=True)
    return (
        _with_listing(qs, rows_only=True)
        .annotate(urgency=_urgency(today))
        .order_by("urgency", F("due_date").asc(nulls_last=True), "-submitted_at", "-id")
    )


def pastoral_counts_for(scope: Scope) -> dict[str, int]:
    """The pastoral list's header counts, in one query."""
    today = timezone.localdate()
    return _pastoral_reach(scope).aggregate(
        untriaged=Count("pk", filter=Q(status=Concern.Status.NEW)),
        open=Count("pk", filter=Q(status=Concern.Status.OPEN)),
        overdue=Count("pk", filter=~Q(status=Concern.Status.CLOSED) & Q(due_date__lt=today)),
    )


def filter_years_for(scope: Scope, cap: Cap) -> QuerySet[YearGroup]:
    """The year groups a filter offers: those of the learners the person reaches."""
    if not scope.can(cap):
        raise Http404("Not found")
    reach = learners_for(scope, Cap.VIEW_PASTORAL_CONCERNS).values("year_group_id")
    return YearGroup.objects.filter(school=scope.school, pk__in=reach).order_by("number")
