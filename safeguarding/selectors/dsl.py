"""The DSL's lists: the inbox, the search, the dashboard; and the school's
categories and DSL team."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from pastoral.access import Cap, Scope, require
from pastoral.models import Role, User
from safeguarding.models import Category, Concern, ConcernAction, ConcernLearner
from safeguarding.selectors.concerns import _with_listing


def inbox_for(scope: Scope) -> QuerySet[Concern]:
    """Concerns not closed: untriaged first, then oldest first (DSL only)."""
    if not scope.can(Cap.TRIAGE_CONCERNS):
        raise Http404("Not found")
    return (
        _with_listing(
            Concern.objects.filter(school=scope.school).exclude(status=Concern.Status.CLOSED),
            rows_only=True,
        )
        .annotate(
            untriaged=Case(
                When(status=Concern.Status.NEW, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("untriaged", "submitted_at", "id")
    )


def inbox_counts_for(scope: Scope) -> dict[str, int]:
    """Counts for the inbox header, in one query."""
    today = timezone.localdate()
    return Concern.objects.filter(school=scope.school).aggregate(
        untriaged=Count("pk", filter=Q(status=Concern.Status.NEW)),
        open=Count("pk", filter=Q(status=Concern.Status.OPEN)),
        overdue=Count("pk", filter=~Q(status=Concern.Status.CLOSED) & Q(due_date__lt=today)),
    )


def search_concerns(scope: Scope, params: dict[str, str]) -> QuerySet[Concern]:
    """The DSL's search: learner, category, level, status, owner, dates, free text.

    Free text uses PostgreSQL full-text search (websearch syntax, English
    stemming) on PostgreSQL and a case-insensitive substring match elsewhere.
    """
    if not scope.can(Cap.TRIAGE_CONCERNS):
        raise Http404("Not found")
    qs = Concern.objects.filter(school=scope.school)
    if params.get("learner"):
        terms = params["learner"].lower().split()[:4]
        learner_q = Q()
        for term in terms:
            learner_q &= Q(learner__search_text__contains=term)
        qs = qs.filter(
            Exists(ConcernLearner.objects.filter(concern=OuterRef("pk")).filter(learner_q))
        )
    if params.get("category"):
        qs = qs.filter(
            Exists(
                Concern.categories.through.objects.filter(
                    concern=OuterRef("pk"), category_id=params["category"]
                )
            )
        )
    if params.get("level"):
        qs = qs.filter(level=params["level"])
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if params.get("owner"):
        qs = qs.filter(owner_id=params["owner"])
    if params.get("date_from"):
        qs = qs.filter(occurred_at__date__gte=params["date_from"])
    if params.get("date_to"):
        qs = qs.filter(occurred_at__date__lte=params["date_to"])
    text = (params.get("q") or "").strip()[:200]
    if text:
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            vector = SearchVector(
                "description", "action_taken", "location", "next_action", config="english"
            )
            # alias(), not annotate(): the vector is for the filter (and its index),
            # not worth computing again for every matching row in the SELECT list.
            qs = qs.alias(search=vector).filter(
                search=SearchQuery(text, config="english", search_type="websearch")
            )
        else:
            for word in text.split()[:6]:
                qs = qs.filter(
                    Q(description__icontains=word)
                    | Q(action_taken__icontains=word)
                    | Q(location__icontains=word)
                    | Q(next_action__icontains=word)
                )
    return _with_listing(qs, rows_only=True).order_by("-submitted_at", "-id")


def categories_for(scope: Scope, *, active_only: bool = True) -> QuerySet[Category]:
    qs = Category.objects.filter(school=scope.school)
    return qs.filter(active=True) if active_only else qs


def dsl_team_for(school_id: int) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        memberships__school_id=school_id,
        memberships__role__in=[Role.DSL, Role.DEPUTY_DSL],
    ).distinct()


def category_for(scope: Scope | None, pk: int) -> Category:
    """One of the school's categories (DSL only), or 404."""
    scope = require(scope, Cap.TRIAGE_CONCERNS)
    category = Category.objects.filter(school=scope.school, pk=pk).first()
    if category is None:
        raise Http404("Not found")
    return category


# --- Dashboard ----------------------------------------------------------------

AGE_BANDS = (("under_7", "Under a week"), ("7_to_30", "1–4 weeks"), ("over_30", "Over 4 weeks"))


@dataclass
class WeekBar:
    start: dt.date
    count: int
    x: float
    y: float
    height: float


def dashboard_for(scope: Scope) -> dict[str, object]:
    """The DSL's overview, a fixed number of queries whatever the school's size."""
    from django.db.models.functions import TruncWeek

    if not scope.can(Cap.TRIAGE_CONCERNS):
        raise Http404("Not found")
    now = timezone.now()
    today = timezone.localdate()
    school_concerns = Concern.objects.filter(school=scope.school)
    through = Concern.categories.through
    by_category = list(
        through.objects.filter(concern__school=scope.school)
        .exclude(concern__status=Concern.Status.CLOSED)
        .values("category__name")
        .annotate(
            under_7=Count("pk", filter=Q(concern__submitted_at__gte=now - dt.timedelta(days=7))),
            **{
                "7_to_30": Count(
                    "pk",
                    filter=Q(concern__submitted_at__lt=now - dt.timedelta(days=7))
                    & Q(concern__submitted_at__gte=now - dt.timedelta(days=30)),
                )
            },
            over_30=Count("pk", filter=Q(concern__submitted_at__lt=now - dt.timedelta(days=30))),
            total=Count("pk"),
        )
        .order_by("-total", "category__name")
    )
    overdue_actions = list(
        ConcernAction.objects.filter(
            concern__school=scope.school, completed_at__isnull=True, follow_up_due__lt=today
        )
        .select_related("concern", "recorded_by")
        .order_by("follow_up_due", "id")[:25]
    )
    overdue_concerns = list(
        school_concerns.exclude(status=Concern.Status.CLOSED)
        .filter(due_date__lt=today)
        .select_related("owner")
        .order_by("due_date", "id")[:25]
    )
    days = scope.school.rising_concern_days
    threshold = scope.school.rising_concern_count
    rising = list(
        ConcernLearner.objects.filter(
            concern__school=scope.school, concern__occurred_at__gte=now - dt.timedelta(days=days)
        )
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
    start = today - dt.timedelta(weeks=52)
    start -= dt.timedelta(days=start.weekday())
    counts = {
        (row["week"].date() if isinstance(row["week"], dt.datetime) else row["week"]): row["n"]
        for row in school_concerns.filter(occurred_at__date__gte=start)
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
    return {
        "by_category": by_category,
        "age_bands": AGE_BANDS,
        "overdue_actions": overdue_actions,
        "overdue_concerns": overdue_concerns,
        "rising": rising,
        "rising_days": days,
        "rising_threshold": threshold,
        "weeks": bars,
        "peak": peak,
        "total_year": sum(b.count for b in bars),
    }
