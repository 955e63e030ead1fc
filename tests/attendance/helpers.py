"""Helpers for attendance tests: marks by the dozen, a school calendar."""

from __future__ import annotations

import datetime as dt

from attendance.models import Mark
from pastoral.models import AcademicYear, Learner, School, Term

MONDAY = dt.date(2025, 11, 3)  # a Monday inside the 2025/26 test calendar


def calendar(school: School) -> AcademicYear:
    ay, _ = AcademicYear.objects.get_or_create(
        school=school,
        name="2025/26",
        defaults={"start": dt.date(2025, 9, 1), "end": dt.date(2026, 8, 31)},
    )
    Term.objects.get_or_create(
        academic_year=ay, name="Autumn 2025", start=dt.date(2025, 9, 3), end=dt.date(2025, 12, 19)
    )
    Term.objects.get_or_create(
        academic_year=ay, name="Spring 2026", start=dt.date(2026, 1, 5), end=dt.date(2026, 3, 27)
    )
    return ay


def marks(learner: Learner, codes: str | list[str], start: dt.date = MONDAY) -> list[Mark]:
    """One mark per session from `start`, AM then PM, skipping weekends.

    `codes` is a list of codes, or a string of one-character codes.
    """
    sequence = list(codes)
    rows = []
    day = start
    while sequence:
        if day.weekday() < 5:
            for session in ("AM", "PM"):
                if not sequence:
                    break
                rows.append(
                    Mark(
                        school_id=learner.school_id,
                        learner=learner,
                        date=day,
                        session=session,
                        code=sequence.pop(0),
                    )
                )
        day += dt.timedelta(days=1)
    return Mark.objects.bulk_create(rows)
