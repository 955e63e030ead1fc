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
from typing import TYPE_CHECKING, Any

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
# ids -> the names of the learners each object is about, for those the person may see
LearnerNames = Callable[["Scope", list[str]], dict[str, str]]


@dataclass(frozen=True)
class ReminderKind:
    code: str  # dotted and stable: it is part of the idempotency key
    label: str  # what the person sees on the preferences page
    find_due: FindDue
    urgent: bool = False  # urgent ones are e-mailed at once, the rest in the digest


_kinds: dict[str, ReminderKind] = {}
_visibility: dict[str, VisibleIds] = {}
_learner_names: dict[str, LearnerNames] = {}
_kind_labels: dict[str, str] = {}


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


# --- Naming the learner in the app (never in titles or e-mails) ---------------
#
# A stored title carries no learner details. When the notification centre
# renders a page, it asks each object type's `names(scope, ids)` for the
# learners' names, scoped to what the viewer may see now: one query per object
# type on the page. An object the person may no longer see gets no name.


def register_learner_names(object_type: str, names: LearnerNames) -> None:
    """Declare how to name the learner(s) an object of this type is about."""
    _learner_names[object_type] = names


def learner_names(scope: Scope, refs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(object_type, object_id) -> the learners' names, for the objects the
    person may still see (one call per object type)."""
    wanted: dict[str, list[str]] = {}
    for object_type, object_id in refs:
        if object_type and object_id and object_type in _learner_names:
            wanted.setdefault(object_type, []).append(str(object_id))
    found: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        for object_id, name in _learner_names[object_type](scope, sorted(set(ids))).items():
            found[(object_type, str(object_id))] = name
    return found


def names_by_learner(queryset: Any, path: str = "learner") -> dict[str, str]:
    """{str(pk): learner's name} for already-scoped objects with a learner FK at
    `path` (one query). For `register_learner_names` callbacks."""
    rows = queryset.select_related(path)
    names = {}
    for obj in rows:
        learner = obj
        for part in path.split("__"):
            learner = getattr(learner, part)
        names[str(obj.pk)] = learner.display_name
    return names


def register_scoped(
    object_type: str,
    scoped: Callable[[Scope], Any],
    *,
    learner_path: str = "learner",
    names: Callable[[Any], dict[str, str]] | None = None,
) -> None:
    """Declare both checks of an object type from one scoped queryset:
    `scoped(scope)` returns the objects of the type the person may see now.
    Visibility is the ids found in it; names are its learners' names (the FK
    at `learner_path`, or `names(queryset)` for objects with several learners).
    One query each, and the two can never disagree."""

    def visible(scope: Scope, ids: list[str]) -> set[str]:
        return {str(pk) for pk in scoped(scope).filter(pk__in=ids).values_list("pk", flat=True)}

    def named(scope: Scope, ids: list[str]) -> dict[str, str]:
        rows = scoped(scope).filter(pk__in=ids)
        return names(rows) if names is not None else names_by_learner(rows, learner_path)

    register_visibility(object_type, visible)
    register_learner_names(object_type, named)


def register_kind_label(code: str, label: str) -> None:
    """A heading for a notification kind that is not a reminder kind."""
    _kind_labels[code] = label


def kind_label(code: str) -> str:
    """The heading notifications of this kind are grouped under."""
    kind = _kinds.get(code)
    if kind is not None:
        return kind.label
    if code in _kind_labels:
        return _kind_labels[code]
    tail = code.rsplit(".", 1)[-1].replace("_", " ").strip()
    return tail[:1].upper() + tail[1:] if tail else "Other"
