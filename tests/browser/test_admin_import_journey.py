"""The school administrator's daily task: import learners from the MIS.

A file with a bad cell is refused with the line and column and changes
nothing; the corrected file shows a preview, and confirming imports it.
"""

from pathlib import Path
from typing import Any

from pastoral.models import Learner
from tests.pastoral.importdata import learner_row, to_csv, upn


def _upload(page: Any, path: Path) -> None:
    page.goto("/imports/")
    page.get_by_role("radio", name="Learners").check()
    page.get_by_label("File (CSV in UTF-8, or a CTF's XML)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_load_state()


def test_an_administrator_imports_learners_after_fixing_a_bad_row(
    page: Any, browser_login: Any, world: Any, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(to_csv([learner_row(1), learner_row(2, **{"Date of Birth": "31/02/2012"})]))
    good = tmp_path / "good.csv"
    good.write_bytes(to_csv([learner_row(1), learner_row(2)]))
    browser_login(world.user("admin"))

    _upload(page, bad)
    assert page.get_by_role("alert").filter(has_text="Nothing can be imported").is_visible()
    problems = page.get_by_role("table", name="Problems by line and column")
    assert "Date of Birth" in problems.inner_text()
    assert "3" in problems.locator("tbody tr").first.inner_text()  # line 3: header is line 1
    assert not Learner.objects.filter(upn__in=[upn(1), upn(2)]).exists()

    _upload(page, good)
    assert page.get_by_text("Preview: nothing has been changed yet").is_visible()
    assert not Learner.objects.filter(upn__in=[upn(1), upn(2)]).exists()
    page.get_by_role("button", name="Import these changes").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").filter(has_text="Imported: 2 created").is_visible()
    assert Learner.objects.filter(school=world.school, upn__in=[upn(1), upn(2)]).count() == 2
