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
    }
