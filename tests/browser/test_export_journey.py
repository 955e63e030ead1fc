"""A SENCO filters the learner list to Year 9, downloads it as CSV and as XLSX,
and prints it: the files hold exactly the Year 9 rows the page lists, and the
printed page has no navigation, filters or buttons."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl

from tests.factories import LearnerFactory


def _download(page: Any, name: str, suffix: str) -> Path:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename.startswith("learners-")
    assert download.suggested_filename.endswith(suffix)
    return Path(download.path())


def test_the_learner_list_filtered_to_year_9_downloads_as_csv_and_xlsx(
    page: Any, browser_login: Any, world: Any
) -> None:
    for i in range(3):
        LearnerFactory(year_group=world.year9, legal_last_name=f"Ninth{i}")
    LearnerFactory(year_group=world.year9, legal_last_name="=HYPERLINK(1)")
    for i in range(4):
        LearnerFactory(year_group=world.year10, legal_last_name=f"Tenth{i}")
    browser_login(world.user("senco"))
    page.goto("/learners/")
    page.get_by_label("Year").select_option(label="Year 9")
    page.wait_for_url("**/learners/?*year_group=*")
    status = page.get_by_role("status").filter(has_text="learners")
    status.filter(has_text="5 learners").wait_for()
    on_page = page.locator("#learner-rows tbody td:nth-child(2)").all_inner_texts()
    assert len(on_page) == 5

    with _download(page, "Export CSV", ".csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:4] == ["Last name", "First name", "UPN", "Year"]
    assert [r[2] for r in rows[1:]] == on_page
    assert {r[3] for r in rows[1:]} == {"Year 9"}
    assert "'=HYPERLINK(1)" in [r[0] for r in rows[1:]]

    xlsx = _download(page, "Export XLSX", ".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.read_bytes())).worksheets[0]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0] == rows[0]
    assert [r[2] for r in cells[1:]] == on_page
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)

    # Printed: the list without the navigation, the filters or the buttons; the
    # table as wide as the page and nothing to scroll sideways.
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Main").is_visible()
    assert not page.get_by_role("link", name="Export CSV").is_visible()
    assert not page.get_by_role("button", name="Filter").is_visible()
    table = page.locator("#learner-rows table")
    assert table.is_visible()
    width = page.evaluate("document.documentElement.clientWidth")
    assert table.bounding_box()["width"] >= width * 0.95
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert (
        page.locator("#learner-rows thead").evaluate("el => getComputedStyle(el).display")
        == "table-header-group"
    )
