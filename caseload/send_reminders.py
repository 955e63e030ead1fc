"""SEND reminders: the next step of each EHC plan's annual review (the review
to arrange, advice to request, the report to send, the local authority's
decision to chase), coming up and overdue. The SENCO hears, once per record,
step and due date, through the exactly-once reminder machinery
(pastoral/notifications): the idempotency key carries the kind, the record,
the recipient and the due date, so each step is a new reminder and none repeats.

Titles carry a reference (SEN-12), never anything about the learner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from caseload.models.send import SenRecord
from pastoral.access import Cap, Scope, learner_filter
from pastoral.models import Role, School
from pastoral.notifications.finders import NOTICE_LOOKAHEAD, in_notice, overdue, role_holder_ids
from pastoral.notifications.registry import Due, ReminderKind, register_kind, register_scoped

# The SENCO hears this many school days before a step is due.
SEND_NOTICE_SCHOOL_DAYS = 10

Row = tuple[int, int, str, dt.date]


def _open(school: School, **dates: Any) -> list[Row]:
    return list(
        SenRecord.objects.filter(
            school=school, status=SenRecord.Status.EHCP, next_due__isnull=False, **dates
        ).values_list("pk", "learner_id", "next_step", "next_due")
    )


def _due(row: Row) -> dt.date:
    return row[3]


def _url(row: Row) -> str:
    return reverse("caseload:sen-record", kwargs={"pk": row[1]})


def send_steps_due(school: School, today: dt.date) -> Iterator[Due]:
    """The next step of an EHC plan's review within the notice period: the SENCO hears."""
    rows = in_notice(
        school,
        today,
        _open(school, next_due__gte=today, next_due__lte=today + NOTICE_LOOKAHEAD),
        due_of=_due,
        notice_school_days=SEND_NOTICE_SCHOOL_DAYS,
    )
    if not rows:
        return
    for user_id in role_holder_ids(school, Role.SENCO):
        for row in rows:
            yield Due(
                recipient_id=user_id,
                object_type="caseload.senrecord",
                object_id=row[0],
                due_date=row[3],
                title=f"{row[2]}: due {row[3]:%-d %b} (SEN-{row[0]})",
                url=_url(row),
            )


def send_steps_overdue(school: School, today: dt.date) -> Iterator[Due]:
    """The next step of an EHC plan's review past its date: the SENCO hears once."""
    rows = overdue(today, _open(school, next_due__lt=today), due_of=_due)
    if not rows:
        return
    for user_id in role_holder_ids(school, Role.SENCO):
        for row in rows:
            yield Due(
                recipient_id=user_id,
                object_type="caseload.senrecord",
                object_id=row[0],
                due_date=row[3],
                title=f"{row[2]}: overdue since {row[3]:%-d %b} (SEN-{row[0]})",
                url=_url(row),
            )


def _scoped_records(scope: Scope) -> Any:
    return SenRecord.objects.filter(school=scope.school).filter(
        learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__")
    )


register_kind(
    ReminderKind(
        "caseload.send_step_due", "An EHCP annual review step coming up (SENCO)", send_steps_due
    )
)
register_kind(
    ReminderKind(
        "caseload.send_step_overdue",
        "An EHCP annual review step overdue (SENCO)",
        send_steps_overdue,
    )
)
register_scoped("caseload.senrecord", _scoped_records)
