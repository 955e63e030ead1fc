"""Small helpers the apps' reminder finders share (see registry.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TypeVar

from pastoral.calendar import SchoolCalendar
from pastoral.models import Membership, School

T = TypeVar("T")
# How far ahead a notice period is looked for: comfortably more than any
# notice period plus a holiday.
NOTICE_LOOKAHEAD = dt.timedelta(days=60)


def in_notice(
    school: School,
    today: dt.date,
    items: Iterable[T],
    *,
    due_of: Callable[[T], dt.date],
    notice_school_days: int,
    include_past: bool = False,
) -> list[T]:
    """The items whose notice period has begun: due today or later, and no
    more than `notice_school_days` school days away (the school's own
    calendar: holidays and closures do not count). With `include_past`, items
    already past their date are kept too. One calendar load, and only when
    something is upcoming. The "overdue" half of a reminder pair is
    `overdue()`; each is registered as its own reminder kind."""
    calendar: SchoolCalendar | None = None
    chosen = []
    for item in items:
        due = due_of(item)
        if due < today:
            if include_past:
                chosen.append(item)
            continue
        if due > today + NOTICE_LOOKAHEAD:
            continue
        if calendar is None:
            calendar = SchoolCalendar.load(
                school, today - NOTICE_LOOKAHEAD, today + NOTICE_LOOKAHEAD
            )
        opens = calendar.add_school_days(due, -notice_school_days)
        if opens is None or opens <= today:
            chosen.append(item)
    return chosen


def overdue(today: dt.date, items: Iterable[T], *, due_of: Callable[[T], dt.date]) -> list[T]:
    """The items past their date (the pair of in_notice)."""
    return [item for item in items if due_of(item) < today]


def role_holder_ids(school: School, *roles: str) -> list[int]:
    """Active people holding any of the roles in the school (one query)."""
    return sorted(
        set(
            Membership.objects.filter(school=school, role__in=roles, user__is_active=True)
            .values_list("user_id", flat=True)
            .distinct()
        )
    )


def heads_of_year_by_year(school: School) -> dict[int, list[int]]:
    """Year group id -> ids of the active heads of that year (one query)."""
    rows = Membership.objects.filter(
        school=school, role="hoy", user__is_active=True, year_groups__isnull=False
    ).values_list("year_groups", "user_id")
    by_year: dict[int, list[int]] = defaultdict(list)
    for year_id, user_id in rows:
        if user_id not in by_year[year_id]:
            by_year[year_id].append(user_id)
    return by_year


def unique(ids: Iterable[int | None]) -> list[int]:
    """Drop empties and repeats, keeping order."""
    seen: list[int] = []
    for i in ids:
        if i is not None and i not in seen:
            seen.append(i)
    return seen


def as_date(value: dt.datetime | dt.date) -> dt.date:
    from django.utils import timezone

    if isinstance(value, dt.datetime):
        return timezone.localdate(value)
    return value
