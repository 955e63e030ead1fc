"""The school calendar: which dates are school days.

A school day is a weekday inside one of the school's terms that is not a
closure (INSET day, half-term or other holiday) and not a bank holiday of
England and Wales (from the `holidays` package), unless the school has marked
that bank holiday as a school day (BankHolidayOpening). Holidays between terms
are simply the gaps between terms.

A school that has not recorded its terms around a date (a new school, or next
year's terms not entered yet) must still get its reminders: a date further
than HOLIDAY_REACH from every recorded term is not governed by the calendar,
and there every weekday that is not a closure counts as a school day. No
school holiday is longer than that reach, so real holidays are never mistaken
for an unrecorded calendar.

Each public function costs one query for the whole range it looks at (terms
and closures come back together in one UNION). Code that needs many answers
for one school (a reminder finder looping over plans) loads a
`SchoolCalendar` once and asks it.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import holidays
from django.db.models import CharField, F, Value

from pastoral.models import BankHolidayOpening, Closure, School, Term

HOLIDAY_REACH = dt.timedelta(days=60)
_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class SchoolCalendar:
    """The school days of one school between `start` and `end` (inclusive)."""

    start: dt.date
    end: dt.date
    terms: tuple[tuple[dt.date, dt.date], ...]
    closures: frozenset[dt.date]
    # Bank holidays the school has marked as school days.
    openings: frozenset[dt.date] = frozenset()

    @classmethod
    def load(cls, school: School | int, start: dt.date, end: dt.date) -> SchoolCalendar:
        """One query: the terms that can govern the range, the closures and the
        bank-holiday openings in it."""
        school_id = school if isinstance(school, int) else school.pk
        if end < start:
            start, end = end, start
        terms = (
            Term.objects.filter(
                academic_year__school_id=school_id,
                start__lte=end + HOLIDAY_REACH,
                end__gte=start - HOLIDAY_REACH,
            )
            .order_by()
            .values_list("start", "end", Value("term", output_field=CharField()))
        )
        closures = (
            Closure.objects.filter(school_id=school_id, date__gte=start, date__lte=end)
            .order_by()
            .values_list("date", F("date"), Value("closure", output_field=CharField()))
        )
        openings = (
            BankHolidayOpening.objects.filter(school_id=school_id, date__gte=start, date__lte=end)
            .order_by()
            .values_list("date", F("date"), Value("open", output_field=CharField()))
        )
        rows = list(terms.union(closures, openings, all=True))
        return cls(
            start=start,
            end=end,
            terms=tuple(
                sorted((_as_date(a), _as_date(b)) for a, b, what in rows if what == "term")
            ),
            closures=frozenset(_as_date(a) for a, _b, what in rows if what == "closure"),
            openings=frozenset(_as_date(a) for a, _b, what in rows if what == "open"),
        )

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def is_school_day(self, day: dt.date) -> bool:
        if not self.covers(day):
            raise ValueError(f"{day} is outside the loaded range {self.start} to {self.end}")
        if day.weekday() >= 5 or day in self.closures:
            return False
        if day not in self.openings and is_bank_holiday(day):
            return False
        governed = False
        for start, end in self.terms:
            if start <= day <= end:
                return True
            if start - HOLIDAY_REACH <= day <= end + HOLIDAY_REACH:
                governed = True
        # Between terms is a holiday; far from any recorded term, weekdays count.
        return not governed

    def school_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """The school days d with start <= d <= end."""
        days = []
        day = start
        while day <= end:
            if self.is_school_day(day):
                days.append(day)
            day += _ONE_DAY
        return days

    def add_school_days(self, day: dt.date, n: int) -> dt.date | None:
        """The date n school days after `day` (before it for negative n; `day`
        itself is not counted), or None if it lies outside the loaded range."""
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        remaining = abs(n)
        current = day
        while remaining:
            current += step
            if not self.covers(current):
                return None
            if self.is_school_day(current):
                remaining -= 1
        return current


@functools.lru_cache(maxsize=64)
def _bank_holidays_of(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year).items())


def bank_holidays(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """The bank holidays of England and Wales from `start` to `end` (inclusive),
    date -> name, in date order (no query: the `holidays` package knows them)."""
    found: dict[dt.date, str] = {}
    for year in range(start.year, end.year + 1):
        found.update(
            (day, name) for day, name in _bank_holidays_of(year).items() if start <= day <= end
        )
    return dict(sorted(found.items()))


def is_bank_holiday(day: dt.date) -> bool:
    return day in _bank_holidays_of(day.year)


def _as_date(value: dt.date | str) -> dt.date:
    # Some backends hand back UNION columns without the date converter.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def is_school_day(school: School | int, day: dt.date) -> bool:
    """Whether `day` is a school day at the school (one query)."""
    return SchoolCalendar.load(school, day, day).is_school_day(day)


def school_days_between(school: School | int, start: dt.date, end: dt.date) -> int:
    """How many school days fall after `start`, up to and including `end` (one query).

    Negative when `end` is before `start`, so that
    school_days_between(s, d, add_school_days(s, d, n)) == n.
    """
    if end == start:
        return 0
    lo, hi = (start, end) if start < end else (end, start)
    count = len(SchoolCalendar.load(school, lo, hi).school_days(lo + _ONE_DAY, hi))
    return count if end > start else -count


def add_school_days(school: School | int, day: dt.date, n: int) -> dt.date:
    """The date n school days after `day` (before it when n < 0; `day` not counted).

    One query: the range loaded allows for weekends and the longest holiday.
    Only an n in the hundreds (across several holidays) may need a wider range,
    loaded in a second query.
    """
    span = dt.timedelta(days=abs(n) * 2 + 70)
    while True:
        lo, hi = (day, day + span) if n >= 0 else (day - span, day)
        answer = SchoolCalendar.load(school, lo, hi).add_school_days(day, n)
        if answer is not None:
            return answer
        span *= 2
