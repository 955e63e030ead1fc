"""Shared set-up for the suspension tests and their permission-matrix cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from behaviour.models import Exclusion, ExclusionNotice
from pastoral.calendar import SchoolCalendar
from pastoral.models import Learner, User


def school_day(school_id: int, after: dt.date | None = None, n: int = 1) -> dt.date:
    """The n-th school day after `after` (today by default)."""
    start = after or timezone.localdate()
    calendar = SchoolCalendar.load(school_id, start, start + dt.timedelta(days=120))
    day = calendar.add_school_days(start, n)
    assert day is not None
    return day


def exclusion(
    learner: Learner,
    by: User,
    *,
    sessions: int | None = 4,
    start: dt.date | None = None,
    kind: str = Exclusion.Kind.SUSPENSION,
    **fields: Any,
) -> Exclusion:
    """A suspension straight into the table (the service is tested on its own), with its LA notice."""
    day = start or school_day(learner.school_id)
    found = Exclusion.objects.create(
        school=learner.school,
        learner=learner,
        kind=kind,
        reason="VA",
        start_date=day,
        sessions=None if kind == Exclusion.Kind.PERMANENT else sessions,
        end_date=day,
        decided_by="Mrs Head",
        recorded_by=by,
        **fields,
    )
    ExclusionNotice.objects.create(
        school=learner.school, exclusion=found, to="la", due_on=day, why="Every suspension"
    )
    return found
