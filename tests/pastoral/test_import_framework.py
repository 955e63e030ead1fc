"""The reusable CSV reading of pastoral.imports (also used by the attendance import)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pastoral.imports import (
    ApplyError,
    Change,
    CsvImporter,
    ImportFileError,
    RowError,
    formula_error,
    parse_bool,
    parse_date,
    read_csv,
    read_csv_columns,
)
from pastoral.imports.parse import CellError
from pastoral.models import Trust


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("http://evil.example","x")',
        "=1+1",
        "+Ann",
        "-Smith",
        "@SUM(A1:A2)",
        "\t=1",
        "\rX",
        "  =1",
        "-",
        "+44 20 7946 0000",
    ],
)
def test_it_refuses_formula_cells(cell: str) -> None:
    assert formula_error(cell)


@pytest.mark.parametrize("cell", ["-3", "+44", "-12.5", "2012-03-04", "04/03/2012", "O'Neil", ""])
def test_numbers_dates_and_names_are_not_formulas(cell: str) -> None:
    assert formula_error(cell) is None


def test_it_reads_rows_with_line_numbers_and_normalised_headers() -> None:
    data = (
        b'UPN,Date of Birth , Extra Col\r\nA1,2012-03-04,x\r\n\r\nB2,"two\nlines",y\r\nC3,-3,z\r\n'
    )
    table = read_csv(data, required=["upn", "date_of_birth"])
    assert [(r.line, r.values["upn"]) for r in table.rows] == [(2, "A1"), (4, "B2"), (6, "C3")]
    assert table.rows[1].values["date_of_birth"] == "two\nlines"
    assert table.rows[2].values["date_of_birth"] == "-3"
    assert table.ignored_columns == ["Extra Col"]
    assert table.label("date_of_birth") == "Date of Birth"
    assert not table.errors


def test_it_reads_utf8_with_or_without_a_bom(tmp_path: Path) -> None:
    body = "name,town\nZoë,Bromsgrove\n".encode()
    for data in (body, b"\xef\xbb\xbf" + body):
        path = tmp_path / "f.csv"
        path.write_bytes(data)
        table = read_csv(path, required=["name"])
        assert table.rows[0].values == {"name": "Zoë", "town": "Bromsgrove"}


def test_it_reads_an_uploaded_file() -> None:
    upload = SimpleUploadedFile("f.csv", b"a,b\n1,2\n")
    assert read_csv(upload, required=["a", "b"]).rows[0].values == {"a": "1", "b": "2"}


def test_another_encoding_is_refused_naming_the_line() -> None:
    data = "name\nAnn\nZoë\n".encode("latin-1")
    with pytest.raises(ImportFileError) as info:
        read_csv(data, required=["name"])
    (error,) = info.value.errors
    assert error.line == 3 and "not UTF-8" in error.reason


def test_utf16_is_refused() -> None:
    with pytest.raises(ImportFileError, match="UTF-16"):
        read_csv("name\nAnn\n".encode("utf-16"), required=["name"])


def test_missing_and_repeated_columns_are_named() -> None:
    with pytest.raises(ImportFileError) as info:
        read_csv(b"UPN,upn,Name\n1,2,3\n", required=["upn", "date_of_birth", "gender"])
    reasons = [str(e) for e in info.value.errors]
    assert "line 1, column upn: This column appears twice in the header." in reasons
    assert any("date_of_birth, gender" in r for r in reasons)


def test_the_size_limit_comes_from_settings(settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFileError, match="limit is 100 bytes"):
        read_csv(b"a\n" + b"1\n" * 100, required=["a"])
    # A stream without a size is cut off at the limit rather than read whole.
    with pytest.raises(ImportFileError, match="larger than the limit"):
        read_csv(io.BytesIO(b"a\n" + b"1\n" * 100), required=["a"])


def test_an_empty_file_and_a_broken_quote_are_file_errors() -> None:
    with pytest.raises(ImportFileError, match="empty"):
        read_csv(b"\xef\xbb\xbf  \n", required=["a"])
    with pytest.raises(ImportFileError) as info:
        read_csv(b'a,b\n1,2\n3,"open\n', required=["a"])
    assert info.value.errors[0].line == 3


def test_extra_fields_and_formula_cells_are_row_errors() -> None:
    table = read_csv(b"a,b\n1,2,3\n=1,ok\n4,5\n", required=["a"])
    assert [(e.line, e.column) for e in table.errors] == [(2, ""), (3, "a")]
    assert [r.ok for r in table.rows] == [False, False, True]


def test_row_errors_read_as_sentences() -> None:
    assert str(RowError(4, "DOB", "bad")) == "line 4, column DOB: bad"
    assert str(RowError(None, "", "too big")) == "file: too big"


def test_cell_parsers() -> None:
    assert parse_date("04/03/2012").isoformat() == "2012-03-04"
    assert parse_date("2012-3-4").isoformat() == "2012-03-04"
    with pytest.raises(CellError):
        parse_date("03/04/12")
    assert parse_bool("Yes") is True and parse_bool("") is False
    with pytest.raises(CellError):
        parse_bool("perhaps")


class TrustImporter(CsvImporter[str, list[str]]):
    """A minimal importer over a core model, to test the run's all-or-nothing contract."""

    required_columns = ("name",)

    def __init__(self, fail_after: int | None = None) -> None:
        self.fail_after = fail_after

    def parse_row(self, row: Any, report: Any) -> str | None:
        return report.field(row, "name", required=True)

    def plan(self, items: list[str], report: Any) -> list[str]:
        existing = set(Trust.objects.values_list("name", flat=True))
        return [name for name in items if name not in existing]

    def changes(self, plan: list[str]) -> list[Change]:
        return [Change(i + 2, name, "create") for i, name in enumerate(plan)]

    def apply(self, plan: list[str], outcome: Any) -> None:
        for i, name in enumerate(plan):
            if self.fail_after is not None and i == self.fail_after:
                raise ApplyError([RowError(i + 2, "name", "refused by the database")])
            Trust.objects.create(name=name)


