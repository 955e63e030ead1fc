"""Issue 16, journey 2: an AP placement cannot start until the provider's written
confirmation of safer-recruitment checks is recorded; then "where is this learner
now?" answers the provider. The new pages pass axe at desktop and phone widths."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from pastoral.calendar import is_bank_holiday
from provision.models import Placement
from tests.browser.test_accessibility import WIDTHS, _violations
from tests.provision.factories import make_provider

SESSIONS = [
    f"{day} {half}"
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
    for half in ("morning", "afternoon")
]


def _sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def _school_weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5 or is_bank_holiday(day):
        day += dt.timedelta(days=1)
    return day


def _axe(page: Any) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert _violations(page) == [], page.url
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_placement_starts_only_with_the_confirmation_then_where_answers_the_provider(
    page: Any, browser_login: Any, world: Any, settings: Any, tmp_path: Any
) -> None:
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    provider = make_provider(world.school, "Hillside Farm School", confirmed="missing")
    learner = world.learner9
    today = timezone.localdate()

    browser_login(world.user("hoy"))
    page.goto(f"/learners/{learner.pk}/")
    page.get_by_role("link", name="Alternative provision / where now").click()
    page.wait_for_url(f"**/provision/learners/{learner.pk}/")
    page.get_by_role("link", name="New placement").click()
    page.get_by_label("Provider").select_option(label="Hillside Farm School")
    page.get_by_label("First day").fill(today.isoformat())
    page.get_by_label("Last day").fill((today + dt.timedelta(days=56)).isoformat())
    for label in SESSIONS:
        page.get_by_label(label, exact=True).check()
    page.get_by_label("Commissioning reason").select_option(label="Re-engagement with education")
    page.get_by_label("Why this placement, and its objectives").fill(
        "Small-group farm programme to rebuild attendance."
    )
    page.get_by_role("button", name="Save and start the placement").click()
    error = page.locator("#div_id_provider")
    assert "no written confirmation of safer-recruitment checks" in error.inner_text()
    assert not Placement.objects.exists()
    _axe(page)

    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_url("**/provision/placements/*/")
    placement = Placement.objects.get()
    assert placement.status == Placement.Status.DRAFT
    page.get_by_role("button", name="Start the placement").click()
    assert (
        "Hillside Farm School has no written confirmation"
        in page.locator("#placement-provider").inner_text()
    )
    placement.refresh_from_db()
    assert placement.status == Placement.Status.DRAFT
    _axe(page)
    _sign_out(page)

    # The office records the provider's letter.
    browser_login(world.user("admin"))
    page.goto("/provision/providers/")
    page.get_by_role("link", name="Hillside Farm School").click()
    page.get_by_role("link", name="Record safer-recruitment confirmation").click()
    page.get_by_label("Confirmed by").fill("Hal Hill, head of centre")
    page.get_by_label("Date of the confirmation").fill(today.isoformat())
    page.get_by_label("Valid until").fill((today + dt.timedelta(days=365)).isoformat())
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/provision/providers/{provider.pk}/")
    assert page.get_by_text(
        "Written confirmation of safer-recruitment checks valid until"
    ).is_visible()
    _axe(page)
    _sign_out(page)

    browser_login(world.user("hoy"))
    page.goto(f"/provision/placements/{placement.pk}/")
    page.get_by_role("button", name="Start the placement").click()
    page.wait_for_url(f"**/provision/placements/{placement.pk}/")
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE

    # Where is the learner now? On a school day, at the provider, with its phone.
    page.goto(f"/provision/learners/{learner.pk}/")
    if today == _school_weekday(today):
        assert "At Hillside Farm School" in page.locator("#where-heading + p").inner_text()
    _axe(page)
    page.get_by_role("link", name="Where for another session").click()
    day = _school_weekday(today + dt.timedelta(days=1))
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Session").select_option(label="Afternoon")
    page.get_by_role("button", name="Ask").click()
    answer = page.get_by_role("region", name=f"Where is {learner.first_name}?", exact=False)
    text = answer.inner_text()
    assert "At Hillside Farm School" in text and "01632 960123" in text
    _axe(page)
