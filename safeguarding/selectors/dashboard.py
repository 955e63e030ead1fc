"""The DSL dashboard: a cockpit. Counts first, each a link to the inbox with the
same filters; overdue items grouped (by owner, by kind of action); open
concerns by category and age; rising concerns; a year of weekly counts. The
filters (year group, category, SEN, pupil premium, looked after) narrow every
figure. A fixed number of queries whatever the school's size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from pastoral.access import Cap, Scope, require
from safeguarding.models import Concern, ConcernAction, ConcernLearner
from safeguarding.selectors.lists import AGE_CHOICES, ConcernFilters, apply_filters

# Overdue items fetched for the grouped lists; the counts are exact regardless.
OVERDUE_LIMIT = 300


@dataclass
class WeekBar:
    start: dt.date
    count: int
    x: float
    y: float
    height: float


@dataclass
class Group:
    """One collapsed group of overdue items (one owner's concerns, one kind of action)."""

    label: str
    items: list[Any] = field(default_factory=list)
    link: str = ""

    @property
    def count(self) -> int:
        return len(self.items)


@dataclass
class Figure:
    label: str
    count: int
    link: str
    hint: str = ""


def _groups(items: list[Any], key: Any) -> list[Group]:
    by: dict[str, Group] = {}
    for item in items:
        label = key(item)
        by.setdefault(label, Group(label=label)).items.append(item)
    return sorted(by.values(), key=lambda g: (-g.count, g.label))


def _weeks(concerns: Any, today: dt.date) -> tuple[list[WeekBar], int]:
    start = today - dt.timedelta(weeks=52)
    start -= dt.timedelta(days=start.weekday())
    counts = {
        (row["week"].date() if isinstance(row["week"], dt.datetime) else row["week"]): row["n"]
        for row in concerns.filter(occurred_at__date__gte=start)
        .annotate(week=TruncWeek("occurred_at"))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    }
    weeks = [start + dt.timedelta(weeks=i) for i in range(53)]
    peak = max([counts.get(w, 0) for w in weeks] + [1])
    chart_h, bar_w = 160.0, 12.0
    bars = [
        WeekBar(
            start=w,
            count=counts.get(w, 0),
            x=40 + i * bar_w,
            y=10 + chart_h - chart_h * counts.get(w, 0) / peak,
            height=chart_h * counts.get(w, 0) / peak,
        )
        for i, w in enumerate(weeks)
    ]
    return bars, peak


def dashboard_for(scope: Scope, filters: ConcernFilters | None = None) -> dict[str, object]:
    """The DSL's cockpit for the school (DSL only), narrowed by `filters`'
    learner conditions and category."""
    scope = require(scope, Cap.TRIAGE_CONCERNS)
    given = filters or ConcernFilters()
    f = ConcernFilters(
        year=given.year,
        category=given.category,
        sen=given.sen,
        pupil_premium=given.pupil_premium,
        looked_after=given.looked_after,
    )
    now = timezone.now()
    today = timezone.localdate()
    school = Concern.objects.filter(school=scope.school)
    # Every concern of the filter, closed ones too (the weekly chart).
    everything = apply_filters(
        school, scope, replace(f, status="all"), closed_allowed=True, today=today
    )
    open_concerns = apply_filters(school, scope, f, today=today)
    week_ago, month_ago = now - dt.timedelta(days=7), now - dt.timedelta(days=30)
    counts = open_concerns.aggregate(
        untriaged=Count("pk", filter=Q(status=Concern.Status.NEW)),
        untriaged_restricted=Count(
            "pk", filter=Q(status=Concern.Status.NEW, level=Concern.Level.RESTRICTED)
        ),
        open=Count("pk"),
        overdue=Count("pk", filter=Q(due_date__lt=today)),
        mine=Count("pk", filter=Q(owner=scope.user)),
        new_this_week=Count("pk", filter=Q(submitted_at__gte=week_ago)),
    )
    overdue_actions_qs = ConcernAction.objects.filter(
        concern__in=open_concerns.values("pk"), completed_at__isnull=True, follow_up_due__lt=today
    )
    overdue_actions = list(
        overdue_actions_qs.select_related("concern").order_by("follow_up_due", "id")[:OVERDUE_LIMIT]
    )
    overdue_action_count = (
        len(overdue_actions) if len(overdue_actions) < OVERDUE_LIMIT else overdue_actions_qs.count()
    )
    # The figure counts concerns (what its link lists), the group below actions.
    action_concern_count = (
        len({a.concern_id for a in overdue_actions})
        if len(overdue_actions) < OVERDUE_LIMIT
        else overdue_actions_qs.values("concern_id").distinct().count()
    )
    overdue_concerns = list(
        open_concerns.filter(due_date__lt=today)
        .select_related("owner")
        .only("pk", "school_id", "due_date", "next_action", "owner__full_name", "owner__email")
        .order_by("due_date", "id")[:OVERDUE_LIMIT]
    )
    action_groups = _groups(overdue_actions, lambda a: a.get_kind_display())
    concern_groups = _groups(
        overdue_concerns, lambda c: c.owner.full_name if c.owner else "No owner yet"
    )
    mine_label = scope.user.full_name
    for group in concern_groups:
        if group.label == mine_label:
            group.link = f.query(overdue=True, mine=True)

    by_category = list(
        Concern.categories.through.objects.filter(concern__in=open_concerns.values("pk"))
        .values("category_id", "category__name")
        .annotate(
            under_7=Count("pk", filter=Q(concern__submitted_at__gte=week_ago)),
            **{
                "7_to_30": Count(
                    "pk",
                    filter=Q(concern__submitted_at__lt=week_ago)
                    & Q(concern__submitted_at__gte=month_ago),
                )
            },
            over_30=Count("pk", filter=Q(concern__submitted_at__lt=month_ago)),
            total=Count("pk"),
        )
        .order_by("-total", "category__name")
    )
    for row in by_category:
        row["cells"] = [
            (row[key], f.query(category=row["category_id"], age=key)) for key, _ in AGE_CHOICES
        ]
        row["link"] = f.query(category=row["category_id"])

    days = scope.school.rising_concern_days
    threshold = scope.school.rising_concern_count
    rising = list(
        ConcernLearner.objects.filter(
            concern__school=scope.school, concern__occurred_at__gte=now - dt.timedelta(days=days)
        )
        .filter(f.learner_q)
        .values(
            "learner_id",
            "learner__legal_first_name",
            "learner__legal_last_name",
            "learner__preferred_first_name",
        )
        .annotate(n=Count("concern_id", distinct=True))
        .filter(n__gte=threshold)
        .order_by("-n", "learner__legal_last_name")[:50]
    )
    bars, peak = _weeks(everything, today)
    figures = [
        Figure(
            "Not yet triaged",
            counts["untriaged"],
            f.query(status="new"),
            f"{counts['untriaged_restricted']} restricted",
        ),
        Figure("Past their due date", counts["overdue"], f.query(overdue=True)),
        Figure(
            "With an action overdue",
            action_concern_count,
            f.query(action_overdue=True),
            f"{overdue_action_count} action{'' if overdue_action_count == 1 else 's'}",
        ),
        Figure("Owned by me", counts["mine"], f.query(mine=True)),
        Figure("Logged in the last 7 days", counts["new_this_week"], f.query(age="under_7")),
        Figure("Open in all", counts["open"], f.query()),
    ]
    return {
        "figures": figures,
        "filters": f,
        "by_category": by_category,
        "age_bands": AGE_CHOICES,
        "action_groups": action_groups,
        "overdue_actions": overdue_actions,
        "concern_groups": concern_groups,
        "overdue_action_count": overdue_action_count,
        "overdue_concern_count": counts["overdue"],
        "overdue_more": max(0, counts["overdue"] - len(overdue_concerns))
        + max(0, overdue_action_count - len(overdue_actions)),
        "rising": rising,
        "rising_days": days,
        "rising_threshold": threshold,
        "weeks": bars,
        "peak": peak,
        "total_year": sum(b.count for b in bars),
    }