def test_a_failure_while_applying_rolls_everything_back(db: Any) -> None:
    outcome = TrustImporter(fail_after=2).run(b"name\nA\nB\nC\nD\n")
    assert not outcome.applied
    assert [str(e) for e in outcome.errors] == ["line 4, column name: refused by the database"]
    assert not Trust.objects.exists()


def test_a_changed_preview_is_not_applied(db: Any) -> None:
    preview = TrustImporter().run(b"name\nA\nB\n", dry_run=True)
    Trust.objects.create(name="A")  # someone else changed the data meanwhile
    outcome = TrustImporter().run(b"name\nA\nB\n", expect_fingerprint=preview.fingerprint())
    assert not outcome.applied and "changed since the preview" in outcome.errors[0].reason
    assert list(Trust.objects.values_list("name", flat=True)) == ["A"]
    fresh = TrustImporter().run(b"name\nA\nB\n", dry_run=True)
    assert TrustImporter().run(b"name\nA\nB\n", expect_fingerprint=fresh.fingerprint()).applied


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_it_reads_a_plain_file_column_by_column(newline: str) -> None:
    data = newline.join(["UPN, Date of Birth ,Extra", "A1, 2012-03-04 ,x", "B2,-3,y"]) + newline
    columns = read_csv_columns(data.encode(), required=["upn", "date_of_birth"])
    assert columns.columns == {
        "upn": ["A1", "B2"],
        "date_of_birth": [" 2012-03-04 ", "-3"],  # raw: neither stripped nor checked
        "extra": ["x", "y"],
    }
    assert columns.count == 2 and columns.ignored_columns == ["Extra"]
    assert columns.headers["date_of_birth"] == "Date of Birth"
    expected = read_csv(data.encode(), required=["upn", "date_of_birth"])
    assert columns.table() == expected


