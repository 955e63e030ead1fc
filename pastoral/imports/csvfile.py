"""Reading an MIS CSV export safely: encoding, size, columns, formula cells.

See the package docstring (pastoral/imports/__init__.py) for the API.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import IO, Any

from django.conf import settings

# What read_csv() accepts: raw bytes, a path on disk, or an open binary file
# (a Django UploadedFile is one).
Source = bytes | str | Path | IO[bytes]

# Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV
# injection"). A leading tab or carriage return is stripped by some
# spreadsheets and lets the next character act as the formula start.
FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r")
# A signed plain number ("-3", "+44.5") is data, not a formula.
_SIGNED_NUMBER = re.compile(r"^[+-]\d+(?:[.,]\d+)?$")


@dataclass(frozen=True, order=True)
class RowError:
    """One problem in an import, as the person fixing the file needs it.

    `line` is the line number in the file as a text editor or spreadsheet
    shows it (the header is line 1), or None for a problem with the whole
    file. `column` is the column's header as written in the file, or "" when
    the problem is not about one cell.
    """

    line: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        where = "file" if self.line is None else f"line {self.line}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.reason}"


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, size, missing columns, not CSV).

    Raised by read_csv(); `errors` holds one or more RowError with line None
    (or the line where reading stopped).
    """

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


def normalise_header(name: str) -> str:
    """The canonical key of a column: "Date of Birth " → "date_of_birth"."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def formula_error(raw: str) -> str | None:
    """Why a cell would run as a spreadsheet formula, or None when it is safe.

    Negative or explicitly signed numbers ("-3", "+44") and dates
    ("2012-03-04") are safe. A name such as "-Smith" is refused: a
    spreadsheet may run it, so the MIS should not send it.
    """
    if not raw:
        return None
    if raw[0] in CONTROL_STARTS:
        return "starts with a tab or carriage return, which a spreadsheet may run as a formula"
    stripped = raw.lstrip(" ")
    if not stripped or stripped[0] not in FORMULA_STARTS:
        return None
    if stripped[0] in "+-" and _SIGNED_NUMBER.match(stripped):
        return None
    return (
        f"starts with {stripped[0]!r}, which a spreadsheet would run as a formula; "
        "remove the character or the cell (formula cells are refused)"
    )


@dataclass
class CsvRow:
    """One data row. `values` maps canonical column keys to stripped cells."""

    line: int
    values: dict[str, str]
    ok: bool = True  # False when read_csv already reported a problem with the row

    def get(self, key: str, default: str = "") -> str:
        return self.values.get(key, default)


@dataclass
class CsvTable:
    """The rows of a CSV file that passed the whole-file checks.

    `headers` maps canonical keys to the header text as written (for error
    messages); `errors` holds per-row problems found while reading
    (formula cells, wrong number of fields).
    """

    headers: dict[str, str]
    rows: list[CsvRow]
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def label(self, key: str) -> str:
        """The column's header as written in the file (for messages)."""
        return self.headers.get(key, key)


def _size_of(source: Source) -> int | None:
    if isinstance(source, bytes):
        return len(source)
    if isinstance(source, (str, Path)):
        return os.path.getsize(source)
    size = getattr(source, "size", None)
    return int(size) if size is not None else None


def _read_bytes(source: Source, max_bytes: int) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, (str, Path)):
        with open(source, "rb") as handle:
            return handle.read(max_bytes + 1)
    if hasattr(source, "seek"):
        source.seek(0)
    # Read one byte past the limit so a stream of unknown size is still caught.
    data = source.read(max_bytes + 1)
    return data.encode() if isinstance(data, str) else data


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size:,} bytes"
    return f"{size / (1024 * 1024):.1f} MB"


