"""The permission matrix: every URL of the project, for every role.

Each app has a module here (tests/matrix/<app>.py) with a list CASES of Case
objects. tests/test_permission_matrix.py fails when a URL pattern has no case,
and checks each case for each of the six roles, expecting the exact status.
Out-of-scope objects must answer 404 (ACCESS.md).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ALL_OK = {"staff": 200, "support": 200, "hoy": 200, "senco": 200, "dsl": 200, "admin": 200}


def only(ok: int = 200, denied: int = 404, **roles: bool) -> dict[str, int]:
    """Status per role: `ok` for the roles named True, `denied` for the rest."""
    return {role: ok if roles.get(role) else denied for role in ALL_OK}


def every(status: int) -> dict[str, int]:
    return dict.fromkeys(ALL_OK, status)


@dataclass
class Case:
    name: str
    label: str
    expect: dict[str, int]
    kwargs: Callable[[Any], dict[str, Any]] = lambda world: {}
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] | None = None
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    # Runs before the request, after the world is built: creates what the case
    # needs (attach it to the world, e.g. `world.plan = ...`, for kwargs/data).
    setup: Callable[[Any], Any] | None = None

    @property
    def id(self) -> str:
        return f"{self.name}[{self.label}]"


def all_cases() -> list[Case]:
    cases: list[Case] = []
    package = importlib.import_module(__name__)
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        cases.extend(getattr(module, "CASES", []))
    return cases


# Every URL that takes an object id (any path converter) needs at least one
# case where all six roles get 404: another school's object, the tenancy check
# of ACCESS.md. A URL whose argument is not an object of a school (a version
# number, a token) is listed here with the reason.
OUT_OF_SCOPE_EXEMPT: dict[str, str] = {}


# Django's own admin site: reachable only by superusers (is_staff), never by a
# school role; one case checks the index, the rest of its patterns are the
# admin's own and listed here as covered by that case.
ADMIN_NAMESPACE = "admin"
