"""Issue 16, LA returns: the attendance officer (the SENCO, who does attendance
for the whole school in the world) finds a learner with 10 consecutive school
days of unauthorised absence on the "LA notifications due" queue, records the
notification, downloads the notice (its PDF text read back) and sees the
learner leave the queue; the penalty-notice list shows a learner with the
sessions counted. Every page passes axe at desktop and phone widths."""

from __future__ import annotations

import subprocess
from typing import Any

from django.utils import timezone

from attendance.models import LaAbsenceNotification, RollChange
from tests.attendance.la_helpers import absent_run
from tests.browser.test_accessibility import WIDTHS, _violations


def _axe(page: Any) -> dict[int, Any]:
    found: dict[int, Any] = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if problems := _violations(page):
            found[width] = problems
    # At 320 px nothing may scroll sideways (the accessibility walk's rule).
    page.set_viewport_size({"width": 320, "height": 900})
    if (scroll := page.evaluate("document.documentElement.scrollWidth")) > 320:
        found[320] = scroll
    page.set_viewport_size({"width": 1280, "height": 900})
    return found


def test_the_officer_notifies_the_la_of_a_ten_day_absence(
    page: Any, browser_login: Any, world: Any
) -> None:
    today = timezone.localdate()
    run = absent_run(world.learner9, 10)
    absent_run(world.learner10, 6, code="G")  # 12 unauthorised sessions: penalty threshold
    name = world.learner9.display_name
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    browser_login(world.user("senco"))
    page.goto("/attendance/")
    page.get_by_role("link", name="LA notifications due").click()
    page.wait_for_url("**/attendance/la-returns/")
    row = page.get_by_role("row").filter(has_text=name)
    assert "still absent" in row.inner_text() and "10" in row.inner_text()
    assert _axe(page) == {}

    row.get_by_role("link", name="Record the notification").click()
    page.wait_for_url(f"**/la-returns/learners/{world.learner9.pk}/{run[0].isoformat()}/notify/")
    assert _axe(page) == {}
    page.get_by_label("How the local authority was told").select_option("email")
    page.get_by_label("LA reference").fill("EWS-4471")
    page.get_by_role("button", name="Record the notification").click()
    page.wait_for_url("**/la-returns/notified/*")
    item = LaAbsenceNotification.objects.get()
    assert (item.learner, item.notified_on, item.la_reference) == (
        world.learner9,
        today,
        "EWS-4471",
    )
    assert page.get_by_role("row").filter(has_text="EWS-4471").is_visible()
    assert _axe(page) == {}

    # The notice for the LA, as the officer would attach it.
    link = page.get_by_role("link", name=f"Notice (PDF) for {name}")
    response = page.request.get(link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = " ".join(
        subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"],
            input=response.body(),
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split()
    )
    assert "Notification of continuous unauthorised absence" in text
    assert world.learner9.upn in text and "EWS-4471" in text and world.school.name in text

    # Off the queue now.
    page.get_by_role("link", name="LA notifications due").click()
    assert page.get_by_text("No learner is due to be notified.").is_visible()

    page.get_by_role("link", name="Penalty-notice threshold").click()
    page.wait_for_url("**/la-returns/penalty-notices/")
    penalty = page.get_by_role("row").filter(has_text=world.learner10.display_name)
    assert "12" in penalty.inner_text()
    assert _axe(page) == {}


def test_a_deletion_from_the_roll_is_recorded_and_notified(
    page: Any, browser_login: Any, world: Any
) -> None:
    today = timezone.localdate()
    name = world.learner9.display_name
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    browser_login(world.user("hoy"))
    page.goto(f"/attendance/learners/{world.learner9.pk}/")
    page.get_by_role("link", name="Record a roll change").click()
    assert _axe(page) == {}
    page.locator("#id_kind").select_option("deletion")
    page.get_by_label("Date of the change").fill(today.isoformat())
    page.get_by_label("Ground (reason code)").select_option("in_year")  # an addition's ground
    page.get_by_role("button", name="Save roll change").click()
    assert page.get_by_text("Choose a ground for a deletion (regulation 9)").is_visible()
    assert RollChange.objects.count() == 0
    page.get_by_label("Ground (reason code)").select_option("moved_away")
    page.get_by_role("button", name="Save roll change").click()
    page.wait_for_url("**/la-returns/roll-changes/*/")
    change = RollChange.objects.get()
    assert page.get_by_text("Ceased to attend and now lives too far").is_visible()
    assert _axe(page) == {}

    page.goto("/attendance/la-returns/roll-changes/")
    assert page.get_by_role("row").filter(has_text=name).is_visible()
    assert _axe(page) == {}
    page.get_by_role("link", name=name).click()
    page.get_by_label("How the local authority was told").select_option("portal")
    page.get_by_label("LA reference").fill("CME-310")
    page.get_by_role("button", name="Record the notification").click()
    page.locator("#roll-change").filter(has_text="CME-310").wait_for()
    change.refresh_from_db()
    assert change.la_notified_on == today and change.la_notified_how == "portal"
    page.goto("/attendance/la-returns/roll-changes/")
    assert page.get_by_text("No roll changes here.").is_visible()


def test_the_administrator_sets_the_thresholds(page: Any, browser_login: Any, world: Any) -> None:
    from attendance.selectors import attendance_settings_for

    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    browser_login(world.user("admin"))
    page.goto("/school/settings/")
    page.get_by_role("link", name="Local-authority return thresholds").click()
    assert _axe(page) == {}
    page.get_by_label("Consecutive school days of unauthorised absence").fill("15")
    page.get_by_role("button", name="Save thresholds").click()
    page.get_by_text("Local-authority thresholds saved.").wait_for()
    assert attendance_settings_for(world.school).la_consecutive_days == 15
    page.get_by_role("button", name="Add the default letters").click()
    page.get_by_text("2 default letters added.").wait_for()
    assert _axe(page) == {}
