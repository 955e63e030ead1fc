"""Behaviour analysis for heads of year (their years), the SENCO and the DSL team (all).

Every breakdown is one GROUP BY query over the filtered incidents; nothing is
read in a loop. Staff, support officers and administrators have no analysis
page (404): it shows whole year groups' records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractHour, ExtractWeekDay, TruncDate
from django.http import Http404
from django.utils import timezone

from behaviour.access import WHOLE_SCHOOL_ROLES
from behaviour.models import BehaviourType, Incident, Kind, Removal
from behaviour.selectors.exclusions import term_of
from pastoral.access import Scope
from pastoral.models import RegGroup, Role, YearGroup

ANALYSIS_ROLES = WHOLE_SCHOOL_ROLES | {Role.HEAD_OF_YEAR}
# ExtractWeekDay: 1 = Sunday ... 7 = Saturday (the same on every database).
WEEKDAYS = {
    2: "Monday",
    3: "Tuesday",
    4: "Wednesday",
    5: "Thursday",
    6: "Friday",
    7: "Saturday",
    1: "Sunday",
}
RISING_WINDOW_DAYS = 28
# A rise from 0 to 1 is noise: the list starts at 3 negatives in the last 4 weeks.
RISING_MIN_RECENT = 3
REMOVAL_HOTSPOT = 3


def may_analyse(scope: Scope | None) -> bool:
    if scope is None or not scope.is_member:
        return False
    if scope.roles & WHOLE_SCHOOL_ROLES:
        return True
    return Role.HEAD_OF_YEAR in scope.roles and bool(scope.year_group_ids)


def require_analysis(scope: Scope | None) -> Scope:
    if not may_analyse(scope):
        raise Http404("Not found")
    assert scope is not None
    return scope


def analysis_reach(scope: Scope, *, prefix: str = "learner__") -> Q:
    """The learners analysed: the whole school (SENCO, DSL), else the head of year's years."""
    school = Q(school=scope.school)
    if scope.roles & WHOLE_SCHOOL_ROLES:
        return school
    return school & Q(**{f"{prefix}year_group_id__in": sorted(scope.year_group_ids)})


@dataclass(frozen=True)
class AnalysisFilters:
    start: dt.date
    end: dt.date
    year_group_id: int | None = None
    reg_group_id: int | None = None
    type_id: int | None = None
    kind: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "year_group": self.year_group_id,
            "reg_group": self.reg_group_id,
            "type": self.type_id,
            "kind": self.kind,
        }


