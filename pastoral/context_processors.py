from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from pastoral import nav
from pastoral.access import roles_label


def pastoral(request: HttpRequest) -> dict[str, Any]:
    scope = getattr(request, "scope", None)
    return {
        "current_school": getattr(request, "school", None),
        "user_schools": getattr(request, "schools", []),
        "scope": scope,
        "nav_items": nav.items_for(scope),
        "roles_label": roles_label(scope.roles) if scope else "",
        # Called only when a page draws the menu: the Trust entry, for trust roles only.
        "trust_nav": lambda: _has_trust_role(request),
    }


def _has_trust_role(request: HttpRequest) -> bool:
    from pastoral.trust.standing import trust_scopes_for

    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and trust_scopes_for(user))
