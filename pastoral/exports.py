"""Every list's CSV and XLSX export, through one helper.

A list page exports itself: its view, with the same filters and the same
scoped selector as the page, hands the rows to `export_response` when the
query string asks for `export=csv` or `export=xlsx` (see `export_format`).
There is no second query path, so an export holds exactly the rows the page
would show across all its pages.

- Columns are defined once per list (`Column`, in the app's `columns`
  module), and read by both formats.
- Text cells a spreadsheet would run as a formula (starting = + - @, tab or
  carriage return) are neutralised with a leading apostrophe, in both formats.
  Numbers we computed stay numbers.
- Each export writes one audit event (`<app>.<list>.exported`) with the
  filters, the format and the row count, before the first row is sent.
- CSV streams (the queryset is read with `iterator(chunk_size=...)`); XLSX is
  written by xlsxwriter in constant-memory mode (one row in memory at a time)
  to an anonymous temporary file which is then streamed. Neither holds the
  list in memory, so a list much longer than a page still answers quickly.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Model, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from pastoral import audit
from pastoral.access import Scope

FORMATS = ("csv", "xlsx")
EXPORT_PARAM = "export"
CHUNK_SIZE = 2000
# Spreadsheet programs run a cell starting with these as a formula (or a DDE call).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column of an export: its header and how to read a row's value
    (an attribute path such as "year_group.name", a dict key, or a callable)."""

    header: str
    value: str | Callable[[Any], Any]

    def of(self, row: Any) -> Any:
        if callable(self.value):
            return self.value(row)
        current = row
        for part in self.value.split("."):
            if current is None:
                return None
            current = current.get(part) if isinstance(current, Mapping) else getattr(current, part)
        return current


def safe_text(value: object) -> str:
    """Text a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def csv_cell(value: object) -> str:
    """One value as CSV text: numbers and dates as themselves, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if _is_number(value):
        return str(value)
    if isinstance(value, dt.datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_text(value)


def export_format(request: HttpRequest) -> str | None:
    """ "csv" or "xlsx" when the page is asked for an export, else None.

    An unknown format (export=pdf) is answered by `bad_format`, not ignored:
    the person asked for a file and should be told why they did not get one.
    """
    value = request.GET.get(EXPORT_PARAM)
    if value is None:
        return None
    return value.lower().strip()


def bad_format(fmt: str) -> HttpResponse:
    return HttpResponse(
        f"Unknown export format {fmt[:20]!r}: use csv or xlsx.",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _iterate(
    rows: Iterable[Any], prepare: Callable[[list[Any]], Iterable[Any]] | None
) -> Iterator[Any]:
    """Every row, read in chunks (`iterator(chunk_size)` for a queryset), each
    chunk passed through `prepare` (which may add figures in one query per chunk)."""
    if isinstance(rows, QuerySet):
        source: Iterable[Any] = rows.iterator(chunk_size=CHUNK_SIZE)
    else:
        source = rows
    for chunk in _chunks(source, CHUNK_SIZE):
        yield from (prepare(chunk) if prepare else chunk)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_stream(rows: Iterator[Any], columns: Sequence[Column]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte-order mark, so that Excel reads the file as UTF-8 (names with accents).
    yield "\ufeff" + writer.writerow([safe_text(c.header) for c in columns])
    for row in rows:
        yield writer.writerow([csv_cell(c.of(row)) for c in columns])


def _write_xlsx(target: Any, rows: Iterator[Any], columns: Sequence[Column], title: str) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "in_memory": False,
            "tmpdir": tempfile.gettempdir(),
        },
    )
    sheet = workbook.add_worksheet(title[:31] or "Export")
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    time_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for col, column in enumerate(columns):
        sheet.write_string(0, col, safe_text(column.header), bold)
    sheet.freeze_panes(1, 0)
    for r, row in enumerate(rows, start=1):
        for col, column in enumerate(columns):
            value = column.of(row)
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                sheet.write_string(r, col, "Yes" if value else "No")
            elif _is_number(value):
                sheet.write_number(r, col, float(value))
            elif isinstance(value, dt.datetime):
                sheet.write_datetime(r, col, _local(value).replace(tzinfo=None), time_format)
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, col, value, date_format)
            else:
                sheet.write_string(r, col, safe_text(value))
    workbook.close()


def export_response(
    request: HttpRequest,
    scope: Scope,
    *,
    rows: Iterable[Any],
    columns: Sequence[Column],
    filename: str,
    fmt: str,
    audit_action: str,
    filters: Mapping[str, Any] | None = None,
    count: int | None = None,
    prepare: Callable[[list[Any]], Iterable[Any]] | None = None,
    obj: Model | None = None,
) -> HttpResponse | StreamingHttpResponse | FileResponse:
    """The rows of a list page as a CSV or XLSX download, audited.

    `rows` is the page's own scoped selector result (a queryset, read in
    chunks, or any iterable), unpaginated; `prepare` turns a chunk of it into
    the objects the columns read (the page's hydrate/decorate step).
    `filters` are the page's cleaned filter values, stored on the audit event
    with the format and the row count (`count`, or the queryset's count);
    `obj` is the record a list belongs to (an intervention group's register).
    """
    if fmt not in FORMATS:
        return bad_format(fmt)
    if count is None:
        # A queryset counts in SQL; anything else must say how many rows it holds.
        count = rows.count() if isinstance(rows, QuerySet) else len(rows)  # type: ignore[arg-type]
    audit.record(
        audit_action,
        actor=scope.user,
        school=scope.school,
        obj=obj,
        changes={
            "filters": {k: str(v) for k, v in (filters or {}).items() if v not in (None, "")},
            "rows": count,
            "format": fmt,
        },
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    # A trust page's export (pastoral/trust) belongs to no school.
    where = scope.school.urn if scope.school is not None else "trust"
    name = f"{filename}-{where}-{stamp}.{fmt}"
    iterator = _iterate(rows, prepare)
    response: HttpResponse | StreamingHttpResponse | FileResponse
    if fmt == "csv":
        response = StreamingHttpResponse(
            _csv_stream(iterator, columns), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        # An anonymous file: gone from the disk as soon as the response closes it.
        target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
        _write_xlsx(target, iterator, columns, filename)
        target.seek(0)
        response = FileResponse(target, as_attachment=True, filename=name, content_type=XLSX_TYPE)
    response["Cache-Control"] = "no-store"
    response["X-Export-Rows"] = str(count)
    return response
