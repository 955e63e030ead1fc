"""The school's behaviour settings (shared by every part of the behaviour app)."""

from __future__ import annotations

from django.db import transaction

from behaviour.access import require_lead
from behaviour.models import BehaviourSettings
from pastoral import audit
from pastoral.access import Scope

FIELDS = ["leaderboard_enabled", "houses_enabled", "milestones", "detention_notice_hours"]


def settings_of(school_id: int) -> BehaviourSettings:
    """The school's settings, or the defaults (unsaved) if it has none yet."""
    found = BehaviourSettings.objects.filter(school_id=school_id).first()
    return found or BehaviourSettings(school_id=school_id)


@transaction.atomic
def settings_update(
    *,
    scope: Scope,
    leaderboard_enabled: bool,
    houses_enabled: bool,
    milestones: list[int],
    detention_notice_hours: int,
) -> BehaviourSettings:
    require_lead(scope)
    current, _ = BehaviourSettings.objects.select_for_update().get_or_create(school=scope.school)
    before = {f: getattr(current, f) for f in FIELDS}
    current.leaderboard_enabled = leaderboard_enabled
    current.houses_enabled = houses_enabled
    current.milestones = milestones
    current.detention_notice_hours = detention_notice_hours
    current.full_clean()
    current.save()
    changes = audit.diff(before, {f: getattr(current, f) for f in FIELDS})
    if changes:
        audit.record(
            "behaviour.settings.changed",
            actor=scope.user,
            school=scope.school,
            obj=current,
            changes=changes,
        )
    return current
