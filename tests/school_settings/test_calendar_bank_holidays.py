"""School days honour the bank holidays of England and Wales and the school's overrides."""

from __future__ import annotations

import datetime as dt

from pastoral.calendar import add_school_days, bank_holidays, is_school_day, school_days_between
from pastoral.models import BankHolidayOpening

D = dt.date


def test_the_bank_holidays_are_those_of_england_and_wales() -> None:
    found = bank_holidays(D(2027, 1, 1), D(2027, 12, 31))
    assert found[D(2027, 3, 29)] == "Easter Monday"
    assert D(2027, 5, 3) in found and D(2027, 8, 30) in found
    assert D(2027, 3, 17) not in found  # St Patrick's Day: Northern Ireland only
    assert D(2027, 8, 2) not in found  # Scotland's summer bank holiday


def test_a_bank_holiday_is_not_a_school_day_unless_the_school_opens(
    world, django_assert_num_queries
) -> None:
    may_day, friday = D(2027, 5, 3), D(2027, 4, 30)
    with django_assert_num_queries(1):
        assert not is_school_day(world.school, may_day)
    assert add_school_days(world.school, friday, 1) == D(2027, 5, 4)
    assert school_days_between(world.school, friday, D(2027, 5, 7)) == 4
    BankHolidayOpening.objects.create(school=world.school, date=may_day, reason="Exams")
    with django_assert_num_queries(1):
        assert is_school_day(world.school, may_day)
    assert add_school_days(world.school, friday, 1) == may_day
    assert not is_school_day(world.other_school, may_day)
