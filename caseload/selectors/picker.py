"""The learner picker's server-side search (allocation, group roster): the
learners the person may reach with the capability, by name or UPN, a page at a
time. Directory fields only (name, year group): no case data."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from pastoral.access import Cap, Scope, learners_for
from pastoral.models import Learner

PICKER_PAGE = 20
# What the picker is for -> the capability its learners are reached with.
PICKER_CAPS = {"allocate": Cap.ALLOCATE_CASELOADS, "roster": Cap.RECORD_CONTACTS}


def picker_learners_for(scope: Scope, cap: Cap, query: str) -> QuerySet[Learner]:
    """Learners in reach with `cap` whose name (any order) or UPN matches, sorted by name."""
    qs = learners_for(scope, cap).select_related("year_group")
    for term in [t for t in query.lower().split() if t][:4]:
        qs = qs.filter(Q(search_text__contains=term) | Q(upn__iexact=term))
    return qs.order_by("legal_last_name", "legal_first_name", "id")


def picker_page(scope: Scope, cap: Cap, query: str, page: int) -> tuple[list[Learner], bool]:
    """One page of matches and whether there are more (one query: a row past the page)."""
    start = (max(page, 1) - 1) * PICKER_PAGE
    rows = list(picker_learners_for(scope, cap, query)[start : start + PICKER_PAGE + 1])
    return rows[:PICKER_PAGE], len(rows) > PICKER_PAGE
