"""The school administrator sets up the calendar: a term on screen, the LA's file
imported after fixing a bad row, bank holidays, and the go-live checklist item for
term dates turning done. The settings pages pass axe at desktop and phone widths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from pastoral.models import Term
from tests.auth import browser_sign_in
from tests.browser.test_accessibility import WIDTHS, _violations
from tests.school_settings.data import GOOD_ROWS, csv_of


def _upload(page: Any, path: Path) -> None:
    page.goto(reverse("school_settings:term-import"))
    page.get_by_label("Term-date file (CSV or iCalendar)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_load_state()


def test_an_administrator_enters_and_imports_term_dates(
    page: Any, browser_login: Any, world: Any, tmp_path: Path
) -> None:
    browser_login(world.user("admin"))
    page.goto("/")
    checklist = page.get_by_role("region", name="Go-live checklist")
    assert "To do" in checklist.locator("#golive-term_dates").inner_text()

    page.get_by_role("link", name="School settings").first.click()
    page.get_by_role("link", name="Term dates and closures").click()
    form = page.get_by_role("form", name="Add a term")
    form.get_by_label("Term name").fill("Autumn term")
    form.get_by_label("First day").fill("2026-09-03")
    form.get_by_label("Last day").fill("2026-12-18")
    form.get_by_role("button", name="Add term").click()
    page.wait_for_load_state()
    assert (
        page.get_by_role("table", name="Terms")
        .get_by_role("rowheader", name="Autumn term")
        .is_visible()
    )

    bad = tmp_path / "la-bad.csv"
    bad.write_bytes(csv_of(*GOOD_ROWS[1:], "INSET,Training day,2027-01-02,,2026/27"))
    _upload(page, bad)
    assert page.get_by_role("alert").filter(has_text="Nothing can be imported").is_visible()
    problems = page.get_by_role("table", name="Problems by line and column")
    first = problems.locator("tbody tr").first.inner_text()
    assert "6" in first and "Start" in first and "Saturday" in first
    assert Term.objects.filter(academic_year__school=world.school).count() == 1

    good = tmp_path / "la.csv"
    good.write_bytes(csv_of(*GOOD_ROWS))
    _upload(page, good)
    assert page.get_by_text("Preview: nothing has been changed yet").is_visible()
    page.get_by_role("button", name="Import these changes").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").filter(has_text="Imported").first.is_visible()
    assert Term.objects.filter(academic_year__school=world.school).count() == 3

    page.goto(reverse("school_settings:terms"))
    holidays = page.get_by_role("table", name="Bank holidays (England and Wales)")
    assert "Christmas Day" in holidays.inner_text() and "May Day" in holidays.inner_text()
    row = page.locator("#bank-holiday-2027-05-03")
    row.get_by_label("Why the school is open on May Day").fill("GCSE exam")
    row.get_by_role("button", name="Make it a school day").click()
    page.wait_for_load_state()
    assert "School day (GCSE exam)" in page.locator("#bank-holiday-2027-05-03").inner_text()

    page.goto(reverse("school_settings:checklist"))
    assert "Done" in page.locator("#golive-term_dates").inner_text()


@pytest.mark.parametrize("role", ["admin"])
def test_the_settings_pages_pass_axe(page: Any, world: Any, role: str) -> None:
    from attendance.models import LetterTemplate

    letter = LetterTemplate.objects.create(school=world.school, name="First", body="Dear {learner}")
    browser_sign_in(page, world.user(role))
    urls = [
        reverse("school_settings:hub"),
        reverse("school_settings:details"),
        reverse("school_settings:sessions"),
        reverse("school_settings:reminders"),
        reverse("school_settings:retention"),
        reverse("school_settings:terms"),
        reverse("school_settings:term-import"),
        reverse("school_settings:checklist"),
        reverse("attendance:letter-list"),
        reverse("attendance:letter-edit", args=[letter.pk]),
        "/",
    ]
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for url in urls:
            response = page.goto(url)
            assert response is not None and response.status == 200, (url, width)
            problems = _violations(page)
            if problems:
                found[f"{url} @ {width}px"] = problems
    assert found == {}
