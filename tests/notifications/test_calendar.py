"""The school calendar: weekends, INSET days, half terms and holidays are not school days."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pastoral.calendar import (
    SchoolCalendar,
    add_school_days,
    is_school_day,
    school_days_between,
)
from pastoral.models import AcademicYear, Closure, School, Term
from tests.factories import SchoolFactory

D = dt.date


@pytest.fixture
def school(db: Any) -> School:
    """Autumn term 2026 (Thu 3 Sep – Fri 18 Dec), INSET on 3 Sep, half term 26–30 Oct;
    spring term from Tue 5 Jan 2027."""
    school = SchoolFactory()
    year = AcademicYear.objects.create(
        school=school, name="2026/27", start=D(2026, 9, 1), end=D(2027, 8, 31)
    )
    Term.objects.create(academic_year=year, name="Autumn", start=D(2026, 9, 3), end=D(2026, 12, 18))
    Term.objects.create(academic_year=year, name="Spring", start=D(2027, 1, 5), end=D(2027, 3, 26))
    Closure.objects.create(school=school, date=D(2026, 9, 3), kind=Closure.Kind.INSET)
    for day in range(26, 31):
        Closure.objects.create(school=school, date=D(2026, 10, day), kind=Closure.Kind.HOLIDAY)
    return school


def test_it_counts_a_term_weekday_as_a_school_day(school: School) -> None:
    assert is_school_day(school, D(2026, 9, 4))  # Friday, second day of term


def test_it_skips_weekends(school: School) -> None:
    assert not is_school_day(school, D(2026, 9, 5))
    assert not is_school_day(school, D(2026, 9, 6))


def test_it_skips_inset_days(school: School) -> None:
    assert not is_school_day(school, D(2026, 9, 3))


def test_it_skips_half_term_and_the_holiday_between_terms(school: School) -> None:
    assert not is_school_day(school, D(2026, 10, 28))
    assert not is_school_day(school, D(2026, 12, 23))  # Christmas holidays
    assert not is_school_day(school, D(2026, 8, 20))  # summer, before the autumn term


def test_it_adds_school_days_across_a_weekend(school: School) -> None:
    # Thursday 17 Sep + 2 school days = Monday 21 Sep.
    assert add_school_days(school, D(2026, 9, 17), 2) == D(2026, 9, 21)


def test_it_adds_school_days_across_half_term(school: School) -> None:
    # Friday 23 Oct + 1 school day skips the half-term week: Monday 2 Nov.
    assert add_school_days(school, D(2026, 10, 23), 1) == D(2026, 11, 2)


def test_it_adds_five_school_days_from_the_inset_day(school: School) -> None:
    # Sent on the INSET day (Thu 3 Sep): Fri 4, Mon 7 .. Thu 10 are the five.
    assert add_school_days(school, D(2026, 9, 3), 5) == D(2026, 9, 10)


def test_it_subtracts_school_days(school: School) -> None:
    assert add_school_days(school, D(2026, 11, 2), -1) == D(2026, 10, 23)


def test_it_adds_across_the_christmas_holidays(school: School) -> None:
    assert add_school_days(school, D(2026, 12, 18), 1) == D(2027, 1, 5)


def test_it_counts_school_days_between_two_dates(school: School) -> None:
    # After Fri 23 Oct up to Fri 6 Nov: half term is skipped, Mon 2 – Fri 6 Nov count.
    assert school_days_between(school, D(2026, 10, 23), D(2026, 11, 6)) == 5
    assert school_days_between(school, D(2026, 11, 6), D(2026, 10, 23)) == -5
    assert school_days_between(school, D(2026, 11, 6), D(2026, 11, 6)) == 0


def test_between_and_add_agree(school: School) -> None:
    start = D(2026, 9, 1)
    for n in (1, 5, 20, 60, 90):
        assert school_days_between(school, start, add_school_days(school, start, n)) == n


def test_a_school_without_a_calendar_counts_weekdays(db: Any) -> None:
    school = SchoolFactory()
    Closure.objects.create(school=school, date=D(2026, 5, 4), kind=Closure.Kind.BANK_HOLIDAY)
    assert is_school_day(school, D(2026, 5, 5))
    assert not is_school_day(school, D(2026, 5, 4))
    assert add_school_days(school, D(2026, 5, 1), 1) == D(2026, 5, 5)


def test_dates_long_after_the_last_recorded_term_count_weekdays(school: School) -> None:
    # Nothing recorded after March 2027: by June the calendar no longer governs.
    assert is_school_day(school, D(2027, 6, 7))


def test_each_call_costs_one_query(school: School, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        school_days_between(school, D(2026, 9, 1), D(2027, 3, 1))
    with django_assert_num_queries(1):
        add_school_days(school, D(2026, 9, 1), 60)
    with django_assert_num_queries(1):
        calendar = SchoolCalendar.load(school, D(2026, 9, 1), D(2026, 12, 31))
    with django_assert_num_queries(0):
        assert len(calendar.school_days(D(2026, 9, 1), D(2026, 12, 31))) == 71