def default_range(scope: Scope, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """This term (the school's calendar)."""
    return term_of(scope.school.pk, today or timezone.localdate())


def filter_choices(scope: Scope) -> dict[str, list[Any]]:
    """Year groups, reg groups and types the filter form offers (three queries)."""
    require_analysis(scope)
    years = YearGroup.objects.filter(school=scope.school)
    groups = RegGroup.objects.filter(school=scope.school)
    if not scope.roles & WHOLE_SCHOOL_ROLES:
        years = years.filter(pk__in=sorted(scope.year_group_ids))
        groups = groups.filter(year_group_id__in=sorted(scope.year_group_ids))
    return {
        "years": list(years.order_by("number").values_list("pk", "name")),
        "groups": list(groups.order_by("year_group__number", "name").values_list("pk", "name")),
        "types": list(
            BehaviourType.objects.filter(school=scope.school)
            .order_by("kind", "order", "name")
            .values_list("pk", "name")
        ),
    }


def _bounds(day: dt.date, *, end: bool = False) -> dt.datetime:
    moment = dt.datetime.combine(day + dt.timedelta(days=1) if end else day, dt.time.min)
    return timezone.make_aware(moment)


def _learner_filters(qs: QuerySet, f: AnalysisFilters) -> QuerySet:
    if f.year_group_id:
        qs = qs.filter(learner__year_group_id=f.year_group_id)
    if f.reg_group_id:
        qs = qs.filter(learner__reg_group_id=f.reg_group_id)
    return qs


def analysis_incidents(scope: Scope, f: AnalysisFilters) -> QuerySet[Incident]:
    """The incidents behind the page (scoped, filtered), newest first; the export's rows."""
    require_analysis(scope)
    qs = Incident.objects.filter(
        analysis_reach(scope),
        occurred_at__gte=_bounds(f.start),
        occurred_at__lt=_bounds(f.end, end=True),
    )
    qs = _learner_filters(qs, f)
    if f.type_id:
        qs = qs.filter(type_id=f.type_id)
    if f.kind in (Kind.POSITIVE, Kind.NEGATIVE):
        qs = qs.filter(kind=f.kind)
    return qs.select_related(
        "learner__year_group", "learner__reg_group", "type", "created_by"
    ).order_by("-occurred_at", "-id")


_TALLY = {
    "incidents": Count("id"),
    "positive": Count("id", filter=Q(kind=Kind.POSITIVE)),
    "negative": Count("id", filter=Q(kind=Kind.NEGATIVE)),
    "points": Sum("points", default=0),
}


def _grouped(qs: QuerySet, *keys: str, order: tuple[str, ...] | None = None) -> list[dict]:
    return list(qs.order_by().values(*keys).annotate(**_TALLY).order_by(*(order or keys)))


def breakdowns_for(scope: Scope, f: AnalysisFilters) -> dict[str, list[dict]]:
    """The tables of the page: each one GROUP BY query (six in all)."""
    qs = analysis_incidents(scope, f).select_related(None)
    by_day = _grouped(qs.annotate(dow=ExtractWeekDay("occurred_at")), "dow")
    order = list(WEEKDAYS)
    by_day.sort(key=lambda r: order.index(r["dow"]))
    for row in by_day:
        row["label"] = WEEKDAYS[row["dow"]]
    by_hour = _grouped(qs.annotate(hour=ExtractHour("occurred_at")), "hour")
    for row in by_hour:
        row["label"] = f"{row['hour']:02d}:00–{row['hour']:02d}:59"
    return {
        "year": [
            {**r, "label": r["learner__year_group__name"]}
            for r in _grouped(
                qs,
                "learner__year_group__number",
                "learner__year_group__name",
            )
        ],
        "type": [
            {**r, "label": r["type__name"]}
            for r in _grouped(qs, "type__name", "kind", order=("kind", "-incidents", "type__name"))
        ],
        "teacher": [
            {**r, "label": r["created_by__full_name"]}
            for r in _grouped(
                qs,
                "created_by_id",
                "created_by__full_name",
                order=("-incidents", "created_by__full_name"),
            )
        ],
        "period": [{**r, "label": r["period"] or "(not given)"} for r in _grouped(qs, "period")],
        "day": by_day,
        "hour": by_hour,
    }


def rising_negatives_for(
    scope: Scope, f: AnalysisFilters | None = None, *, today: dt.date | None = None
) -> list[dict]:
    """Learners whose negative incidents in the last 4 weeks exceed the 4 weeks
    before, with both counts (one query). The year and reg group filters apply;
    the windows are fixed (they end today)."""
    require_analysis(scope)
    today = today or timezone.localdate()
    split = _bounds(today - dt.timedelta(days=RISING_WINDOW_DAYS - 1))
    since = _bounds(today - dt.timedelta(days=2 * RISING_WINDOW_DAYS - 1))
    qs = Incident.objects.filter(
        analysis_reach(scope),
        kind=Kind.NEGATIVE,
        occurred_at__gte=since,
        occurred_at__lt=_bounds(today, end=True),
    )
    if f is not None:
        qs = _learner_filters(qs, f)
    rows = (
        qs.order_by()
        .values(
            "learner_id",
            "learner__legal_first_name",
            "learner__preferred_first_name",
            "learner__legal_last_name",
            "learner__preferred_last_name",
            "learner__reg_group__name",
        )
        .annotate(
            recent=Count("id", filter=Q(occurred_at__gte=split)),
            before=Count("id", filter=Q(occurred_at__lt=split)),
        )
        .filter(recent__gt=F("before"), recent__gte=RISING_MIN_RECENT)
        .order_by("-recent", "learner__legal_last_name", "learner_id")
    )
    return [
        {
            "learner_id": r["learner_id"],
            "name": (
                f"{r['learner__preferred_first_name'] or r['learner__legal_first_name']} "
                f"{r['learner__preferred_last_name'] or r['learner__legal_last_name']}"
            ),
            "reg_group": r["learner__reg_group__name"] or "",
            "recent": r["recent"],
            "before": r["before"],
        }
        for r in rows
    ]


def removal_hotspots_for(scope: Scope, f: AnalysisFilters) -> list[dict]:
    """Lesson/room and teacher with at least three removals in the range (one query)."""
    require_analysis(scope)
    qs = Removal.objects.filter(
        analysis_reach(scope),
        removed_at__gte=_bounds(f.start),
        removed_at__lt=_bounds(f.end, end=True),
    )
    qs = _learner_filters(qs, f)
    return list(
        qs.order_by()
        .values("lesson", "room", "removed_by_id", "removed_by__full_name")
        .annotate(removals=Count("id"), learners=Count("learner_id", distinct=True))
        .filter(removals__gte=REMOVAL_HOTSPOT)
        .order_by("-removals", "lesson", "room")
    )


# Per learner -------------------------------------------------------------------


@dataclass(frozen=True)
class WeekPoints:
    start: dt.date
    positive: int
    negative: int

    @property
    def net(self) -> int:
        return self.positive + self.negative


def weekly_points_for(
    scope: Scope, learner: Any, *, today: dt.date | None = None
) -> list[WeekPoints]:
    """The learner's points by week (Monday to Sunday) for the current term,
    up to this week (one query, grouped by day and folded into weeks). The
    learner was fetched by a scoped selector."""
    from behaviour.access import require_log

    require_log(scope)
    today = today or timezone.localdate()
    start, end = term_of(learner.school_id, today)
    end = min(end, today)
    first = start - dt.timedelta(days=start.weekday())
    if end < first:
        return []
    rows = (
        Incident.objects.filter(
            learner=learner,
            occurred_at__gte=_bounds(first),
            occurred_at__lt=_bounds(end, end=True),
        )
        .order_by()
        .annotate(day=TruncDate("occurred_at"))
        .values("day")
        .annotate(
            positive=Sum("points", filter=Q(kind=Kind.POSITIVE), default=0),
            negative=Sum("points", filter=Q(kind=Kind.NEGATIVE), default=0),
        )
    )
    weeks: dict[dt.date, list[int]] = {}
    monday = first
    while monday <= end:
        weeks[monday] = [0, 0]
        monday += dt.timedelta(days=7)
    for r in rows:
        day = r["day"]
        key = day - dt.timedelta(days=day.weekday())
        if key in weeks:
            weeks[key][0] += r["positive"]
            weeks[key][1] += r["negative"]
    return [WeekPoints(start=k, positive=p, negative=n) for k, (p, n) in weeks.items()]


# The head of year's home-page panel -------------------------------------------------


def panel_for(scope: Scope, *, today: dt.date | None = None) -> dict[str, Any]:
    """This week's positives and negatives, open detentions, removals this
    week and how many learners' negatives are rising, for the person's
    analysis reach (four queries; counts only)."""
    from behaviour.models import Detention

    require_analysis(scope)
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    since, until = _bounds(monday), _bounds(today, end=True)
    week = Incident.objects.filter(
        analysis_reach(scope), occurred_at__gte=since, occurred_at__lt=until
    ).aggregate(
        positive=Count("id", filter=Q(kind=Kind.POSITIVE)),
        negative=Count("id", filter=Q(kind=Kind.NEGATIVE)),
    )
    open_detentions = Detention.objects.filter(
        analysis_reach(scope), status=Detention.Status.SET
    ).count()
    removals = Removal.objects.filter(
        analysis_reach(scope), removed_at__gte=since, removed_at__lt=until
    ).count()
    return {
        "week_start": monday,
        "positive": week["positive"],
        "negative": week["negative"],
        "open_detentions": open_detentions,
        "removals": removals,
        "rising": len(rising_negatives_for(scope, today=today)),
    }
