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

from attendance.models import LaAbsenceNotification
from tests.attendance.la_helpers import absent_run
from tests.browser.test_accessibility import WIDTHS, _violations


def _axe(page: Any) -> dict[int, list[str]]:
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if problems := _violations(page):
            found[width] = problems
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
