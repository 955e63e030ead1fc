"""What the settings hub lists and what the go-live checklist checks: apps add theirs.

The core never names an app, so an app that keeps a school setting (the
attendance app's letter templates, the safeguarding app's categories)
registers a `SettingsSection` in its `AppConfig.ready()`; the hub shows each
section to the people whose scope holds its capability.

The go-live checklist is built the same way: `register_check(fn)` where
`fn(scope)` returns `ChecklistItem`s (a few queries at most, never one per
row). The core's own checks are in pastoral/school_settings/checklist.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pastoral.access import Cap, Scope


@dataclass(frozen=True)
class SettingsSection:
    label: str
    url_name: str
    description: str
    cap: Cap
    order: int = 50


@dataclass(frozen=True)
class ChecklistItem:
    """One thing the school needs before it can use the system."""

    key: str  # stable, e.g. "term_dates"
    label: str  # what must be true, e.g. "Term dates for this year"
    done: bool
    detail: str  # where things stand, e.g. "3 of 40 staff have set up two-factor"
    url_name: str  # where to fix it
    link_text: str
    order: int = 50


Check = Callable[["Scope"], Iterable[ChecklistItem]]

_sections: dict[str, SettingsSection] = {}
_checks: dict[str, Check] = {}


def register_section(section: SettingsSection) -> None:
    _sections[section.url_name] = section


def sections_for(scope: Scope | None) -> list[SettingsSection]:
    if scope is None:
        return []
    mine = [s for s in _sections.values() if scope.can(s.cap)]
    return sorted(mine, key=lambda s: (s.order, s.label))


def register_check(name: str, check: Check) -> None:
    """Add a go-live check (re-registering a name replaces it)."""
    _checks[name] = check


def checks() -> list[Check]:
    return list(_checks.values())
