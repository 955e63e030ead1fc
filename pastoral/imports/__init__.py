"""MIS CSV imports: one framework for learners, staff and attendance marks.

Every import is all-or-nothing: the file is read and every row checked
first; if any row has a problem, nothing is written and every problem is
reported as a RowError(line, column, reason). Only a clean file is applied,
inside one transaction.atomic.

Reading a file
--------------
``read_csv(source, *, required, optional=(), max_bytes=None) -> CsvTable``

- ``source``: bytes, a path (str / Path), or an open binary file such as a
  Django ``UploadedFile``.
- Size: more than ``max_bytes`` (default ``settings.IMPORT_MAX_BYTES``)
  raises ImportFileError before the file is read into memory.
- Encoding: UTF-8 with or without a byte-order mark. Anything else (Windows-
  1252, UTF-16) raises ImportFileError naming the line of the first bad byte.
- Header: names are matched case-insensitively with spaces/hyphens as
  underscores ("Date of Birth" → ``date_of_birth``). Missing required
  columns raise ImportFileError naming them; a column named twice too.
  Unknown columns are ignored and listed in ``table.ignored_columns``.
- Rows: ``table.rows`` is a list of CsvRow(line, values) where ``line`` is the
  line in the file (header = 1; a quoted cell spanning lines counts its
  first line) and ``values`` maps column keys to stripped cells. Blank lines
  are skipped.
- Formula injection: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or
  a carriage return is refused (RowError in ``table.errors``, ``row.ok`` is
  False) — except a signed number such as ``-3`` or ``+44.5``. Dates like
  ``2012-03-04`` are fine; a name like ``-Smith`` is refused with a reason.
  ``formula_error(cell)`` is the check on its own.

Very large files
----------------
``read_csv_columns(source, *, required, optional=(), max_bytes=None) -> CsvColumns``
makes the same whole-file checks, then reads the data rows whole columns at
a time (``columns.columns``: key → raw cells, or None when the file is not
regular: a row wider or narrower than the header, a blank line, a broken
quote). No line numbers: an importer that sets ``plans_columns = True`` and
implements ``plan_columns(columns) -> Plan | None`` checks each distinct
value of a column once (a year of marks is 570,000 rows but a few thousand
distinct UPNs and a few hundred dates) and returns None for any file with a
problem; ``run()`` then reads it row by row (``columns.table()``, exactly
read_csv()), which reports every problem by line and column. The attendance
marks import (attendance/imports/) is the example.

Errors
------
``RowError(line, column, reason)``: ``line`` None means the whole file;
``column`` is the header as written in the file ("" for the whole row).
``str(error)`` gives "line 4, column DOB: '31/02/2012' is not a real date".
``ImportFileError.errors`` is a list of them.

Cell parsers (pastoral.imports.parse)
-------------------------------------
``parse_date`` (YYYY-MM-DD or DD/MM/YYYY), ``parse_bool`` (Y/N, yes/no,
true/false, 1/0, blank = no), ``parse_choice(value, {"k": ...}, what=...)``,
``parse_int``. Each raises ``CellError(reason)``.

Writing an importer
-------------------
Subclass ``CsvImporter[Item, Plan]``::

    class MarksImporter(CsvImporter[MarkRow, MarksPlan]):
        required_columns = ("upn", "date", "session", "mark")

        def __init__(self, *, school, actor, filename=""): ...

        def prepare(self):                      # look-ups, once
            self.learners = dict(Learner.objects.filter(school=self.school)
                                 .values_list("upn", "pk"))

        def parse_row(self, row, report):       # no queries here
            date = report.field(row, "date", parse_date, required=True)
            mark = report.field(row, "mark", lambda v: parse_choice(v, CODES, what="mark"),
                                required=True)
            if row.get("upn") not in self.learners:
                report.add(row.line, "upn", "no learner with this UPN in the school")
            if report.has_errors_on(row.line):
                return None
            return MarkRow(row.line, ...)

        def check_items(self, items, report):   # across rows
            report.duplicates(((i.line, (i.upn, i.date, i.session)) for i in items),
                              key="upn", what="mark for")

        def plan(self, items, report) -> MarksPlan: ...   # compare, no writes
        def changes(self, plan) -> list[Change]: ...      # preview rows
        def apply(self, plan, outcome):                   # bulk writes + audit.record
            ...

    outcome = MarksImporter(school=s, actor=u).run(uploaded_file, dry_run=True)

``report.field(row, key, parser, required=..., default=..., max_length=...)``
parses one cell and records CellError / blank-required / too-long against
that line and column; ``report.add(line, key, reason)`` records anything
else; ``report.unique(row.line, key, value, what=)`` (in parse_row) or
``report.duplicates(pairs, key=, what=)`` (in check_items, valid rows only)
report repeated keys within the file, naming the first line.

``run(source, *, dry_run=False, expect_fingerprint=None) -> ImportOutcome``:

- any RowError → ``outcome.errors`` (sorted by line), nothing written;
- ``dry_run`` → ``outcome.changes`` (list of ``Change(line, key, action,
  label, fields={label: (before, after)})``) and ``outcome.counts``
  ({"create": n, "update": n, "unchanged": n, ...}), nothing written;
- otherwise plan() and apply() run inside one ``transaction.atomic``;
  ``apply`` raising ``ApplyError(errors)`` (or any exception) rolls
  everything back; ``outcome.applied`` is True only when written;
- ``expect_fingerprint``: pass the dry run's ``outcome.fingerprint()`` to
  refuse (ApplyError, nothing written) if the changes are no longer the
  ones previewed.

Re-running an applied file yields only "unchanged" changes (idempotent),
provided plan() compares values rather than blindly updating.
"""

from pastoral.imports.base import (
    ApplyError,
    Change,
    CsvImporter,
    ImportOutcome,
    Report,
)
from pastoral.imports.csvfile import (
    CsvColumns,
    CsvRow,
    CsvTable,
    ImportFileError,
    RowError,
    formula_error,
    normalise_header,
    read_csv,
    read_csv_columns,
)
from pastoral.imports.parse import CellError, parse_bool, parse_choice, parse_date, parse_int

__all__ = [
    "ApplyError",
    "CellError",
    "Change",
    "CsvColumns",
    "CsvImporter",
    "CsvRow",
    "CsvTable",
    "ImportFileError",
    "ImportOutcome",
    "Report",
    "RowError",
    "formula_error",
    "normalise_header",
    "parse_bool",
    "parse_choice",
    "parse_date",
    "parse_int",
    "read_csv",
    "read_csv_columns",
]
