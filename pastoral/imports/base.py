"""The import run: read → parse rows → cross-row checks → plan → apply, all or nothing.

See the package docstring (pastoral/imports/__init__.py) for the API.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from django.db import transaction

from pastoral.imports.csvfile import (
    CsvColumns,
    CsvRow,
    CsvTable,
    ImportFileError,
    RowError,
    Source,
    gc_paused,
    read_csv,
    read_csv_columns,
)
from pastoral.imports.parse import CellError
from pastoral.models import School, User, YearGroup

T = TypeVar("T")
ItemT = TypeVar("ItemT")
PlanT = TypeVar("PlanT")

_MISSING = object()


class Report:
    """Collects per-row errors while an importer parses and checks rows."""

    def __init__(self, table: CsvTable | None = None) -> None:
        self.table = table
        self.errors: list[RowError] = list(table.errors) if table else []
        self._lines_with_errors: set[int | None] = {e.line for e in self.errors}
        self._first_seen: dict[str, dict[Hashable, int]] = {}

    def label(self, key: str) -> str:
        return self.table.label(key) if self.table and key else key

    def add(self, line: int | None, key: str, reason: str) -> None:
        """Record a problem; `key` is the canonical column key (or "" for the row)."""
        self.errors.append(RowError(line, self.label(key), reason))
        self._lines_with_errors.add(line)

    def has_errors_on(self, line: int) -> bool:
        return line in self._lines_with_errors

    def field(
        self,
        row: CsvRow,
        key: str,
        parse: Callable[[str], T] | None = None,
        *,
        required: bool = False,
        default: Any = None,
        max_length: int | None = None,
    ) -> Any:
        """Parse one cell: the parsed value, `default` when blank, None after an error.

        A blank required cell, a too-long cell or a parser's CellError is
        recorded against the row's line and the column's header.
        """
        raw = row.get(key)
        if not raw:
            if required:
                self.add(row.line, key, "is required and is blank")
                return None
            return default
        if max_length is not None and len(raw) > max_length:
            self.add(row.line, key, f"is {len(raw)} characters long; the limit is {max_length}")
            return None
        if parse is None:
            return raw
        try:
            return parse(raw)
        except CellError as exc:
            self.add(row.line, key, str(exc))
            return None

    def unique(self, line: int, key: str, value: Hashable, *, what: str = "value") -> bool:
        """Call from parse_row: False (and an error) when `value` was seen on an earlier line.

        Checks every row that has the value, even rows with other problems, so
        a repeat is reported alongside them.
        """
        seen = self._first_seen.setdefault(key, {})
        if value in seen:
            self.add(
                line,
                key,
                f"{what} {value} appears more than once in the file (first on line {seen[value]})",
            )
            return False
        seen[value] = line
        return True

    def duplicates(
        self, items: Iterable[tuple[int, Hashable]], *, key: str, what: str = "value"
    ) -> set[Hashable]:
        """Report every repeat of a key within the file: (line, key value) pairs in.

        Each repeated line is reported, naming the line where the value first
        appeared. Returns the set of repeated values.
        """
        first_line: dict[Hashable, int] = {}
        repeated: set[Hashable] = set()
        for line, value in items:
            if value in first_line:
                repeated.add(value)
                self.add(
                    line,
                    key,
                    f"{what} {value} appears more than once in the file "
                    f"(first on line {first_line[value]})",
                )
            else:
                first_line[value] = line
        return repeated

    def sorted_errors(self) -> list[RowError]:
        """By line, then in the file's column order."""
        order = (
            {label: i for i, label in enumerate(self.table.headers.values())} if self.table else {}
        )
        return sorted(
            self.errors, key=lambda e: (e.line or 0, order.get(e.column, -1), e.column, e.reason)
        )


