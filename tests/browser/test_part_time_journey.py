"""Issue 16, journey 1: the key worker (who does attendance for their caseload in
the world) records a 4-week part-time timetable with a parent's agreement, prints
the local authority's notice, and a planned afternoon marked O appears on the
reconciliation list; the review reminder is delivered once. The new pages pass
axe at desktop and phone widths."""

from __future__ import annotations

import datetime as dt
import subprocess
from typing import Any

from django.utils import timezone

from attendance.models import Mark, PartTimeTimetable
from pastoral.notifications import services as notifications
from pastoral.notifications.models import Notification
from tests.browser.test_accessibility import WIDTHS, _violations


def _axe(page: Any) -> dict[int, list[str]]:
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if problems := _violations(page):
            found[width] = problems
    page.set_viewport_size({"width": 1280, "height": 900})
    return found


def test_a_part_time_timetable_is_recorded_notified_and_reconciled(
    page: Any, browser_login: Any, world: Any
) -> None:
    today = timezone.localdate()
    start = today - dt.timedelta(days=today.weekday() + 7)  # last week's Monday
    end = start + dt.timedelta(weeks=4, days=-3)  # the Friday of week 4
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    browser_login(world.user("support"))
    page.goto(f"/attendance/learners/{world.learner9.pk}/")
    page.get_by_role("link", name="Record a part-time timetable").click()
    assert _axe(page) == {}

    page.get_by_label("Yes").check()  # to manage behaviour: refused
    page.locator("#id_reason").fill("Phased return after an operation")
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_label("End date").fill(end.isoformat())
    page.get_by_label("Monday afternoon").check()
    page.get_by_label("Wednesday afternoon").check()
    page.get_by_label("Parent or carer who agreed").fill("Mrs Maya Parent")
    page.get_by_label("Agreed on").fill((start - dt.timedelta(days=3)).isoformat())
    page.get_by_label("How the agreement was recorded").select_option("meeting")
    page.get_by_label("Plan to return to full time").fill("Wednesday afternoons from week 3")
    page.get_by_label("First review").fill((start + dt.timedelta(weeks=2)).isoformat())
    page.get_by_role("button", name="Save part-time timetable").click()
    page.wait_for_load_state()
    assert page.get_by_text("Use the school's behaviour policy").is_visible()
    assert PartTimeTimetable.objects.count() == 0

    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save part-time timetable").click()
    page.wait_for_url("**/attendance/part-time/*/")
    timetable = PartTimeTimetable.objects.get()
    assert page.get_by_text("Not yet notified").is_visible()
    assert _axe(page) == {}

    # The LA's notice, as the officer would attach it.
    response = page.request.get(f"/attendance/part-time/{timetable.pk}/la-notice.pdf")
    assert response.ok
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=response.body(),
        capture_output=True,
        check=True,
    ).stdout.decode()
    text = " ".join(text.split())
    assert world.learner9.upn in text and "Mrs Maya Parent" in text
    assert f"{end:%-d %B %Y} (4 weeks)" in text

    page.locator("#id_how").select_option("portal")
    page.get_by_role("button", name="Record the notification").click()
    page.locator("#la-notified").filter(has_text="Notified").wait_for()
    timetable.refresh_from_db()
    assert timetable.la_notified_on == today and timetable.la_notified_how == "portal"

    # Last week's Monday afternoon was planned (C2) but marked O.
    Mark.objects.create(
        school=world.school, learner=world.learner9, date=start, session="PM", code="O"
    )
    page.goto("/attendance/")
    page.get_by_role("link", name="Check them against the marks").click()
    row = page.get_by_role("row").filter(has_text="Planned absence, marked O")
    assert row.first.is_visible()
    assert world.learner9.display_name in row.first.inner_text()
    assert _axe(page) == {}

    page.goto("/attendance/part-time/")
    assert page.get_by_role("link", name=world.learner9.display_name).is_visible()
    assert _axe(page) == {}

    # The review reminder reaches the officer once, however often the job runs.
    review_day = timetable.review_date
    notifications.reminders_run(today=review_day)
    notifications.reminders_run(today=review_day)
    assert (
        Notification.objects.filter(
            recipient=world.user("support"), kind="attendance.part_time_review_due"
        ).count()
        == 1
    )


def test_the_administrator_sets_the_longest_timetable(
    page: Any, browser_login: Any, world: Any
) -> None:
    from attendance.selectors import attendance_settings_for

    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    browser_login(world.user("admin"))
    page.goto("/school/settings/")
    page.get_by_role("link", name="Attendance settings").click()
    assert _axe(page) == {}
    page.get_by_label("Longest part-time timetable (weeks)").fill("8")
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Attendance settings saved.").wait_for()
    assert attendance_settings_for(world.school).part_time_max_weeks == 8
