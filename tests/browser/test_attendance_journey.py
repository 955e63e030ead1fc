"""A head of year sets an attendance target and sees the progress on the learner's page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from attendance.models import Mark, Target
from tests.attendance.helpers import marks


def test_it_sets_a_target_and_sees_progress(page: Any, browser_login: Any, world: Any) -> None:
    today = timezone.localdate()
    # Two weeks ago: eight sessions present and two unexplained (80% so far this year).
    monday = today - dt.timedelta(days=today.weekday() + 14)
    marks(world.learner9, ["/"] * 8 + ["N", "N"], start=monday)
    if today.weekday() < 5:
        Mark.objects.create(
            school=world.school, learner=world.learner9, date=today, session="AM", code="/"
        )

    # Chromium's favicon request and the page's can collide on the live server's
    # shared in-memory SQLite connection ("table is locked"); a server never sees it.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    browser_login(world.user("hoy"))
    page.goto(f"/learners/{world.learner9.pk}/")
    page.get_by_role("link", name="Attendance", exact=True).last.click()
    page.wait_for_url(f"**/attendance/learners/{world.learner9.pk}/")
    assert page.get_by_role("heading", name="Attendance: Nina Nine").is_visible()
    assert "No active target." in page.content()

    page.get_by_role("link", name="Set a target").click()
    page.get_by_label("Target attendance (%)").fill("96")
    page.get_by_label("Review date").fill((today + dt.timedelta(weeks=6)).isoformat())
    page.get_by_role("button", name="Save target").click()
    page.wait_for_url(f"**/attendance/learners/{world.learner9.pk}/")

    assert page.get_by_role("status").filter(has_text="Attendance target set.").is_visible()
    progress = page.locator("#target-progress")
    assert "96.0%" in progress.inner_text()
    baseline_text = progress.inner_text()
    target = Target.objects.get(learner=world.learner9)
    assert f"{target.baseline_percent}%" in baseline_text
    if today.weekday() < 5:
        # One session since the target was set: the figure shows, the status
        # waits for enough sessions to mean something.
        assert "100.0%" in baseline_text and "Too early to tell" in baseline_text
    # The chart has a text alternative and a table of the weekly figures.
    assert page.locator("svg.trend-chart title").first.text_content() == "Weekly attendance"
    page.get_by_text("The weekly figures as a table").click()
    assert page.locator("#trend-table").is_visible()
