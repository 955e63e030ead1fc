"""The notification centre in a real browser (Debian's Chromium): the unread
badge in the navigation, marking one read without a page load, following a
notification to its record, mark all read."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from pastoral.notifications import services
from tests.browser.conftest import browser, browser_login, page  # noqa: F401  (fixtures)
from tests.caseload.factories import make_plan

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_the_notification_centre_journey(
    page: Any,  # noqa: F811
    browser_login: Any,  # noqa: F811
    world: Any,
) -> None:
    today = timezone.localdate()
    plans = [make_plan(world.learner9, next_review=today - dt.timedelta(days=n)) for n in (1, 2)]
    services.reminders_run(today=today)

    browser_login(world.user("support"))
    nav = page.get_by_role("navigation", name="Main")
    badge = nav.locator("#notification-badge")
    badge.get_by_text("2").wait_for()

    nav.get_by_role("link", name="Notifications").click()
    page.get_by_role("heading", name="Notifications").wait_for()
    first_title = f"(P-{plans[0].pk})"
    assert page.get_by_role("link", name=first_title).count() == 1
    # In the app a notification names the learner it is about (e-mails do not).
    assert page.get_by_role("link", name=f"{world.learner9.legal_first_name} Nine").count() >= 1

    # Mark one read in place: the row loses its button, the badge follows.
    row = page.locator("li", has=page.get_by_role("link", name=f"(P-{plans[0].pk})"))
    row.get_by_role("button", name=re.compile("^Mark as read")).click()
    row.get_by_role("button").wait_for(state="detached")
    badge.get_by_text("1").wait_for()

    # Following a notification opens the plan it is about.
    page.get_by_role("link", name=f"(P-{plans[1].pk})").click()
    page.wait_for_url(f"**/caseload/plans/{plans[1].pk}/")

    nav.get_by_role("link", name="Notifications").click()
    assert page.get_by_role("button", name="Mark all as read").count() == 0
    assert badge.inner_text().strip() == ""
