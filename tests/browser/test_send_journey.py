"""Issue 16, SEND: the SENCO records an EHC plan, schedules the annual review,
sees its four dated steps, marks the advice requested, and the queue shows the
next step. The new pages pass axe at desktop and phone widths."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from caseload.models.send import EhcpReview, SenRecord
from tests.browser.test_accessibility import WIDTHS, _violations


def _axe(page: Any) -> dict[int, list[str]]:
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if problems := _violations(page):
            found[width] = problems
    page.set_viewport_size({"width": 1280, "height": 900})
    return found


def _uk(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def test_the_senco_records_an_ehc_plan_and_runs_the_annual_review(
    page: Any, browser_login: Any, world: Any
) -> None:
    today = timezone.localdate()
    issued = today - dt.timedelta(days=300)
    meeting = today + dt.timedelta(days=20)
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    browser_login(world.user("senco"))
    page.goto(f"/caseload/learners/{world.learner9.pk}/send/")
    assert page.get_by_text("No SEN record for this learner.").is_visible()
    assert _axe(page) == {}
    page.get_by_role("link", name="Record SEN").click()
    page.wait_for_url("**/send/edit/")
    assert _axe(page) == {}

    page.get_by_label("Status").select_option("ehcp")
    page.get_by_label("Primary need").select_option("SLCN")
    page.get_by_label("Provision").fill("Speech and language therapy weekly")
    page.get_by_label("Outcomes sought").fill("Joins in class discussion")
    # Without the issue date: refused beside the field, nothing saved.
    page.get_by_role("button", name="Save the record").click()
    assert page.get_by_text("Give the date the plan was issued.").is_visible()
    assert not SenRecord.objects.exists()
    page.get_by_label("Date the EHCP was issued").fill(issued.isoformat())
    page.get_by_role("button", name="Save the record").click()
    page.wait_for_url(f"**/caseload/learners/{world.learner9.pk}/send/")
    assert page.get_by_text("Communication and interaction").is_visible()
    assert page.get_by_text("Annual review due by").is_visible()

    page.get_by_role("link", name="Schedule the annual review").click()
    assert _axe(page) == {}
    page.get_by_label("Date of the review meeting").fill(meeting.isoformat())
    page.get_by_role("button", name="Schedule the review").click()
    page.wait_for_url(f"**/caseload/learners/{world.learner9.pk}/send/")
    review = EhcpReview.objects.get()
    assert not review.is_late
    steps = page.locator("table").first
    for name, due in [
        ("Advice and information requested", meeting - dt.timedelta(days=14)),
        ("Review meeting held", meeting),
        ("School's review report sent", meeting + dt.timedelta(days=14)),
        ("Local authority's decision received", meeting + dt.timedelta(days=28)),
    ]:
        row = steps.get_by_role("row").filter(has_text=name)
        assert _uk(due) in row.inner_text()
    assert _axe(page) == {}

    advice_row = page.get_by_role("row").filter(has_text="Advice and information requested")
    advice_row.get_by_role("button", name="Mark done").click()
    page.get_by_text("Marked done: Advice and information requested.").wait_for()
    assert f"{_uk(today)} by {world.user('senco').full_name}" in advice_row.inner_text()
    assert review.steps.get(kind="advice").done_by == world.user("senco")

    page.get_by_role("link", name="SEND reviews").click()
    page.wait_for_url("**/caseload/send/")
    row = page.get_by_role("row").filter(has_text=world.learner9.display_name)
    assert "Hold the review meeting" in row.inner_text()
    assert _uk(meeting) in row.inner_text()
    assert _axe(page) == {}
