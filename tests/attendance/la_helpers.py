"""Helpers for the LA-returns tests: runs of unauthorised absence ending today."""

from __future__ import annotations

import datetime as dt

from attendance.models import Mark
from pastoral.calendar import SchoolCalendar
from pastoral.models import Learner


def last_school_days(learner: Learner, n: int, end: dt.date | None = None) -> list[dt.date]:
    """The last n school days of the learner's school up to `end` (today)."""
    end = end or dt.date.today()
    calendar = SchoolCalendar.load(learner.school_id, end - dt.timedelta(days=120), end)
    return calendar.school_days(calendar.start, end)[-n:]


def absent_run(
    learner: Learner, days: int, *, code: str = "O", end: dt.date | None = None
) -> list[dt.date]:
    """`days` consecutive school days ending `end` (today) marked `code` both sessions,
    and the school day before marked present (so the run starts where it should)."""
    dates = last_school_days(learner, days + 1, end)
    before, run = dates[0], dates[1:]
    rows = [
        Mark(school_id=learner.school_id, learner=learner, date=day, session=s, code=code)
        for day in run
        for s in ("AM", "PM")
    ]
    rows += [
        Mark(school_id=learner.school_id, learner=learner, date=before, session=s, code="/")
        for s in ("AM", "PM")
    ]
    Mark.objects.bulk_create(rows)
    return run
