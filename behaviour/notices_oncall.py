"""The notification centre's view of removal alerts: who may still open the
removal (scoped like the removals list) and the learner's name, resolved when
the list is shown (never stored in the title)."""

from __future__ import annotations

from typing import Any

from behaviour.access import can_log
from behaviour.models import Removal
from pastoral.access import Scope
from pastoral.notifications.registry import register_kind_label, register_scoped


def _scoped_removals(scope: Scope) -> Any:
    if not can_log(scope):
        return Removal.objects.none()
    from behaviour.selectors.oncall import removals_for

    return removals_for(scope)


def register() -> None:
    register_scoped("behaviour.removal", _scoped_removals)
    register_kind_label("behaviour.removals", "Repeated removals from class")
