"""Builders for SEND rows in tests (through the models; the services are
exercised by tests/caseload/test_send.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from caseload.models.sar import add_months
from caseload.models.send import STEP_OFFSETS, EhcpReview, ReviewStep, SenRecord


def make_sen_record(
    learner: Any, *, status: str = SenRecord.Status.EHCP, issued_days_ago: int = 300
) -> SenRecord:
    issued = timezone.localdate() - dt.timedelta(days=issued_days_ago)
    return SenRecord.objects.create(
        school=learner.school,
        learner=learner,
        status=status,
        primary_need="ASD",
        provision="Small-group literacy, 3 times a week",
        outcomes="Reads at age-related expectations by July",
        ehcp_issued_on=issued if status == SenRecord.Status.EHCP else None,
        next_step="Annual review due" if status == SenRecord.Status.EHCP else "",
        next_due=add_months(issued, 12) if status == SenRecord.Status.EHCP else None,
    )


def make_review(record: SenRecord, *, meeting_in_days: int = 30) -> EhcpReview:
    meeting = timezone.localdate() + dt.timedelta(days=meeting_in_days)
    review = EhcpReview.objects.create(
        record=record, meeting_on=meeting, due_by=add_months(record.ehcp_issued_on, 12)
    )
    for i, (kind, offset) in enumerate(STEP_OFFSETS):
        ReviewStep.objects.create(
            review=review, kind=kind, order=i, due_on=meeting + dt.timedelta(days=offset)
        )
    return review
