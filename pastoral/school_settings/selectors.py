"""Reads for the school settings: the administrator's (404 for everyone else)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from pastoral.access import Cap, Scope, require
from pastoral.calendar import bank_holidays
from pastoral.models import AcademicYear, BankHolidayOpening, Closure, School, Term
from pastoral.school_settings.termdates import year_of


@dataclass(frozen=True)
class ClosureRun:
    """Consecutive weekdays closed for the same reason, shown as one line."""

    closures: tuple[Closure, ...]

    @property
    def first(self) -> Closure:
        return self.closures[0]

    @property
    def start(self) -> dt.date:
        return self.closures[0].date

    @property
    def end(self) -> dt.date:
        return self.closures[-1].date

    @property
    def days(self) -> int:
        return len(self.closures)


@dataclass(frozen=True)
class BankHoliday:
    date: dt.date
    name: str
    open: bool  # marked as a school day
    reason: str


@dataclass(frozen=True)
class CalendarYear:
    year: AcademicYear | None
    name: str
    start: dt.date
    end: dt.date
    years: list[AcademicYear]
    terms: list[Term]
    closure_runs: list[ClosureRun]
    bank_holidays: list[BankHoliday]


def school_for(scope: Scope | None) -> School:
    """The person's school, fresh from the database, for its settings pages."""
    scope = require(scope, Cap.MANAGE_SETTINGS)
    return School.objects.get(pk=scope.school.pk)


def _next_weekday(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def closure_runs(closures: list[Closure]) -> list[ClosureRun]:
    runs: list[list[Closure]] = []
    for closure in sorted(closures, key=lambda c: c.date):
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and (last.kind, last.name) == (closure.kind, closure.name)
            and _next_weekday(last.date) == closure.date
        ):
            runs[-1].append(closure)
        else:
            runs.append([closure])
    return [ClosureRun(tuple(run)) for run in runs]


def calendar_year_for(scope: Scope | None, year_pk: int | None = None) -> CalendarYear:
    """One academic year's terms, closures and bank holidays (this year by default;
    the Sep-Aug year holding today when none is recorded). Four queries."""
    scope = require(scope, Cap.MANAGE_SETTINGS)
    years = list(AcademicYear.objects.filter(school=scope.school).order_by("start"))
    if year_pk is not None:
        year = next((y for y in years if y.pk == year_pk), None)
        if year is None:
            raise Http404("Not found")
    else:
        today = timezone.localdate()
        year = next((y for y in years if y.start <= today <= y.end), None)
    if year is not None:
        name, start, end = year.name, year.start, year.end
    else:
        name, start, end = year_of(timezone.localdate())
    terms = list(
        Term.objects.filter(academic_year__school=scope.school, start__lte=end, end__gte=start)
    )
    closures = list(Closure.objects.filter(school=scope.school, date__gte=start, date__lte=end))
    openings = {
        o.date: o.reason
        for o in BankHolidayOpening.objects.filter(
            school=scope.school, date__gte=start, date__lte=end
        )
    }
    holidays = [
        BankHoliday(day, label, day in openings, openings.get(day, ""))
        for day, label in bank_holidays(start, end).items()
        if day.weekday() < 5
    ]
    return CalendarYear(
        year=year,
        name=name,
        start=start,
        end=end,
        years=years,
        terms=sorted(terms, key=lambda t: t.start),
        closure_runs=closure_runs(closures),
        bank_holidays=holidays,
    )


def term_for(scope: Scope | None, pk: int) -> Term:
    scope = require(scope, Cap.MANAGE_SETTINGS)
    return get_object_or_404(
        Term.objects.filter(academic_year__school=scope.school).select_related("academic_year"),
        pk=pk,
    )


def closure_run_for(scope: Scope | None, pk: int) -> ClosureRun:
    """The run of closure days that the closure `pk` belongs to (404 outside the school)."""
    scope = require(scope, Cap.MANAGE_SETTINGS)
    closure = get_object_or_404(Closure.objects.filter(school=scope.school), pk=pk)
    around = Closure.objects.filter(
        school=scope.school,
        kind=closure.kind,
        name=closure.name,
        date__gte=closure.date - dt.timedelta(days=90),
        date__lte=closure.date + dt.timedelta(days=90),
    )
    return next(run for run in closure_runs(list(around)) if closure in run.closures)