class ApplyError(Exception):
    """Raised by CsvImporter.apply() to refuse the whole import and roll it back."""

    def __init__(self, errors: Iterable[RowError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class Change:
    """What applying one row does, for the dry-run preview and the audit counts.

    `action` is "create", "update" or "unchanged" (an importer may add its
    own, e.g. "delete"); `fields` maps a field label to (before, after) as
    display text, only for fields that change. `details` are lines shown
    beside the change that are not changes of a field (a CTF's attendance years
    and school history); they are not part of the fingerprint.
    """

    line: int
    key: str
    action: str
    label: str = ""
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)
    details: tuple[str, ...] = ()


@dataclass
class ImportOutcome(Generic[PlanT]):
    """The result of CsvImporter.run().

    `errors` empty ⇔ the file is acceptable. `applied` is True only when the
    changes were written (not a dry run, no errors). `changes` lists every
    row's Change; `counts` counts them by action.
    """

    errors: list[RowError]
    dry_run: bool
    applied: bool = False
    plan: PlanT | None = None
    changes: list[Change] = field(default_factory=list)
    rows: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(change.action for change in self.changes)
        return {"create": 0, "update": 0, "unchanged": 0, **counted}

    @property
    def changed(self) -> int:
        return sum(n for action, n in self.counts.items() if action != "unchanged")

    def fingerprint(self) -> str:
        """A digest of the planned changes: equal before and after ⇔ same effect.

        The browser's confirm step compares it with the preview's, so an
        import never applies something other than what the person saw.
        """
        payload = [
            [c.line, c.key, c.action, sorted((k, list(v)) for k, v in c.fields.items())]
            for c in self.changes
        ]
        return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()


class CsvImporter(Generic[ItemT, PlanT]):
    """Base class of an all-or-nothing CSV import; subclass and fill in the steps.

    Class attributes: `required_columns`, `optional_columns` (canonical keys).
    Steps, in order (only parse_row, plan, changes and apply are required):

    - parse_row(row, report) -> ItemT | None: one row into a typed item,
      recording problems with report.field()/report.add(). Reads nothing
      from the database per row (load look-ups once in prepare()).
    - check_items(items, report): checks across rows (duplicates).
    - plan(items, report) -> PlanT: compare with the database, no writes;
      may add errors (e.g. a conflict with existing data).
    - changes(plan) -> list[Change]: the preview / audit view of the plan.
    - apply(plan): write everything (bulk operations, audit.record); runs
      inside transaction.atomic; raise ApplyError to refuse and roll back.

    A fast path for very large files (`plans_columns = True`): after
    prepare(), plan_columns(columns) gets the file as whole columns
    (CsvColumns) and returns the plan, or None to take the row-by-row path
    above. It must return None for any file in which the row-by-row path
    would find a problem (that path then reports each by line and column),
    and otherwise the plan that path would make. It runs before the
    transaction, so it suits importers whose plan() reads nothing from the
    database (they compare in apply()).
    """

    required_columns: ClassVar[tuple[str, ...]] = ()
    optional_columns: ClassVar[tuple[str, ...]] = ()
    max_bytes: int | None = None  # None: settings.IMPORT_MAX_BYTES
    plans_columns: ClassVar[bool] = False

    def prepare(self) -> None:
        """Load look-up tables once (year groups, reg groups...) before parsing."""

    def read(self, source: Source) -> CsvTable:
        """The file's rows (read_csv); an importer of another format overrides it."""
        return read_csv(
            source,
            required=self.required_columns,
            optional=self.optional_columns,
            max_bytes=self.max_bytes,
        )

    def parse_row(self, row: CsvRow, report: Report) -> ItemT | None:
        raise NotImplementedError

    def check_items(self, items: list[ItemT], report: Report) -> None:
        """Checks across rows; the default has none."""

    def plan(self, items: list[ItemT], report: Report) -> PlanT:
        raise NotImplementedError

    def plan_columns(self, columns: CsvColumns) -> PlanT | None:
        """The fast path (see the class docstring); None: read row by row."""
        return None

    def changes(self, plan: PlanT) -> list[Change]:
        raise NotImplementedError

    def apply(self, plan: PlanT, outcome: ImportOutcome[PlanT]) -> None:
        raise NotImplementedError

    def run(
        self,
        source: Source,
        *,
        dry_run: bool = False,
        expect_fingerprint: str | None = None,
    ) -> ImportOutcome[PlanT]:
        """Read, check and (unless dry_run or any error) apply the file.

        With `expect_fingerprint`, the import is refused when the planned
        changes differ from those previewed (someone changed the data since).
        """
        outcome: ImportOutcome[PlanT] = ImportOutcome(errors=[], dry_run=dry_run)
        fast_plan: PlanT | None = None
        items: list[ItemT] = []
        with gc_paused():
            try:
                if self.plans_columns:
                    columns = read_csv_columns(
                        source,
                        required=self.required_columns,
                        optional=self.optional_columns,
                        max_bytes=self.max_bytes,
                    )
                    self.prepare()
                    if columns.columns is not None:
                        fast_plan = self.plan_columns(columns)
                    if fast_plan is None:
                        table = columns.table()
                else:
                    table = self.read(source)
                    self.prepare()
            except ImportFileError as exc:
                outcome.errors = exc.errors
                return outcome
            if fast_plan is not None:
                outcome.rows = columns.count
                outcome.ignored_columns = columns.ignored_columns
                report = Report(CsvTable(headers=columns.headers, rows=[], ignored_columns=[]))
            else:
                outcome.rows = len(table.rows)
                outcome.ignored_columns = table.ignored_columns
                report = Report(table)
                for row in table.rows:
                    item = self.parse_row(row, report)
                    # A row with a formula cell is parsed too, so every problem shows at once.
                    if item is not None and row.ok and not report.has_errors_on(row.line):
                        items.append(item)
                self.check_items(items, report)
                if report.errors:
                    outcome.errors = report.sorted_errors()
                    return outcome
        if dry_run:
            outcome.plan = fast_plan if fast_plan is not None else self.plan(items, report)
            outcome.changes = self.changes(outcome.plan)
            outcome.errors = report.sorted_errors()
            return outcome
        try:
            with transaction.atomic():
                # Planned inside the transaction so what is written is what was compared.
                outcome.plan = fast_plan if fast_plan is not None else self.plan(items, report)
                outcome.changes = self.changes(outcome.plan)
                if report.errors:
                    raise ApplyError(report.sorted_errors())
                if expect_fingerprint is not None and outcome.fingerprint() != expect_fingerprint:
                    raise ApplyError(
                        [
                            RowError(
                                None,
                                "",
                                "The data changed since the preview; nothing was imported. "
                                "Check the new preview and confirm again.",
                            )
                        ]
                    )
                self.apply(outcome.plan, outcome)
        except ApplyError as exc:
            outcome.errors = exc.errors
            outcome.applied = False
            return outcome
        outcome.applied = True
        return outcome


class SchoolImporter(CsvImporter[ItemT, PlanT]):
    """An import into one school, run by `actor` (None from the command line);
    `filename` names the file in the import's audit event."""

    def __init__(self, *, school: School, actor: User | None, filename: str = "") -> None:
        self.school = school
        self.actor = actor
        self.filename = filename

    def load_years(self, spellings: Callable[[YearGroup], Iterable[str]]) -> None:
        """Set `self.years` (each spelling of a year in a cell → the year; the
        lowest year wins a clash) and `self.year_names` (pk → name), in one query."""
        self.years: dict[str, YearGroup] = {}
        self.year_names: dict[int, str] = {}
        for year in YearGroup.objects.filter(school=self.school).order_by("number"):
            self.year_names[year.pk] = year.name
            for key in spellings(year):
                self.years.setdefault(key, year)
