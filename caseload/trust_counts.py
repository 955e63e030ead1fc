"""The caseload figure of the trust dashboard: active plans whose review date
has passed (as caseload/reminders.py counts them overdue), in one query."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count

from caseload.models import Plan


def caseload_counts(school_ids: list[int], today: dt.date) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {pk: {"plan_reviews_overdue": 0} for pk in school_ids}
    for row in (
        Plan.objects.filter(
            school_id__in=school_ids, status=Plan.Status.ACTIVE, next_review__lt=today
        )
        .values("school_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        out[row["school_id"]]["plan_reviews_overdue"] = row["n"]
    return out
