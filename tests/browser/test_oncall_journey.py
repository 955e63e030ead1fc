"""On-call on a 390 px phone: the teacher asks in two taps from the behaviour
home (room and lesson remembered from her last request); the head of year, on
the on-call rota, sees the request appear on her open page without reloading
(htmx polling), accepts it and resolves it with "removed from class", naming
the learner; the removal is counted on the learner's behaviour page. The
pages pass axe at both widths."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from behaviour.models import OnCallMember, OnCallRequest, Removal
from tests.auth import browser_sign_in
from tests.browser.test_accessibility import WIDTHS, _violations


def test_a_teacher_calls_on_call_in_two_taps_and_the_removal_is_counted(
    page: Any, browser: Any, live_server: Any, browser_login: Any, world: Any
) -> None:
    teacher = world.user("staff")
    hoy = world.user("hoy")
    OnCallMember.objects.create(school=world.school, user=hoy, added_by=world.user("dsl"))
    # Her last request (yesterday): the room and lesson the form remembers.
    OnCallRequest.objects.create(
        school=world.school,
        requested_by=teacher,
        requested_at=timezone.now() - dt.timedelta(days=1),
        room="S12",
        lesson="P3 Science",
        reason="refusal",
        status="resolved",
        outcome="returned",
    )

    # The head of year has the on-call page open on a desktop.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    desk = context.new_page()
    desk.set_default_timeout(20_000)
    desk.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    browser_sign_in(desk, hoy)
    desk.goto(reverse("behaviour:oncall"))
    live = desk.locator("#oncall-live")
    expect(live).to_contain_text("No open requests.")

    # The teacher, on her phone: two taps from the behaviour home.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(teacher)
    page.goto(reverse("behaviour:home"))
    page.get_by_role("link", name="Call on-call").click()  # tap 1
    page.get_by_role("button", name="Persistent disruption").click()  # tap 2
    asked = OnCallRequest.objects.get(reason="disruption")
    page.wait_for_url(f"**/behaviour/oncall/{asked.pk}/")
    assert page.get_by_role("status").filter(has_text="On-call asked to S12").is_visible()
    assert (asked.room, asked.lesson, asked.requested_by) == ("S12", "P3 Science", teacher)

    # It appears on the head of year's page by itself (polling), and she accepts it.
    expect(live).to_contain_text("S12 · P3 Science: Persistent disruption")
    live.get_by_role("button", name=f"Accept {asked.reference} in S12").click()
    desk.wait_for_url(f"**/behaviour/oncall/{asked.pk}/")
    expect(desk.get_by_role("status")).to_contain_text(f"You accepted {asked.reference}")
    desk.get_by_label("Outcome").select_option(label="Removed from class")
    desk.get_by_label("Learner (for a removal)").select_option(str(world.learner9.pk))
    desk.get_by_label("Where the learner went (removals)").fill("Room B4")
    desk.get_by_label("Out of the lesson for (minutes)").fill("40")
    desk.get_by_role("button", name="Resolve").click()
    expect(desk.get_by_role("status")).to_contain_text(f"{asked.reference} resolved")
    asked.refresh_from_db()
    assert asked.status == "resolved" and asked.accepted_by == hoy
    assert asked.requested_at <= asked.accepted_at <= asked.resolved_at
    expect(desk.get_by_text("to Room B4 for 40 minutes")).to_be_visible()

    # The teacher's page shows who accepted and resolved it.
    page.reload()
    expect(page.get_by_text("Removed from class", exact=False).first).to_be_visible()

    # The removal is counted on the learner's behaviour page.
    removal = Removal.objects.get(request=asked)
    assert removal.learner == world.learner9 and removal.removed_by == teacher
    desk.goto(reverse("behaviour:learner", args=[world.learner9.pk]))
    expect(desk.locator(".removal-count")).to_contain_text(
        "Removed from class 1 time in the last 5 school days"
    )

    found = {}
    checks = [
        (page, reverse("behaviour:home")),
        (page, reverse("behaviour:oncall")),
        (page, reverse("behaviour:oncall-detail", args=[asked.pk])),
        (page, reverse("behaviour:oncall-requests")),
        (desk, reverse("behaviour:oncall")),
        (desk, reverse("behaviour:oncall-requests") + "?state=closed"),
        (desk, reverse("behaviour:removals")),
        (desk, reverse("behaviour:learner", args=[world.learner9.pk])),
        (desk, reverse("behaviour:learner-removal", args=[world.learner9.pk])),
        (desk, reverse("behaviour:isolation")),
    ]
    for width in WIDTHS:
        for who, url in checks:
            who.set_viewport_size({"width": width, "height": 900})
            who.goto(url)
            problems = _violations(who)
            if problems:
                found[f"{url} @ {width}px"] = problems
    context.close()
    assert found == {}
