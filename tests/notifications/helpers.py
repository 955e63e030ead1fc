"""A reminder kind for tests: due items are whatever the test puts in DUE."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from pastoral.models import School
from pastoral.notifications import registry
from pastoral.notifications.registry import Due, ReminderKind

DUE: list[tuple[int, Due]] = []  # (school id, due)


def _find_due(school: School, today: dt.date) -> list[Due]:
    return [due for school_id, due in DUE if school_id == school.pk and due.due_date <= today]


@contextmanager
def reminder_kind(*, urgent: bool = False, code: str = "tests.thing_due") -> Iterator[list]:
    DUE.clear()
    registry.register_kind(
        ReminderKind(code=code, label="Test thing due", find_due=_find_due, urgent=urgent)
    )
    try:
        yield DUE
    finally:
        registry.unregister_kind(code)
        DUE.clear()


def due(recipient_id: int, object_id: int, due_date: dt.date, *, title: str = "") -> Due:
    return Due(
        recipient_id=recipient_id,
        object_type="tests.thing",
        object_id=object_id,
        due_date=due_date,
        title=title or f"Thing T-{object_id} due",
        url="/",
    )
