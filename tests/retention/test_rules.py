"""Retention rules compute due dates from the right date, with school overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pastoral.models import RetentionRule
from pastoral.retention import registry
from pastoral.retention.registry import Holding
from pastoral.retention.rules import add_years, due_on, rules_for


def _types() -> list[registry.RecordType]:
    return [registry.record_type(k) for k in ("cp-file", "sen", "attendance", "behaviour")]  # type: ignore[misc]


def test_every_app_registers_its_record_type_with_its_default_rule(world: Any) -> None:
    rules = rules_for(world.school, [*_types(), registry.record_type("pastoral")])  # type: ignore[list-item]
    assert rules["cp-file"].text == "Date of birth + 25 years"
    assert rules["sen"].text == "Date of birth + 31 years"
    assert rules["attendance"].text == "Date of the last entry + 6 years"
    # Behaviour and general pastoral: the school's setting, from the date the learner left.
    assert rules["behaviour"].text == "Date the learner left + 6 years"
    assert rules["pastoral"].years == world.school.pastoral_retention_years


def test_due_dates_are_computed_from_birth_leaving_or_last_entry(world: Any) -> None:
    learner = world.learner9
    learner.date_of_birth = dt.date(2004, 2, 29)
    learner.on_roll_until = dt.date(2021, 7, 20)
    rules = rules_for(world.school, _types())
    assert due_on(rules["cp-file"], learner, Holding(3)) == (
        dt.date(2004, 2, 29),
        dt.date(2029, 2, 28),
    )
    assert due_on(rules["sen"], learner, Holding(1))[1] == dt.date(2035, 2, 28)  # type: ignore[index]
    last = Holding(300, dt.date(2020, 7, 17))
    assert due_on(rules["attendance"], learner, last)[1] == dt.date(2026, 7, 17)  # type: ignore[index]
    assert due_on(rules["behaviour"], learner, Holding(4))[1] == dt.date(2027, 7, 20)  # type: ignore[index]
    learner.on_roll_until = None
    assert due_on(rules["behaviour"], learner, Holding(4)) is None  # still on roll: not started


def test_a_school_setting_and_a_school_override_change_the_rule(world: Any) -> None:
    world.school.pastoral_retention_years = 10
    RetentionRule.objects.create(
        school=world.school,
        record_type="sen",
        years=35,
        reason="Local authority asks for longer",
        updated_by=world.user("admin"),
    )
    rules = rules_for(world.school, _types())
    assert rules["behaviour"].years == 10
    assert rules["sen"].years == 35 and rules["sen"].overridden
    assert "Local authority asks for longer" in rules["sen"].source
    # Another school keeps the default.
    assert rules_for(world.other_school, _types())["sen"].years == 31


def test_add_years_keeps_the_day_or_the_end_of_february() -> None:
    assert add_years(dt.date(2000, 3, 4), 25) == dt.date(2025, 3, 4)
    assert add_years(dt.date(2000, 2, 29), 1) == dt.date(2001, 2, 28)
