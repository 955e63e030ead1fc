"""Half terms from the school's calendar (pastoral.calendar's data).

A term is split into half terms by its holiday closures (the "Autumn half
term" week the term-dates page or import records as Holiday closures): the
first half runs from the term's first day to the day before the holiday, the
second from the day after it to the term's last day. A term with no holiday
inside is one half term. Two queries for any range.
"""

from __future__ import annotations

import datetime as dt

from pastoral.models import Closure, School, Term

_ONE_DAY = dt.timedelta(days=1)
# A school that has not recorded its terms still reviews placements: every six weeks
# from the placement's first day (a half term's usual length).
FALLBACK_WEEKS = 6
# Further than this past the last recorded half term, the calendar is not entered yet.
_REACH = dt.timedelta(days=60)


def half_terms(school: School | int, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The half terms overlapping start..end, in order: (first day, last day)."""
    school_id = school if isinstance(school, int) else school.pk
    terms = list(
        Term.objects.filter(academic_year__school_id=school_id, start__lte=end, end__gte=start)
        .order_by("start")
        .values_list("start", "end")
    )
    if not terms:
        return []
    holidays = sorted(
        Closure.objects.filter(
            school_id=school_id,
            kind=Closure.Kind.HOLIDAY,
            date__gte=terms[0][0],
            date__lte=terms[-1][1],
        ).values_list("date", flat=True)
    )
    result: list[tuple[dt.date, dt.date]] = []
    for term_start, term_end in terms:
        inside = [d for d in holidays if term_start <= d <= term_end]
        current = term_start
        for first, last in _runs(inside):
            if first > current:
                result.append((current, first - _ONE_DAY))
            current = last + _ONE_DAY
        if current <= term_end:
            result.append((current, term_end))
    return [(a, b) for a, b in result if b >= start and a <= end]


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive closed days (a weekend inside a holiday does not break it)."""
    runs: list[list[dt.date]] = []
    for day in days:
        if runs and (day - runs[-1][1]).days <= 3:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(a, b) for a, b in runs]


def review_period(
    periods: list[tuple[dt.date, dt.date]], placement_start: dt.date, today: dt.date
) -> tuple[dt.date, dt.date]:
    """The half term a placement's review is due in now: the latest one that has
    begun (in a holiday, the one just ended). Without a recorded calendar, the
    current six-week block from the placement's first day."""
    begun = [p for p in periods if p[0] <= today]
    if begun and today - begun[-1][1] <= _REACH:
        return begun[-1]
    block = dt.timedelta(weeks=FALLBACK_WEEKS)
    n = max(0, (today - placement_start).days // block.days)
    first = placement_start + n * block
    return first, first + block - _ONE_DAY
