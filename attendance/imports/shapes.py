"""The two shapes of marks file MIS exports come in, told apart by the header.

- One row per mark (long): ``UPN, Date, Session, Code[, Minutes late]``.
- One row per learner (wide): ``UPN, Surname, Forename, 2026-09-07 AM,
  2026-09-07 PM, ...``: a column per session, headed by its date (YYYY-MM-DD
  or DD/MM/YYYY, optionally after a weekday) and AM or PM; each cell the code;
  a blank cell is no mark. Other columns (names, reg group) are ignored.

A wide file is turned into the long shape row by row before the importer
reads it; every problem the importer finds is then named by the wide file's
own line and column (the session's header), see `remap_errors`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from pastoral.imports.csvfile import ImportFileError, RowError, normalise_header

SESSION_HEADER = re.compile(
    r"^\s*(?:[A-Za-z]{3,9},?\s+)?(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})\s*[-_ ]?\s*(AM|PM)\s*$",
    re.IGNORECASE,
)
LONG_HEADER = ("UPN", "Date", "Session", "Code")


@dataclass
class Shaped:
    """The marks as a long-shape CSV, and (for a wide file) where each of its
    lines came from: origin[long line] = (wide line, session header)."""

    text: str
    shape: str  # "long" or "wide"
    upn_header: str = "UPN"
    origin: dict[int, tuple[int, str]] | None = None
    sessions: int = 0


def _header(text: str) -> list[str]:
    reader = csv.reader(io.StringIO(text))
    for row in reader:
        if any(cell.strip() for cell in row):
            return row
    return []


def shape_of(text: str) -> Shaped:
    """Recognise the file's shape; a wide file is converted (see module docstring)."""
    header = _header(text)
    keys = [normalise_header(h) for h in header]
    sessions = [i for i, h in enumerate(header) if SESSION_HEADER.match(h)]
    if not sessions or {"date", "session", "code"} <= set(keys):
        return Shaped(text=text, shape="long")
    if "upn" not in keys:
        raise ImportFileError(
            [
                RowError(
                    1,
                    "",
                    "this looks like one row per learner with a column per session, but it "
                    "has no UPN column: add one (see docs/import-attendance.md)",
                )
            ]
        )
    return _widen(text, header, keys.index("upn"), sessions)


def _widen(text: str, header: list[str], upn_at: int, sessions: list[int]) -> Shaped:
    parsed = {}
    for i in sessions:
        match = SESSION_HEADER.match(header[i])
        assert match is not None
        parsed[i] = (match.group(1), match.group(2).upper())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LONG_HEADER)
    origin: dict[int, tuple[int, str]] = {}
    long_line = 1
    reader = csv.reader(io.StringIO(text))
    next(reader)  # the header
    start = reader.line_num + 1
    for row in reader:
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        upn = row[upn_at].strip() if upn_at < len(row) else ""
        if "\n" in upn or "\r" in upn:
            upn = upn.replace("\r", " ").replace("\n", " ")
        for i in sessions:
            code = row[i].strip() if i < len(row) else ""
            if not code:
                continue
            date, session = parsed[i]
            writer.writerow((upn, date, session, code.replace("\n", " ").replace("\r", " ")))
            long_line += 1
            origin[long_line] = (line, header[i].strip())
    return Shaped(
        text=out.getvalue(),
        shape="wide",
        upn_header=header[upn_at].strip() or "UPN",
        origin=origin,
        sessions=len(sessions),
    )


def remap_errors(errors: list[RowError], shaped: Shaped) -> list[RowError]:
    """A long-shape error as the wide file's line and column."""
    if shaped.origin is None:
        return errors
    result = []
    for error in errors:
        if error.line is None or error.line not in shaped.origin:
            result.append(error)
            continue
        line, session_header = shaped.origin[error.line]
        column = shaped.upn_header if error.column.lower() == "upn" else session_header
        result.append(RowError(line, column, error.reason))
    # One wide row with a bad UPN fails every session it has: name it once.
    seen: set[tuple[int | None, str, str]] = set()
    unique = []
    for error in result:
        key = (error.line, error.column, error.reason)
        if error.column == shaped.upn_header and key in seen:
            continue
        seen.add(key)
        unique.append(error)
    return unique
