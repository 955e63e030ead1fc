"""Child-protection file transfers not confirmed as received within five school
days of sending (KCSIE): the sender and the school's DSLs hear, once per
transfer. Registered with the reminder registry when Django starts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from pastoral.access import Cap, Scope
from pastoral.calendar import SchoolCalendar
from pastoral.models import Role, School
from pastoral.notifications.finders import as_date, role_holder_ids, unique
from pastoral.notifications.registry import Due, ReminderKind, register_kind, register_scoped
from pastoral.reports.models import CPFileTransfer

CONFIRM_WITHIN_SCHOOL_DAYS = 5


def cp_transfers_unconfirmed(school: School, today: dt.date) -> Iterator[Due]:
    transfers = [
        (pk, sent_by, as_date(sent_at))
        for pk, sent_by, sent_at in CPFileTransfer.objects.filter(
            school=school, receipt_confirmed_at__isnull=True
        ).values_list("pk", "sent_by_id", "sent_at")
    ]
    if not transfers:
        return
    earliest = min(sent for _, _, sent in transfers)
    # One calendar for every transfer: from the oldest sending to well past today.
    calendar = SchoolCalendar.load(school, earliest, today + dt.timedelta(days=60))
    dsls = role_holder_ids(school, Role.DSL, Role.DEPUTY_DSL)
    for pk, sent_by, sent in transfers:
        deadline = calendar.add_school_days(sent, CONFIRM_WITHIN_SCHOOL_DAYS)
        if deadline is None or deadline > today:
            continue
        for user_id in unique([sent_by, *dsls]):
            yield Due(
                recipient_id=user_id,
                object_type="reports.cpfiletransfer",
                object_id=pk,
                due_date=deadline,
                title=f"CP file transfer X-{pk}: receipt not confirmed after 5 school days",
                url=reverse("reports:cp-transfer-receipt", kwargs={"pk": pk}),
            )


register_kind(
    ReminderKind(
        "reports.cp_transfer_unconfirmed",
        "A CP file transfer not confirmed as received",
        cp_transfers_unconfirmed,
    )
)


def _scoped_transfers(scope: Scope) -> Any:
    if not scope.can(Cap.EXPORT_CP_FILE):
        return CPFileTransfer.objects.none()
    return CPFileTransfer.objects.filter(school=scope.school)


register_scoped("reports.cpfiletransfer", _scoped_transfers)
