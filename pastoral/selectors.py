"""Reads for the core, already scoped to the person asking."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Case, Count, Max, Q, QuerySet, Value, When

from pastoral.access import Cap, Scope, learner_filter, learners_for
from pastoral.models import AuditEvent, Learner

SEARCH_LIMIT = 10


def learner_directory_for(scope: Scope | None) -> QuerySet[Learner]:
    """Every learner of the school with directory fields, annotated with
    `in_case_scope` (may this person open the learner's case data?)."""
    if scope is None:
        return Learner.objects.none()
    case_q = learner_filter(scope, Cap.VIEW_PROFILE)
    return (
        learners_for(scope, Cap.SEARCH_LEARNERS)
        .select_related("year_group", "reg_group")
        .annotate(
            in_case_scope=Case(
                When(case_q, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by("legal_last_name", "legal_first_name", "id")
    )


def learner_in_case_scope(scope: Scope, learner: Learner) -> bool:
    """May this person open the learner's case data (the profile)?"""
    return learner_directory_for(scope).filter(pk=learner.pk, in_case_scope=True).exists()


def learner_search_for(
    scope: Scope | None, query: str, *, limit: int = SEARCH_LIMIT
) -> list[Learner]:
    """Quick search by name (any order of first and last) or UPN, directory fields only."""
    terms = [t for t in query.lower().split() if t][:4]
    if not terms:
        return []
    qs = learner_directory_for(scope)
    if len(terms) == 1 and len(terms[0]) == 13 and terms[0][0].isalpha() and terms[0][1:].isdigit():
        return list(qs.filter(upn=terms[0].upper())[:limit])
    for term in terms:
        qs = qs.filter(Q(search_text__contains=term))
    return list(qs[:limit])


def audit_viewers(events: QuerySet[AuditEvent]) -> list[dict[str, Any]]:
    """Each person who read a record (of `events`, its audit history already
    scoped by pastoral.audit), with how often and when last; at most 100."""
    return list(
        events.filter(action__regex=r"\.(viewed|exported|downloaded)$")
        .order_by()
        .values("actor_label")
        .annotate(times=Count("id"), last=Max("created_at"))
        .order_by("-last")[:100]
    )
