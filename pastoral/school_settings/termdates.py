"""Importing a local authority's term dates: CSV or iCalendar, all or nothing.

Columns (CSV; see docs/term-dates.md): Type, Name, Start, End, Academic year.
Type is Term, INSET, Holiday (half term), Closure or Bank holiday; blank, it
is read from the name ("Autumn half term" is a holiday). An iCalendar file's
events are read into the same rows (pastoral/school_settings/ics.py).

Refused, by line and column, with nothing written: a term overlapping another
(in the file or already recorded), a date outside its academic year, a
closure starting or ending on a weekend, an end before its start. Terms are
matched by academic year and name (their dates are updated), closures by day;
nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pastoral import audit
from pastoral.imports import (
    Change,
    CsvRow,
    CsvTable,
    ImportOutcome,
    Report,
    RowError,
    formula_error,
    parse_date,
)
from pastoral.imports.base import SchoolImporter
from pastoral.imports.csvfile import ImportFileError, Source
from pastoral.models import AcademicYear, Closure, Term
from pastoral.school_settings.ics import looks_like_ics, read_ics

TERM = "term"
KINDS: dict[str, str] = {
    "term": TERM,
    "inset": Closure.Kind.INSET,
    "inset day": Closure.Kind.INSET,
    "training day": Closure.Kind.INSET,
    "holiday": Closure.Kind.HOLIDAY,
    "half term": Closure.Kind.HOLIDAY,
    "half-term": Closure.Kind.HOLIDAY,
    "closure": Closure.Kind.OTHER,
    "closed": Closure.Kind.OTHER,
    "other": Closure.Kind.OTHER,
    "bank holiday": Closure.Kind.BANK_HOLIDAY,
}
# What a name says when the Type is blank (first match wins).
_NAME_HINTS = [
    ("inset", Closure.Kind.INSET),
    ("training day", Closure.Kind.INSET),
    ("bank holiday", Closure.Kind.BANK_HOLIDAY),
    ("half term", Closure.Kind.HOLIDAY),
    ("half-term", Closure.Kind.HOLIDAY),
    ("holiday", Closure.Kind.HOLIDAY),
    ("closed", Closure.Kind.OTHER),
    ("closure", Closure.Kind.OTHER),
    ("term", TERM),
]
_YEAR = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
_ONE_DAY = dt.timedelta(days=1)


def year_of(day: dt.date) -> tuple[str, dt.date, dt.date]:
    """The English academic year (1 September to 31 August) holding `day`."""
    first = day.year if day.month >= 9 else day.year - 1
    return _year(first)


def _year(first: int) -> tuple[str, dt.date, dt.date]:
    return f"{first}/{(first + 1) % 100:02d}", dt.date(first, 9, 1), dt.date(first + 1, 8, 31)


def parse_year(value: str) -> tuple[str, dt.date, dt.date] | None:
    """ "2026/27", "2026-27" or "2026/2027" -> (name, 1 Sep, 31 Aug); None if not one."""
    match = _YEAR.match(value.strip())
    if not match:
        return None
    first, second = int(match.group(1)), match.group(2)
    if int(second[-2:]) != (first + 1) % 100:
        return None
    return _year(first)


def kind_of(type_cell: str, name: str) -> str | None:
    if type_cell:
        return KINDS.get(type_cell.strip().lower())
    low = name.lower()
    return next((kind for hint, kind in _NAME_HINTS if hint in low), None)


def weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += _ONE_DAY
    return days


@dataclass(frozen=True)
class TermDateRow:
    line: int
    kind: str  # TERM or a Closure.Kind
    name: str
    start: dt.date
    end: dt.date
    year: tuple[str, dt.date, dt.date]


@dataclass
class TermDatePlan:
    new_years: dict[str, tuple[int, dt.date, dt.date]] = field(default_factory=dict)
    terms: list[tuple[TermDateRow, Term | None, str]] = field(default_factory=list)
    closures: list[tuple[TermDateRow, list[tuple[dt.date, Closure | None, str]]]] = field(
        default_factory=list
    )


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


class TermDateImporter(SchoolImporter[TermDateRow, TermDatePlan]):
    required_columns = ("type", "name", "start")
    optional_columns = ("end", "academic_year")

    _property_lines: dict[tuple[int, str], int] | None = None

    # -- reading: a CSV file, or an iCalendar file read into the same rows --------

    def read(self, source: Source) -> CsvTable:
        content = _bytes(source)
        if not looks_like_ics(content):
            return super().read(content)
        limit = self.max_bytes
        if limit is None:
            from django.conf import settings

            limit = settings.IMPORT_MAX_BYTES
        if len(content) > limit:
            raise ImportFileError([RowError(None, "", f"the file is larger than {limit} bytes")])
        ics = read_ics(content)
        self._property_lines = ics.property_lines
        return ics.table

    def run(self, source: Source, **kwargs: Any) -> ImportOutcome[TermDatePlan]:
        outcome = super().run(source, **kwargs)
        if self._property_lines and outcome.errors:
            # An iCalendar error names the line of the property, not of BEGIN:VEVENT.
            where = self._property_lines
            outcome.errors = sorted(
                (
                    RowError(where.get((e.line, e.column), e.line), e.column, e.reason)
                    if e.line
                    else e
                )
                for e in outcome.errors
            )
        return outcome

    def prepare(self) -> None:
        self.years = {
            name: (pk, start, end)
            for pk, name, start, end in AcademicYear.objects.filter(school=self.school).values_list(
                "pk", "name", "start", "end"
            )
        }
        self.existing_terms = list(
            Term.objects.filter(academic_year__school=self.school).select_related("academic_year")
        )
        self.existing_closures = {
            c.date: c for c in Closure.objects.filter(school=self.school).order_by()
        }

    def _academic_year(self, raw: str, start: dt.date) -> tuple[str, dt.date, dt.date] | None:
        if raw:
            parsed = parse_year(raw)
            if parsed is None:
                return None
            name = parsed[0]
        else:
            found = next((n for n, (_, s, e) in self.years.items() if s <= start <= e), None)
            name = found or year_of(start)[0]
            parsed = year_of(start)
        if name in self.years:
            _, s, e = self.years[name]
            return name, s, e
        return parsed

    # -- checking ----------------------------------------------------------------

    def parse_row(self, row: CsvRow, report: Report) -> TermDateRow | None:
        name = row.get("name")
        kind = kind_of(row.get("type"), name)
        if kind is None:
            if row.get("type"):
                report.add(
                    row.line,
                    "type",
                    f"{row.get('type')!r} is not a known type; use Term, INSET, Holiday, "
                    "Closure or Bank holiday",
                )
            else:
                report.add(
                    row.line,
                    "type",
                    "is blank and the name does not say whether this is a term or a closure",
                )
        if kind == TERM and not name:
            report.add(row.line, "name", "a term needs a name, e.g. Autumn term")
        limit = 40 if kind == TERM else 100
        if len(name) > limit:
            report.add(row.line, "name", f"is {len(name)} characters long; the limit is {limit}")
        if self._property_lines is not None and (problem := formula_error(name)):
            report.add(row.line, "name", problem)
        start = report.field(row, "start", parse_date, required=True)
        end = report.field(row, "end", parse_date, default=start)
        if start is None or end is None:
            return None
        if end < start:
            report.add(row.line, "end", f"{_d(end)} is before the start, {_d(start)}")
            return None
        year = self._academic_year(row.get("academic_year"), start)
        if year is None:
            report.add(
                row.line,
                "academic_year",
                f"{row.get('academic_year')!r} is not an academic year; write it as 2026/27",
            )
            return None
        year_name, first, last = year
        for key, day in (("start", start), ("end", end)):
            if not first <= day <= last:
                report.add(
                    row.line,
                    key,
                    f"{_d(day)} is outside the academic year {year_name} "
                    f"({_d(first)} to {_d(last)})",
                )
        if kind not in (None, TERM):
            for key, day in (("start", start), ("end", end)):
                if day.weekday() >= 5:
                    report.add(
                        row.line,
                        key,
                        f"{_d(day)} is a {day:%A}: a closure starts and ends on a weekday "
                        "(weekends are never school days)",
                    )
        if report.has_errors_on(row.line) or kind is None:
            return None
        return TermDateRow(row.line, kind, name, start, end, year)

    def check_items(self, items: list[TermDateRow], report: Report) -> None:
        terms = sorted((i for i in items if i.kind == TERM), key=lambda i: i.start)
        for n, later in enumerate(terms):
            for earlier in terms[:n]:
                if earlier.start <= later.end and later.start <= earlier.end:
                    report.add(
                        later.line,
                        "start",
                        f"this term overlaps {earlier.name!r} on line {earlier.line} "
                        f"({_d(earlier.start)} to {_d(earlier.end)})",
                    )
                    break
        report.duplicates(
            ((i.line, f"{i.name} ({i.year[0]})") for i in terms), key="name", what="the term"
        )
        covered: dict[dt.date, int] = {}
        for item in sorted((i for i in items if i.kind != TERM), key=lambda i: i.line):
            days = weekdays(item.start, item.end)
            clash = next((d for d in days if d in covered), None)
            if clash is not None:
                report.add(
                    item.line,
                    "start",
                    f"{_d(clash)} is already a closure on line {covered[clash]}",
                )
            for day in days:
                covered.setdefault(day, item.line)

    def plan(self, items: list[TermDateRow], report: Report) -> TermDatePlan:
        plan = TermDatePlan()
        for item in items:
            name, first, last = item.year
            if name not in self.years and name not in plan.new_years:
                plan.new_years[name] = (item.line, first, last)
        by_key = {(t.academic_year.name, t.name.lower()): t for t in self.existing_terms}
        for item in (i for i in items if i.kind == TERM):
            existing = by_key.get((item.year[0], item.name.lower()))
            for other in self.existing_terms:
                if other is existing:
                    continue
                if other.start <= item.end and item.start <= other.end:
                    report.add(
                        item.line,
                        "start",
                        f"this term overlaps the term {other.name!r} already recorded "
                        f"({_d(other.start)} to {_d(other.end)}); change or delete that one first",
                    )
            if existing is None:
                action = "create"
            elif (existing.start, existing.end) != (item.start, item.end):
                action = "update"
            else:
                action = "unchanged"
            plan.terms.append((item, existing, action))
        for item in (i for i in items if i.kind != TERM):
            days = []
            for day in weekdays(item.start, item.end):
                old = self.existing_closures.get(day)
                if old is None:
                    days.append((day, None, "create"))
                elif (old.kind, old.name) != (item.kind, item.name):
                    days.append((day, old, "update"))
                else:
                    days.append((day, old, "unchanged"))
            plan.closures.append((item, days))
        return plan

    def changes(self, plan: TermDatePlan) -> list[Change]:
        result = [
            Change(line, name, "create", f"Academic year {name} ({_d(first)} to {_d(last)})")
            for name, (line, first, last) in plan.new_years.items()
        ]
        for item, existing, action in plan.terms:
            fields = {}
            if action != "unchanged":
                before = (existing.start, existing.end) if existing else None
                for i, label in enumerate(("Start", "End")):
                    after = (item.start, item.end)[i]
                    if before is None or before[i] != after:
                        fields[label] = (_d(before[i]) if before else "", _d(after))
            result.append(Change(item.line, item.year[0], action, f"Term: {item.name}", fields))
        for item, days in plan.closures:
            actions = {a for _, _, a in days}
            action = (
                "create"
                if "create" in actions
                else "update"
                if "update" in actions
                else "unchanged"
            )
            kind = dict(Closure.Kind.choices)[item.kind]
            label = (
                f"{kind}: {item.name or kind} ({len(days)} weekday{'s' if len(days) != 1 else ''})"
            )
            fields = {}
            if action != "unchanged":
                fields["Dates"] = ("", f"{_d(item.start)} to {_d(item.end)}")
            result.append(Change(item.line, item.year[0], action, label, fields))
        return sorted(result, key=lambda c: c.line)

    # -- writing -----------------------------------------------------------------

    def apply(self, plan: TermDatePlan, outcome: ImportOutcome[TermDatePlan]) -> None:
        year_pks = {name: pk for name, (pk, _, _) in self.years.items()}
        for name, (_, first, last) in plan.new_years.items():
            year = AcademicYear(school=self.school, name=name, start=first, end=last)
            year.full_clean()
            year.save()
            year_pks[name] = year.pk
        created_terms, updated_terms = [], []
        for item, existing, action in plan.terms:
            if action == "create":
                created_terms.append(
                    Term(
                        academic_year_id=year_pks[item.year[0]],
                        name=item.name,
                        start=item.start,
                        end=item.end,
                    )
                )
            elif action == "update" and existing is not None:
                existing.start, existing.end = item.start, item.end
                updated_terms.append(existing)
        Term.objects.bulk_create(created_terms)
        Term.objects.bulk_update(updated_terms, ["start", "end"])
        new_days, changed_days = [], []
        for item, days in plan.closures:
            for day, old, action in days:
                if action == "create":
                    new_days.append(
                        Closure(school=self.school, date=day, kind=item.kind, name=item.name)
                    )
                elif action == "update" and old is not None:
                    old.kind, old.name = item.kind, item.name
                    changed_days.append(old)
        Closure.objects.bulk_create(new_days)
        Closure.objects.bulk_update(changed_days, ["kind", "name"])
        audit.record(
            "pastoral.import.term_dates",
            actor=self.actor,
            school=self.school,
            object_type="pastoral.import",
            object_id=self.filename[:40],
            changes={
                "file": self.filename,
                "rows": outcome.rows,
                "academic_years_created": sorted(plan.new_years),
                "terms_created": [t.name for t in created_terms],
                "terms_updated": [t.name for t in updated_terms],
                "closure_days_created": len(new_days),
                "closure_days_updated": len(changed_days),
            },
        )


def _bytes(source: Source) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    data = source.read()
    if hasattr(source, "seek"):
        source.seek(0)
    return bytes(data)