def test_quoted_cells_are_read_by_the_csv_reader() -> None:
    columns = read_csv_columns(b'a,b\n"1,5",2\n3,"x\ny"\n', required=["a"])
    assert columns.columns == {"a": ["1,5", "3"], "b": ["2", "x\ny"]}
    assert columns.count == 2


@pytest.mark.parametrize(
    "data",
    [
        b"a,b\n1,2,3\n4,5\n",  # a wider row
        b"a,b\n1\n4,5\n",  # a narrower row
        b"a,b\n1,2\n\n4,5\n",  # a blank line
        b'a,b\n"1,2\n4,5\n',  # a broken quote
        b"a,b\r1,2\r4,5\r",  # old Mac line ends (left to the csv reader)
        b"a\n1\n\n2\n",  # a blank line in a one-column file
    ],
)
def test_an_irregular_file_has_no_columns(data: bytes) -> None:
    columns = read_csv_columns(data, required=["a"])
    if data.startswith(b"a,b\r"):
        assert columns.columns == {"a": ["1", "4"], "b": ["2", "5"]}
        return
    assert columns.columns is None
    if b'"1,2' in data:
        with pytest.raises(ImportFileError):
            columns.table()
    else:
        assert columns.table() == read_csv(data, required=["a"])


def test_whole_file_problems_are_the_same_for_columns() -> None:
    with pytest.raises(ImportFileError, match="empty"):
        read_csv_columns(b"\xef\xbb\xbf  \n", required=["a"])
    with pytest.raises(ImportFileError, match="Missing required column"):
        read_csv_columns(b"b\n1\n", required=["a"])
    with pytest.raises(ImportFileError, match="not UTF-8"):
        read_csv_columns(b"a\n\xe9\n", required=["a"])
    assert read_csv_columns(b"a,b\n", required=["a"]).columns == {"a": [], "b": []}


class ColumnsTrustImporter(TrustImporter):
    """Plans from whole columns unless a name is blank (then row by row)."""

    plans_columns = True

    def __init__(self) -> None:
        super().__init__()
        self.rows_parsed = 0

    def parse_row(self, row: Any, report: Any) -> str | None:
        self.rows_parsed += 1
        return super().parse_row(row, report)

    def plan_columns(self, columns: Any) -> list[str] | None:
        names = [name.strip() for name in columns.columns["name"]]
        if not all(names):
            return None
        return self.plan(names, None)


def test_an_importer_may_plan_from_whole_columns(db: Any) -> None:
    fast = ColumnsTrustImporter()
    outcome = fast.run(b"name\nA\n B \n")
    assert outcome.applied and outcome.rows == 2 and fast.rows_parsed == 0
    assert sorted(Trust.objects.values_list("name", flat=True)) == ["A", "B"]
    slow = ColumnsTrustImporter()
    outcome = slow.run(b"name\nC\n,\n", dry_run=True)
    assert slow.rows_parsed == 1  # the blank row is skipped by the row-by-row reading
    assert outcome.ok and [c.key for c in outcome.changes] == ["C"]
    refused = ColumnsTrustImporter()
    outcome = refused.run(b"name,x\nD,1\n ,2\n")
    assert [str(e) for e in outcome.errors] == ["line 3, column name: is required and is blank"]


@pytest.mark.parametrize(
    "data",
    [b"a,b\n1,2", b"a,b", b"a,b\n", b"a,b\r\n1,2\r\n3,", b"a,b,\n1,2,\n3,4,\n", b"a\n1\n2\n"],
)
def test_columns_hold_the_same_cells_as_the_rows(data: bytes) -> None:
    columns = read_csv_columns(data, required=["a"])
    table = read_csv(data, required=["a"])
    assert columns.columns is not None and columns.count == len(table.rows)
    for key, cells in columns.columns.items():
        assert [c.strip() for c in cells] == [r.values[key] for r in table.rows]
