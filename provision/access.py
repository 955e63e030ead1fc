"""Who may see and do what in alternative provision (ACCESS.md; docs/alternative-provision.md).

- The **providers directory** (names, URN/UKPRN, contacts, the written
  confirmation of safer-recruitment checks) holds no learner data: every case
  role and the school administrator read it; the administrator and the DSL team
  keep it (as the agencies directory: pastoral/people/selectors.py). Checking a
  provider's safer-recruitment confirmation is a safeguarding duty the DSL
  oversees and the office often files.
- A **placement** is case content about a learner: the case roles, each for the
  learners in their case scope (support officer: caseload; head of year: their
  years; SENCO and DSL: the whole school) read and manage placements, record the
  provider's attendance and reviews, and ask where a learner is. The
  administrator sees no placement, by any route; staff neither.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from pastoral.access import Cap, Scope, learner_filter

# The capability that carries a learner's AP placements (case roles, scoped).
PLACEMENTS = Cap.VIEW_PROFILE


def may_read_providers(scope: Scope | None) -> bool:
    return scope is not None and (scope.can(Cap.IMPORT_MIS) or scope.can(Cap.VIEW_PROFILE))


def may_edit_providers(scope: Scope | None) -> bool:
    return scope is not None and (scope.can(Cap.IMPORT_MIS) or scope.is_dsl)


def may_manage_placements(scope: Scope | None) -> bool:
    return scope is not None and scope.can(PLACEMENTS)


def require_providers(scope: Scope | None, *, edit: bool = False) -> Scope:
    allowed = may_edit_providers(scope) if edit else may_read_providers(scope)
    if not allowed:
        raise Http404("Not found")
    assert scope is not None
    return scope


def require_placements(scope: Scope | None) -> Scope:
    if not may_manage_placements(scope):
        raise Http404("Not found")
    assert scope is not None
    return scope


def placement_filter(scope: Scope, *, prefix: str = "") -> Q:
    """Placements of learners in the person's case scope, in their school."""
    return Q(**{f"{prefix}school": scope.school}) & learner_filter(
        scope, PLACEMENTS, prefix=f"{prefix}learner__"
    )
