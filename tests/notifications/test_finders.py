"""The one "N school days' notice, then overdue" finder every reminder uses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pastoral.models import Closure
from pastoral.notifications.finders import in_notice, overdue

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2027, 3, 15)


def _due(item: tuple[str, dt.date]) -> dt.date:
    return item[1]


def test_notice_opens_n_school_days_before_skipping_the_weekend(world: Any) -> None:
    items = [("monday", MONDAY)]
    friday, thursday = MONDAY - dt.timedelta(days=3), MONDAY - dt.timedelta(days=4)
    assert in_notice(world.school, friday, items, due_of=_due, notice_school_days=1) == items
    assert in_notice(world.school, thursday, items, due_of=_due, notice_school_days=1) == []


def test_a_closure_does_not_count_as_a_school_day_of_notice(world: Any) -> None:
    friday = MONDAY - dt.timedelta(days=3)
    Closure.objects.create(school=world.school, date=friday, kind=Closure.Kind.INSET, name="INSET")
    items = [("monday", MONDAY)]
    thursday = MONDAY - dt.timedelta(days=4)
    # With Friday closed, one school day's notice opens on Thursday.
    assert in_notice(world.school, thursday, items, due_of=_due, notice_school_days=1) == items


def test_past_items_only_when_asked_and_overdue_is_the_other_half(world: Any) -> None:
    items = [
        ("past", MONDAY - dt.timedelta(days=1)),
        ("today", MONDAY),
        ("far", MONDAY + dt.timedelta(days=90)),
    ]
    assert [
        i[0] for i in in_notice(world.school, MONDAY, items, due_of=_due, notice_school_days=5)
    ] == ["today"]
    assert [
        i[0]
        for i in in_notice(
            world.school, MONDAY, items, due_of=_due, notice_school_days=5, include_past=True
        )
    ] == ["past", "today"]
    assert [i[0] for i in overdue(MONDAY, items, due_of=_due)] == ["past"]
