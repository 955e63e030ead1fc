"""Every write of the school settings: the administrator's, audited in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from pastoral import audit
from pastoral.access import Cap, Scope, require
from pastoral.calendar import bank_holidays
from pastoral.models import AcademicYear, BankHolidayOpening, Closure, School, Term
from pastoral.school_settings.termdates import TERM, weekdays, year_of

# The School fields each settings page may change.
SECTIONS: dict[str, tuple[str, ...]] = {
    "details": ("name", "la_code", "phase", "headteacher", "address", "phone", "email"),
    "sessions": (
        "am_session_start",
        "am_register_closes",
        "pm_session_start",
        "pm_register_closes",
    ),
    "reminders": ("triage_limit_hours", "rising_concern_count", "rising_concern_days"),
    "retention": ("pastoral_retention_years",),
}


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


@transaction.atomic
def school_settings_update(*, scope: Scope, section: str, data: Mapping[str, Any]) -> School:
    """Change one settings page's fields of the person's school; the change is audited."""
    scope = require(scope, Cap.MANAGE_SETTINGS)
    fields = SECTIONS[section]
    school = School.objects.select_for_update().get(pk=scope.school.pk)
    before = {name: getattr(school, name) for name in fields}
    for name in fields:
        setattr(school, name, data[name])
    if section == "sessions":
        times = [data[name] for name in fields]
        if not all(a < b for a, b in zip(times, times[1:], strict=False)):
            raise ValidationError(
                {
                    "__all__": "The times must run in order: morning start, morning register "
                    "closes, afternoon start, afternoon register closes."
                }
            )
    school.full_clean()
    school.save(update_fields=list(fields))
    after = {name: getattr(school, name) for name in fields}
    changes = audit.diff(before, after)
    if changes:
        audit.record(
            f"pastoral.school.{section}_updated",
            actor=scope.user,
            school=school,
            obj=school,
            changes=changes,
        )
    return school


# --- terms ----------------------------------------------------------------------


def _year_for(scope: Scope, start: dt.date, end: dt.date) -> AcademicYear:
    """The school's academic year holding the dates (created, Sep-Aug, if new)."""
    year = AcademicYear.objects.filter(
        school=scope.school, start__lte=start, end__gte=start
    ).first()
    if year is None:
        name, first, last = year_of(start)
        year = AcademicYear.objects.filter(school=scope.school, name=name).first()
        if year is None:
            year = AcademicYear(school=scope.school, name=name, start=first, end=last)
            year.full_clean()
            year.save()
            audit.record(
                "pastoral.academic_year.created",
                actor=scope.user,
                school=scope.school,
                obj=year,
                changes={"name": name, "start": first, "end": last},
            )
    if not year.start <= end <= year.end:
        raise ValidationError(
            {
                "end": f"{_d(end)} is outside the academic year {year.name} "
                f"({_d(year.start)} to {_d(year.end)})."
            }
        )
    return year


def _check_overlap(scope: Scope, start: dt.date, end: dt.date, exclude: int | None) -> None:
    other = (
        Term.objects.filter(academic_year__school=scope.school, start__lte=end, end__gte=start)
        .exclude(pk=exclude)
        .first()
    )
    if other is not None:
        raise ValidationError(
            {"start": f"This term overlaps {other.name} ({_d(other.start)} to {_d(other.end)})."}
        )


@transaction.atomic
def term_create(*, scope: Scope, name: str, start: dt.date, end: dt.date) -> Term:
    """Record a term; its academic year is the one holding its dates."""
    scope = require(scope, Cap.MANAGE_SETTINGS)
    if end < start:
        raise ValidationError({"end": "The term ends before it starts."})
    _check_overlap(scope, start, end, None)
    year = _year_for(scope, start, end)
    term = Term(academic_year=year, name=name.strip(), start=start, end=end)
    term.full_clean()
    term.save()
    audit.record(
        "pastoral.term.created",
        actor=scope.user,
        school=scope.school,
        obj=term,
        changes={"name": term.name, "start": start, "end": end, "academic_year": year.name},
    )
    return term


