"""Reminders of the local-authority returns, through the notification centre's
exactly-once machinery (imported by attendance.reminders, which the registry
autodiscovers). Titles carry a reference, never anything about the learner.

- `attendance.la_absence_due`: a learner's run of consecutive unauthorised
  absence has reached the school's threshold and the LA has not been told: the
  heads of the learner's year hear once per run (its first day is the key).
- `attendance.roll_change_due`: a roll change whose LA notification is
  outstanding, from 2 school days before its deadline and while overdue: the
  person who recorded it hears once per change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from attendance.models import RollChange
from attendance.selectors.la_returns import school_absence_runs
from pastoral.access import Cap, Scope, learner_filter
from pastoral.models import School
from pastoral.notifications.finders import NOTICE_LOOKAHEAD, heads_of_year_by_year, in_notice
from pastoral.notifications.registry import Due, ReminderKind, register_kind, register_scoped

ROLL_CHANGE_NOTICE_SCHOOL_DAYS = 2


def la_absence_due(school: School, today: dt.date) -> Iterator[Due]:
    """Runs not yet notified: the heads of the learner's year, once per run.
    The runs' five queries and the heads of year (one), whatever the number."""
    runs = school_absence_runs(school, today=today)
    if not runs:
        return
    heads = heads_of_year_by_year(school)
    for run in runs:
        for user_id in heads.get(run.learner.year_group_id, []):
            yield Due(
                recipient_id=user_id,
                object_type="pastoral.learner",
                object_id=run.learner.pk,
                due_date=run.start,
                title=f"Tell the local authority: {run.days} school days of unauthorised "
                f"absence (ref L-{run.learner.pk})",
                url=reverse(
                    "attendance:la-absence-notify",
                    kwargs={"pk": run.learner.pk, "start": run.start.isoformat()},
                ),
            )


def roll_changes_due(school: School, today: dt.date) -> Iterator[Due]:
    """Roll changes the LA has not been told of, near or past their deadline. One query,
    plus the calendar when a deadline is upcoming."""
    rows = RollChange.objects.filter(
        school=school,
        la_notified_on__isnull=True,
        due_by__lte=today + NOTICE_LOOKAHEAD,
        created_by__is_active=True,
    ).values_list("pk", "created_by_id", "due_by")
    for pk, user_id, due_by in in_notice(
        school,
        today,
        rows,
        due_of=lambda row: row[2],
        notice_school_days=ROLL_CHANGE_NOTICE_SCHOOL_DAYS,
        include_past=True,
    ):
        yield Due(
            recipient_id=user_id,
            object_type="attendance.roll_change",
            object_id=pk,
            due_date=due_by,
            title=f"Tell the local authority of a roll change by {due_by:%-d %b} (RC-{pk})",
            url=reverse("attendance:roll-change-detail", kwargs={"pk": pk}),
        )


register_kind(
    ReminderKind(
        "attendance.la_absence_due",
        "A learner's unauthorised absence to notify to the local authority (heads of year)",
        la_absence_due,
    )
)
register_kind(
    ReminderKind(
        "attendance.roll_change_due",
        "A roll change to notify to the local authority (who recorded it)",
        roll_changes_due,
    )
)


def _scoped_roll_changes(scope: Scope) -> Any:
    return RollChange.objects.filter(school=scope.school).filter(
        learner_filter(scope, Cap.RECORD_CONTACTS, prefix="learner__")
    )


register_scoped("attendance.roll_change", _scoped_roll_changes)
