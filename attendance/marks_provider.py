"""The register marks behaviour asks for through pastoral.providers (it may not
import attendance): code E reconciled with its suspensions."""

from __future__ import annotations

import datetime as dt

from attendance.models import Mark


def marks_between(
    school_id: int,
    start: dt.date,
    end: dt.date,
    learner_ids: list[int] | None,
    code: str | None,
) -> list[tuple[int, dt.date, str, str]]:
    """(learner_id, date, session, code) of the school's marks in the range: one query."""
    qs = Mark.objects.filter(school_id=school_id, date__gte=start, date__lte=end)
    if learner_ids is not None:
        qs = qs.filter(learner_id__in=learner_ids)
    if code is not None:
        qs = qs.filter(code=code)
    return list(qs.order_by().values_list("learner_id", "date", "session", "code"))
