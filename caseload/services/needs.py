"""The school's list of needs and barriers (SENCO)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from caseload.models import Need
from pastoral import audit
from pastoral.access import Cap, Scope, require
from pastoral.models import Role


@transaction.atomic
def need_create(*, scope: Scope, name: str) -> Need:
    """Add a need or barrier to the school's list (SENCO)."""
    require(scope, Cap.VIEW_CASELOAD_BOARD)
    if not scope.has(Role.SENCO):
        raise Http404("Not found")
    need = Need(school=scope.school, name=name.strip())
    if Need.objects.filter(school=scope.school, name__iexact=need.name).exists():
        raise ValidationError({"name": "That need is already on the list."})
    need.full_clean()
    need.save()
    audit.record(
        "caseload.need.created",
        actor=scope.user,
        school=scope.school,
        obj=need,
        changes={"name": need.name},
    )
    return need


@transaction.atomic
def need_set_active(*, scope: Scope, need: Need, active: bool) -> Need:
    """Retire a need from the list (kept on old plans) or bring it back."""
    require(scope, Cap.VIEW_CASELOAD_BOARD)
    if not scope.has(Role.SENCO) or need.school_id != scope.school.pk:
        raise Http404("Not found")
    need.active = active
    need.save(update_fields=["active"])
    audit.record(
        "caseload.need.changed",
        actor=scope.user,
        school=scope.school,
        obj=need,
        changes={"active": active},
    )
    return need
