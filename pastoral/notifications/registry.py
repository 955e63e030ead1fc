"""The reminder registry: each app declares the reminders it needs.

An app puts a `reminders.py` module next to its models and calls
`register_kind(ReminderKind(...))` there; the notifications app imports every
`<app>.reminders` module when Django starts (autodiscover), so the core never
names an app and no app has to edit its own AppConfig for reminders.

A kind's `find_due(school, today)` returns what is due today for that school
as `Due` values. It must be cheap (a handful of queries per school, never one
per object) and may return the same thing day after day: the Reminder table's
unique key (kind, recipient, object, due date) makes materialising idempotent,
so each person hears once per object and due date.

Titles must carry no learner details (no names, no UPN): kind of event and a
reference such as "Plan P-42" only. Notifications and e-mails show them.

Access when followed: an app may also register `visible(scope, ids)` for an
object type, returning the ids the person may still see; the notification
centre then answers 404 for an object that is no longer visible, before
redirecting (the target page checks again in any case).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pastoral.access import Scope
    from pastoral.models import School


@dataclass(frozen=True)
class Due:
    """One person to remind about one object for one due date."""

    recipient_id: int
    object_type: str  # "app_label.model", e.g. "caseload.actionplan"
    object_id: int | str
    due_date: dt.date
    title: str  # no learner details
    url: str


FindDue = Callable[["School", dt.date], Iterable[Due]]
VisibleIds = Callable[["Scope", list[str]], set[str]]


@dataclass(frozen=True)
class ReminderKind:
    code: str  # dotted and stable: it is part of the idempotency key
    label: str  # what the person sees on the preferences page
    find_due: FindDue
    urgent: bool = False  # urgent ones are e-mailed at once, the rest in the digest


_kinds: dict[str, ReminderKind] = {}
_visibility: dict[str, VisibleIds] = {}


def register_kind(kind: ReminderKind) -> None:
    """Declare a reminder kind (idempotent: re-registering replaces it)."""
    if len(kind.code) > 60:
        raise ValueError(f"Reminder kind code too long: {kind.code!r}")
    _kinds[kind.code] = kind


def unregister_kind(code: str) -> None:
    _kinds.pop(code, None)


def kinds() -> list[ReminderKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.code)


def get_kind(code: str) -> ReminderKind | None:
    return _kinds.get(code)


def register_visibility(object_type: str, visible: VisibleIds) -> None:
    """Declare how to tell which objects of a type a person may still see."""
    _visibility[object_type] = visible


def visible_ids(scope: Scope, object_type: str, ids: list[str]) -> set[str] | None:
    """The ids still visible to the scope, or None if the type has no check."""
    check = _visibility.get(object_type)
    if check is None:
        return None
    return {str(i) for i in check(scope, ids)}
