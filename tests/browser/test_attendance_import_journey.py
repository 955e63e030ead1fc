"""Issue 19: the administrator imports a week of marks exported one row per
learner (a column per session, saved by Excel as Windows-1252), sees every
change before anything is saved, confirms, and the marks are in the
register. The preview page passes axe at desktop and phone widths."""

from __future__ import annotations

from typing import Any

from attendance.models import Mark
from tests.attendance.helpers import calendar
from tests.auth import browser_sign_in
from tests.browser.test_accessibility import WIDTHS, _violations


def test_an_administrator_previews_and_confirms_a_wide_marks_file(
    page: Any, world: Any, tmp_path: Any
) -> None:
    calendar(world.school)
    Mark.objects.create(
        school=world.school, learner=world.learner9, date="2025-11-03", session="AM", code="N"
    )
    body = (
        "UPN,Surname,Forename,2025-11-03 AM,2025-11-03 PM,2025-11-04 AM\n"
        f"{world.learner9.upn},Nine,Nina,/,\\,L\n"
        f"{world.learner10.upn},Ten,Tëss,I,I,\n"
    )
    upload = tmp_path / "marks-week.csv"
    upload.write_bytes(body.encode("cp1252"))
    browser_sign_in(page, world.user("admin"))
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Attendance import"
    ).click()
    page.get_by_label("CSV file of marks").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Check the import of marks-week.csv").is_visible()
    assert page.get_by_text("One row per learner, a column per session").is_visible()
    table = page.get_by_role("region", name="Changes by learner and date")
    assert (
        table.get_by_role("row")
        .filter(has_text="Nine, Nina")
        .filter(has_text="Mon 3 Nov 2025")
        .filter(has_text="Changed")
        .is_visible()
    )
    assert Mark.objects.count() == 1  # nothing saved yet

    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        problems = _violations(page)
        if problems:
            found[width] = problems
    page.set_viewport_size({"width": 1280, "height": 900})
    assert found == {}

    page.get_by_role("button", name="Confirm and import").click()
    page.get_by_text("marks created").wait_for()
    assert sorted(Mark.objects.filter(learner=world.learner9).values_list("code", flat=True)) == [
        "/",
        "L",
        "\\",
    ]
    assert Mark.objects.filter(learner=world.learner10, code="I").count() == 2