def decode(data: bytes) -> str:
    """UTF-8 text, with or without a byte-order mark, or ImportFileError."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(
            [
                RowError(
                    None,
                    "",
                    'The file is UTF-16 ("Unicode text"), not UTF-8. '
                    'Export it again as "CSV UTF-8 (comma delimited)".',
                )
            ]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(
            [
                RowError(
                    line,
                    "",
                    f"The file is not UTF-8: byte 0x{data[exc.start]:02X} cannot be read "
                    "(probably Windows-1252 or Latin-1). Export it again as "
                    '"CSV UTF-8 (comma delimited)". Nothing was imported.',
                )
            ]
        ) from None


def load_text(source: Source, *, max_bytes: int | None = None) -> str:
    """The file's text after the whole-file checks (size, encoding, NUL bytes, empty)."""
    limit = settings.IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    size = _size_of(source)
    if size is not None and size > limit:
        raise ImportFileError(
            [
                RowError(
                    None,
                    "",
                    f"The file is {_megabytes(size)}; the limit is {_megabytes(limit)}. "
                    "Split it into smaller files. Nothing was imported.",
                )
            ]
        )
    data = _read_bytes(source, limit)
    if len(data) > limit:
        raise ImportFileError(
            [
                RowError(
                    None,
                    "",
                    f"The file is larger than the limit of {_megabytes(limit)}. "
                    "Split it into smaller files. Nothing was imported.",
                )
            ]
        )
    text = decode(data)
    if "\x00" in text:
        raise ImportFileError(
            [RowError(None, "", "The file contains NUL bytes: it is not a CSV text file.")]
        )
    if not text.strip():
        raise ImportFileError([RowError(None, "", "The file is empty.")])
    return text


def _reader(text: str) -> Any:  # a csv reader (its type is private to the csv module)
    return csv.reader(io.StringIO(text, newline=""), strict=True)


def _header(
    reader: Any, required: Iterable[str], optional: Iterable[str]
) -> tuple[dict[str, str], list[str], list[str]]:
    """(headers, the key of each position, ignored columns), or ImportFileError."""
    try:
        header_cells = next(reader)
    except csv.Error as exc:
        raise ImportFileError([RowError(1, "", f"The header row cannot be read: {exc}.")]) from None
    headers: dict[str, str] = {}
    problems: list[RowError] = []
    for cell in header_cells:
        key = normalise_header(cell)
        if not key:
            continue
        if key in headers:
            problems.append(RowError(1, cell.strip(), "This column appears twice in the header."))
        headers[key] = cell.strip()
    required = [normalise_header(c) for c in required]
    known = set(required) | {normalise_header(c) for c in optional}
    missing = [c for c in required if c not in headers]
    if missing:
        found = ", ".join(headers.values()) or "none"
        problems.append(
            RowError(
                1,
                "",
                f"Missing required column(s): {', '.join(missing)}. Columns found: {found}.",
            )
        )
    if problems:
        raise ImportFileError(problems)
    positions = [normalise_header(c) for c in header_cells]
    return headers, positions, [headers[k] for k in headers if k not in known]


def read_csv(
    source: Source,
    *,
    required: Iterable[str],
    optional: Iterable[str] = (),
    max_bytes: int | None = None,
    check_formulas: bool = True,
) -> CsvTable:
    """Read and check a CSV export; see the package docstring."""
    text = load_text(source, max_bytes=max_bytes)
    return _table(text, required=required, optional=optional, check_formulas=check_formulas)


def _table(
    text: str, *, required: Iterable[str], optional: Iterable[str], check_formulas: bool
) -> CsvTable:
    reader = _reader(text)
    headers, positions, ignored = _header(reader, required, optional)
    table = CsvTable(headers=headers, rows=[], ignored_columns=ignored)
    while True:
        start_line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # A broken quote makes every later line ambiguous: stop here.
            raise ImportFileError(
                [RowError(start_line, "", f"The CSV cannot be read from here on: {exc}.")]
            ) from None
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are harmless
        row = CsvRow(line=start_line, values={})
        if len(cells) > len(positions) and any(c.strip() for c in cells[len(positions) :]):
            table.errors.append(
                RowError(
                    start_line,
                    "",
                    f"The row has {len(cells)} fields but the header has {len(positions)}.",
                )
            )
            row.ok = False
        for key, raw in zip(positions, cells, strict=False):
            if not key:
                continue
            if check_formulas:
                reason = formula_error(raw)
                if reason:
                    table.errors.append(RowError(start_line, headers[key], reason))
                    row.ok = False
            row.values[key] = raw.strip()
        table.rows.append(row)
    return table


