"""Helpers the caseload services share: reach checks and key-worker checks."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

from pastoral.access import Cap, Scope, learner_filter, require
from pastoral.models import Learner, Membership, Role, User

KEY_WORKER_ROLES = (Role.SUPPORT, Role.HEAD_OF_YEAR, Role.SENCO, Role.DSL, Role.DEPUTY_DSL)


def reach(scope: Scope, learner_id: int, cap: Cap) -> Learner:
    """The learner, locked for the rest of the transaction, if the scope reaches them."""
    require(scope, cap)
    learner = (
        Learner.objects.select_for_update()
        .filter(learner_filter(scope, cap), pk=learner_id)
        .first()
    )
    if learner is None:
        raise Http404("Not found")
    return learner


def check_worker(scope: Scope, worker: User, field: str = "worker") -> None:
    ok = Membership.objects.filter(
        user=worker, school=scope.school, role__in=KEY_WORKER_ROLES, user__is_active=True
    ).exists()
    if not ok:
        raise ValidationError({field: "Choose a key worker who works in this school."})
