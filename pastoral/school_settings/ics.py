"""Reading a local authority's term dates from an iCalendar (.ics) file.

Only what a term-date calendar uses: VEVENTs with SUMMARY, DTSTART, DTEND
(exclusive, as RFC 5545 says for all-day events) and CATEGORIES. Each event
becomes a row like a CSV row (type, name, start, end) so that the CSV import
checks it; its line is the line of the event's BEGIN:VEVENT and each
property's own line is kept so errors can name it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from pastoral.imports import CsvRow, CsvTable, ImportFileError, RowError

HEADERS = {
    "type": "CATEGORIES",
    "name": "SUMMARY",
    "start": "DTSTART",
    "end": "DTEND",
    "academic_year": "X-ACADEMIC-YEAR",
}
_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T\d{6}Z?)?$")


@dataclass
class IcsTable:
    table: CsvTable
    # (event line, header) -> the property's own line, for error messages
    property_lines: dict[tuple[int, str], int] = field(default_factory=dict)


def looks_like_ics(content: bytes) -> bool:
    return content.lstrip(b"\xef\xbb\xbf \r\n\t").upper().startswith(b"BEGIN:VCALENDAR")


def _unfold(text: str) -> list[tuple[int, str]]:
    """Logical lines with the number of their first physical line (RFC 5545 folding)."""
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw[:1] in (" ", "\t") and lines:
            first, so_far = lines[-1]
            lines[-1] = (first, so_far + raw[1:])
        elif raw.strip():
            lines.append((number, raw))
    return lines


def _unescape(value: str) -> str:
    return (
        value.replace("\\n", " ")
        .replace("\\N", " ")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\")
        .strip()
    )


def _ics_date(value: str, *, exclusive_end: bool, all_day: bool) -> str:
    """A DTSTART/DTEND value as YYYY-MM-DD text (the CSV parser checks it);
    an all-day event's DTEND is the day after its last day."""
    match = _DATE.match(value.strip())
    if not match:
        return value.strip()
    try:
        day = dt.date(*(int(p) for p in match.groups()))
    except ValueError:
        return value.strip()
    if exclusive_end and all_day:
        day -= dt.timedelta(days=1)
    return day.isoformat()


def read_ics(content: bytes) -> IcsTable:
    """The events of an iCalendar file as rows; ImportFileError if it is not one."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            [RowError(line, "", "the file is not UTF-8 text; save the calendar as UTF-8")]
        ) from None
    rows: list[CsvRow] = []
    where: dict[tuple[int, str], int] = {}
    errors: list[RowError] = []
    event: dict[str, str] | None = None
    event_line = 0
    all_day = False
    for number, line in _unfold(text):
        name_part, sep, value = line.partition(":")
        if not sep:
            errors.append(RowError(number, "", "is not an iCalendar line (NAME:value)"))
            continue
        name, *params = name_part.split(";")
        name = name.upper()
        if name == "BEGIN" and value.upper() == "VEVENT":
            event, event_line, all_day = {}, number, False
            continue
        if event is None:
            continue
        if name == "END" and value.upper() == "VEVENT":
            event.setdefault("end", event.get("start", ""))
            rows.append(CsvRow(event_line, event))
            event = None
            continue
        key = {v: k for k, v in HEADERS.items()}.get(name)
        if key is None:
            continue
        where[(event_line, HEADERS[key])] = number
        if key in ("start", "end"):
            if key == "start":
                all_day = any(p.upper() == "VALUE=DATE" for p in params) or len(value) == 8
            event[key] = _ics_date(value, exclusive_end=key == "end", all_day=all_day)
        elif key == "type":
            event[key] = _unescape(value).split(",")[0].strip()
        else:
            event[key] = _unescape(value)
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise ImportFileError([RowError(1, "", "the file does not start with BEGIN:VCALENDAR")])
    if event is not None:
        errors.append(RowError(event_line, "", "this event has no END:VEVENT"))
    if not rows and not errors:
        raise ImportFileError([RowError(None, "", "the calendar has no events (VEVENT)")])
    table = CsvTable(headers=dict(HEADERS), rows=rows, errors=errors)
    return IcsTable(table=table, property_lines=where)