@dataclass
class CsvColumns:
    """A CSV file read whole columns at a time, for importers of very large files.

    `columns` maps each named column's key to its raw cells (not stripped, not
    checked for formulas), one per data row, in file order; it is None when
    the file is not regular: a row with more or fewer cells than the header,
    a blank line, or a quote the reader cannot follow. A row of blank cells
    (",,,") is kept, though read_csv() skips it: refuse blank required cells.
    Line numbers are not kept: an importer that finds any problem in the columns goes back to the
    row-by-row reading (`table()`), which reports every problem by line and
    column. `table()` is exactly what read_csv() returns for the same file.
    """

    headers: dict[str, str]
    ignored_columns: list[str]
    columns: dict[str, list[str]] | None
    count: int
    text: str = field(repr=False)
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()

    def table(self) -> CsvTable:
        return _table(
            self.text, required=self.required, optional=self.optional, check_formulas=True
        )


def _split_lines(text: str, width: int) -> list[list[str]] | None:
    """The data rows' cells, column by column, for the common plain file (no
    quotes, one line per row, every row as wide as the header); else None.

    Without quotes, CSV is cells between commas, rows between line ends. The
    whole body is split at once: each line end becomes a comma and a NUL
    (load_text() refuses files with NULs), so the rows are regular exactly
    when every `width`-th cell, and no other, starts with the NUL.
    """
    if '"' in text:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    start = text.find("\n")
    body = text[start + 1 :] if start >= 0 else ""
    if body.endswith("\n"):
        body = body[:-1]
    if not body:
        return [[] for _ in range(width)]
    rows = body.count("\n") + 1
    cells = body.replace("\n", ",\x00").split(",")
    if len(cells) != rows * width or not all(
        map(str.startswith, cells[width::width], repeat("\x00"))
    ):
        return None
    columns = [cells[i::width] for i in range(width)]
    columns[0] = "".join(columns[0]).split("\x00")
    if width == 1 and "" in columns[0]:
        return None  # a blank line
    return columns


def read_csv_columns(
    source: Source,
    *,
    required: Iterable[str],
    optional: Iterable[str] = (),
    max_bytes: int | None = None,
) -> CsvColumns:
    """Read a CSV export into whole columns (see CsvColumns).

    The whole-file checks (size, encoding, header) are those of read_csv()
    and raise ImportFileError the same way.
    """
    text = load_text(source, max_bytes=max_bytes)
    required, optional = tuple(required), tuple(optional)
    # The header alone when its line has no quote (no need to copy the whole text).
    end = text.find("\n")
    head = text if end < 0 or '"' in text[:end] else text[: end + 1]
    reader = _reader(head)
    headers, positions, ignored = _header(reader, required, optional)
    width = len(positions)
    cells = _split_lines(text, width)
    if cells is None:
        if head is not text:
            reader = _reader(text)
            next(reader)
        try:
            records = list(reader)
        except csv.Error:
            records = None
        if records is not None and set(map(len, records)) <= {width}:
            cells = [list(column) for column in zip(*records, strict=True)] or [
                [] for _ in range(width)
            ]
    columns = None
    if cells is not None:
        columns = {key: cells[i] for i, key in enumerate(positions) if key}
    return CsvColumns(
        headers=headers,
        ignored_columns=ignored,
        columns=columns,
        count=len(cells[0]) if cells else 0,
        text=text,
        required=required,
        optional=optional,
    )


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while reading a big file.

    Reading half a million rows makes millions of objects, none of them in
    cycles; the collector would otherwise scan them all over and over.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