@transaction.atomic
def term_update(*, scope: Scope, term: Term, name: str, start: dt.date, end: dt.date) -> Term:
    scope = require(scope, Cap.MANAGE_SETTINGS)
    if end < start:
        raise ValidationError({"end": "The term ends before it starts."})
    _check_overlap(scope, start, end, term.pk)
    year = _year_for(scope, start, end)
    before = {"name": term.name, "start": term.start, "end": term.end}
    term.academic_year, term.name, term.start, term.end = year, name.strip(), start, end
    term.full_clean()
    term.save()
    changes = audit.diff(before, {"name": term.name, "start": start, "end": end})
    if changes:
        audit.record(
            "pastoral.term.updated",
            actor=scope.user,
            school=scope.school,
            obj=term,
            changes=changes,
        )
    return term


@transaction.atomic
def term_delete(*, scope: Scope, term: Term) -> None:
    scope = require(scope, Cap.MANAGE_SETTINGS)
    audit.record(
        "pastoral.term.deleted",
        actor=scope.user,
        school=scope.school,
        obj=term,
        changes={"name": term.name, "start": term.start, "end": term.end},
    )
    term.delete()


# --- closures and bank holidays ---------------------------------------------------


@transaction.atomic
def closure_create(
    *, scope: Scope, kind: str, name: str, start: dt.date, end: dt.date | None
) -> list[Closure]:
    """Close the school on each weekday from start to end (one day when end is empty)."""
    scope = require(scope, Cap.MANAGE_SETTINGS)
    end = end or start
    if kind == TERM or kind not in Closure.Kind.values:
        raise ValidationError({"kind": "Choose the kind of closure."})
    if end < start:
        raise ValidationError({"end": "The closure ends before it starts."})
    for key, day in (("start", start), ("end", end)):
        if day.weekday() >= 5:
            raise ValidationError(
                {
                    key: f"{_d(day)} is a {day:%A}: a closure starts and ends on a weekday "
                    "(weekends are never school days)."
                }
            )
    days = weekdays(start, end)
    taken = list(
        Closure.objects.filter(school=scope.school, date__in=days).values_list("date", flat=True)
    )
    if taken:
        raise ValidationError(
            {"start": "Already closed on " + ", ".join(_d(d) for d in sorted(taken)) + "."}
        )
    closures = [Closure(school=scope.school, date=d, kind=kind, name=name.strip()) for d in days]
    for closure in closures:
        closure.full_clean()
    Closure.objects.bulk_create(closures)
    audit.record(
        "pastoral.closure.created",
        actor=scope.user,
        school=scope.school,
        object_type="pastoral.closure",
        object_id=start.isoformat(),
        changes={"kind": kind, "name": name, "start": start, "end": end, "days": len(days)},
    )
    return closures


@transaction.atomic
def closure_delete(*, scope: Scope, closures: list[Closure]) -> None:
    """Reopen the days of one closure (a run of days the selector grouped)."""
    scope = require(scope, Cap.MANAGE_SETTINGS)
    if not closures or any(c.school_id != scope.school.pk for c in closures):
        raise ValidationError("Nothing to remove.")
    first, last = closures[0], closures[-1]
    audit.record(
        "pastoral.closure.deleted",
        actor=scope.user,
        school=scope.school,
        object_type="pastoral.closure",
        object_id=first.date.isoformat(),
        changes={
            "kind": first.kind,
            "name": first.name,
            "start": first.date,
            "end": last.date,
            "days": len(closures),
        },
    )
    Closure.objects.filter(pk__in=[c.pk for c in closures]).delete()


@transaction.atomic
def bank_holiday_set_open(*, scope: Scope, day: dt.date, open_: bool, reason: str = "") -> None:
    """Mark a bank holiday as a school day (open) or back to closed; audited."""
    scope = require(scope, Cap.MANAGE_SETTINGS)
    names = bank_holidays(day, day)
    if day not in names:
        raise ValidationError({"date": f"{_d(day)} is not a bank holiday in England and Wales."})
    existing = BankHolidayOpening.objects.filter(school=scope.school, date=day).first()
    if open_ and existing is None:
        opening = BankHolidayOpening(
            school=scope.school, date=day, reason=reason.strip()[:200], created_by=scope.user
        )
        opening.full_clean()
        opening.save()
        action = "pastoral.bank_holiday.opened"
    elif not open_ and existing is not None:
        existing.delete()
        action = "pastoral.bank_holiday.closed"
    else:
        return
    audit.record(
        action,
        actor=scope.user,
        school=scope.school,
        object_type="pastoral.bank_holiday",
        object_id=day.isoformat(),
        changes={"date": day, "name": names[day], "reason": reason.strip()},
    )
