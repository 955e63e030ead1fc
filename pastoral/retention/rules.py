"""Retention rules: a record type's default, the school's override, and the
date a learner's records of that type fall due for review."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from pastoral.models import Learner, RetentionRule, School
from pastoral.retention.registry import BASIS_LABELS, Basis, Holding, RecordType


def add_years(day: dt.date, years: int) -> dt.date:
    """The same date `years` later, or earlier when negative (29 Feb becomes
    28 Feb in a common year)."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


@dataclass(frozen=True)
class Rule:
    record_type: RecordType
    years: int
    overridden: bool
    reason: str = ""

    @property
    def basis(self) -> Basis:
        return self.record_type.basis

    @property
    def text(self) -> str:
        """'Date of birth + 25 years'."""
        return f"{BASIS_LABELS[self.basis].capitalize()} + {self.years} years"

    @property
    def source(self) -> str:
        if self.overridden:
            return f"School's own rule: {self.reason}"
        if self.record_type.default_years is None:
            return "School setting (Retention of records)"
        return self.record_type.source


def rules_for(school: School, types: list[RecordType]) -> dict[str, Rule]:
    """Each type's rule in force at the school (one query for the overrides)."""
    overrides = {
        r.record_type: r
        for r in RetentionRule.objects.filter(school=school, record_type__in=[t.key for t in types])
    }
    rules = {}
    for t in types:
        override = overrides.get(t.key)
        if override is not None:
            rules[t.key] = Rule(t, override.years, True, override.reason)
        else:
            years = (
                t.default_years if t.default_years is not None else school.pastoral_retention_years
            )
            rules[t.key] = Rule(t, years, False)
    return rules


def basis_date(rule: Rule, learner: Learner, holding: Holding) -> dt.date | None:
    """The date the rule runs from; None when it has not started (still on roll)."""
    if rule.basis == Basis.BIRTH:
        return learner.date_of_birth
    if rule.basis == Basis.LEFT:
        return learner.on_roll_until
    return holding.last_on


def due_on(rule: Rule, learner: Learner, holding: Holding) -> tuple[dt.date, dt.date] | None:
    """(basis date, due date), or None when nothing is due yet at any date."""
    start = basis_date(rule, learner, holding)
    if start is None:
        return None
    return start, add_years(start, rule.years)
