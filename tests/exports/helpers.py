"""Reading an export back as a person's spreadsheet program would."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def read_csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def read_xlsx(response: Any) -> list[list[Any]]:
    """Every row of the first sheet; a text cell must be text (never a formula)."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).worksheets[0]
    rows = []
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"a formula in {cell.coordinate}: {cell.value!r}"
        rows.append([_text(c.value) for c in row])
    return rows


def _text(value: Any) -> Any:
    # XLSX stores a carriage return in text as _x000D_; Excel shows it as one.
    if value is None:
        return ""
    return value.replace("_x000D_", "\r") if isinstance(value, str) else value


def read(response: Any, fmt: str) -> list[list[Any]]:
    return read_csv(response) if fmt == "csv" else read_xlsx(response)


def column(rows: list[list[Any]], header: str) -> list[Any]:
    """One column of an export, by its header, without the header row."""
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]
