"""Reads of the trust pages, scoped to the person's trust (TrustScope).

The dashboard is counts and trends only: no learner's name, no record's text.
It is built in a fixed number of queries whatever the number of schools: one
for the schools, one for the CP transfers awaiting receipt, and each app's
registered counts (pastoral/trust/registry.py), each a GROUP BY over every
school at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from pastoral.access import DSL_ROLES
from pastoral.models import Membership, School
from pastoral.reports.models import CPFileTransfer
from pastoral.trust import figures, registry
from pastoral.trust.models import TrustMembership
from pastoral.trust.standing import TrustScope


def schools_for(scope: TrustScope) -> QuerySet[School]:
    """The trust's schools, each marked `has_dsl` (whether it has a DSL or deputy yet)."""
    return (
        School.objects.filter(trust=scope.trust)
        .annotate(
            has_dsl=Exists(Membership.objects.filter(school=OuterRef("pk"), role__in=DSL_ROLES))
        )
        .order_by("name", "pk")
    )


def school_for(scope: TrustScope, pk: int) -> School:
    """One school of the trust, or 404."""
    school = schools_for(scope).filter(pk=pk).first()
    if school is None:
        raise Http404("Not found")
    return school


def members_for(scope: TrustScope) -> QuerySet[TrustMembership]:
    return (
        TrustMembership.objects.filter(trust=scope.trust)
        .select_related("user")
        .order_by("role", "user__full_name", "pk")
    )


def member_for(scope: TrustScope, pk: int) -> TrustMembership:
    membership = members_for(scope).filter(pk=pk).first()
    if membership is None:
        raise Http404("Not found")
    return membership


def _percent(part: int, whole: int) -> float | None:
    return None if not whole else round(part * 100 / whole, 1)


@dataclass
class SchoolRow:
    school: School
    open: dict[str, int]
    open_by_category: dict[str, list[int]]
    follow_ups_overdue: int | None
    plan_reviews_overdue: int | None
    pupils_with_sessions: int | None
    pa: int | None
    sa: int | None
    cp_transfers_awaiting: int
    monthly: list[int]
    # The lead holds a role in this school: the drill-down (switch school) is offered.
    member: bool = False

    @property
    def open_total(self) -> int:
        return sum(self.open.values())

    @property
    def pa_rate(self) -> float | None:
        return None if self.pa is None else _percent(self.pa, self.pupils_with_sessions or 0)

    @property
    def sa_rate(self) -> float | None:
        return None if self.sa is None else _percent(self.sa, self.pupils_with_sessions or 0)

    @property
    def overdue_total(self) -> int:
        return (self.follow_ups_overdue or 0) + (self.plan_reviews_overdue or 0)

    def band(self, key: str) -> int:
        return self.open.get(key, 0)


@dataclass
class CategoryRow:
    school: School
    category: str
    bands: list[int]

    @property
    def total(self) -> int:
        return sum(self.bands)


@dataclass
class TrustDashboard:
    today: dt.date
    rows: list[SchoolRow]
    months: list[dt.date]
    categories: list[CategoryRow] = field(default_factory=list)

    @property
    def monthly_totals(self) -> list[int]:
        return [sum(row.monthly[i] for row in self.rows) for i in range(len(self.months))]

    @property
    def totals(self) -> dict[str, Any]:
        return {
            "open": sum(r.open_total for r in self.rows),
            **{key: sum(r.band(key) for r in self.rows) for key, _ in figures.AGE_BANDS},
            "follow_ups_overdue": sum(r.follow_ups_overdue or 0 for r in self.rows),
            "plan_reviews_overdue": sum(r.plan_reviews_overdue or 0 for r in self.rows),
            "cp_transfers_awaiting": sum(r.cp_transfers_awaiting for r in self.rows),
        }


def dashboard_for(
    scope: TrustScope,
    *,
    today: dt.date | None = None,
    member_school_ids: frozenset[int] = frozenset(),
) -> TrustDashboard:
    """Counts and trends per school of the trust (the safeguarding lead's page)."""
    if not scope.is_lead:
        raise Http404("Not found")
    today = today or timezone.localdate()
    schools = list(School.objects.filter(trust=scope.trust).order_by("name", "pk"))
    ids = [s.pk for s in schools]
    counts = registry.counts_for(ids, today)
    transfers = (
        dict(
            CPFileTransfer.objects.filter(school_id__in=ids, receipt_confirmed_at__isnull=True)
            .values("school_id")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("school_id", "n")
        )
        if ids
        else {}
    )
    months = figures.months(today)
    keys = [figures.month_key(m) for m in months]
    rows = []
    for school in schools:
        c = counts.get(school.pk, {})
        monthly = c.get("monthly", {})
        rows.append(
            SchoolRow(
                school=school,
                open=c.get("open", dict.fromkeys((k for k, _ in figures.AGE_BANDS), 0)),
                open_by_category=c.get("open_by_category", {}),
                follow_ups_overdue=c.get("follow_ups_overdue"),
                plan_reviews_overdue=c.get("plan_reviews_overdue"),
                pupils_with_sessions=c.get("pupils_with_sessions"),
                pa=c.get("pa"),
                sa=c.get("sa"),
                cp_transfers_awaiting=transfers.get(school.pk, 0),
                monthly=[monthly.get(k, 0) for k in keys],
                member=school.pk in member_school_ids,
            )
        )
    categories = [
        CategoryRow(school=row.school, category=name, bands=bands)
        for row in rows
        for name, bands in sorted(row.open_by_category.items())
    ]
    return TrustDashboard(today=today, rows=rows, months=months, categories=categories)
