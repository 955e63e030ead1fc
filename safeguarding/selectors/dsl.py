"""The DSL's lists: the inbox, the search, the dashboard; and the school's
categories and DSL team."""

from __future__ import annotations

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from pastoral.access import Cap, Scope, require
from pastoral.models import Role, User
from safeguarding.models import Category, Concern, ConcernLearner
from safeguarding.selectors.concerns import _with_listing


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
