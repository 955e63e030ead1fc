"""What the trust dashboard's figures mean, written once for every provider
and for the bench's raw-SQL floor.

- An open concern is one not closed (not yet triaged, or open).
- Its age is today minus the (local) day it was submitted, in whole days:
  0–7, 8–30, over 30.
- The trend counts concerns submitted in each of the last 12 calendar months
  (this month included).
- Attendance runs over the trust year to date: 1 September of the current
  academic year to today, for every school alike. A learner counts when they
  have at least one possible session in that range; persistent absence (PA)
  is 10% or more of possible sessions missed, severe absence (SA) 50% or
  more (attendance.formula).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

AGE_BANDS: tuple[tuple[str, str], ...] = (
    ("days_0_7", "0–7 days"),
    ("days_8_30", "8–30 days"),
    ("days_over_30", "over 30 days"),
)
TREND_MONTHS = 12


def midnight(day: dt.date) -> dt.datetime:
    """The start of a local day, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def band_limits(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Submitted at or after the first: 0–7 days old; at or after the second
    (and before the first): 8–30 days; before the second: over 30."""
    return midnight(today - dt.timedelta(days=7)), midnight(today - dt.timedelta(days=30))


def months(today: dt.date, count: int = TREND_MONTHS) -> list[dt.date]:
    """The first day of each of the last `count` months, oldest first."""
    firsts = []
    year, month = today.year, today.month
    for _ in range(count):
        firsts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def month_key(day: dt.date | dt.datetime) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def attendance_range(today: dt.date) -> tuple[dt.date, dt.date]:
    start_year = today.year if today.month >= 9 else today.year - 1
    return dt.date(start_year, 9, 1), today
