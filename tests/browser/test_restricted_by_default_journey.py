"""Issue 14, hole 3, in Chromium: a member of staff logs a *Sexual abuse*
concern without ticking "DSL team only", and even asks for the head of year,
the SEN team and the key worker to be alerted (and names the SENCO in the
people picker). The concern is restricted from the moment it is saved: the
head of year, the SENCO and the key worker each get 404 on it and find no
trace of it in their lists, counts, search or notifications; the DSL sees it
as restricted."""

from __future__ import annotations

import re
from typing import Any

from pastoral.notifications.models import Notification
from safeguarding.models import Concern

DISCLOSURE = "Told me that her mum's boyfriend comes into her room at night"


def _sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_a_sexual_abuse_concern_reaches_only_the_dsl_team(
    page: Any, browser_login: Any, world: Any
) -> None:
    staff, dsl = world.user("staff"), world.user("dsl")
    learner = world.learner9

    browser_login(staff)
    page.goto("/safeguarding/")
    page.locator("#learner-search").fill("nin")
    page.get_by_role("button", name=re.compile("Add Nina Nine")).click()
    page.get_by_label("Where").fill("Library")
    # A pastoral category preselects its alert groups...
    page.get_by_label("Bullying", exact=True).check()
    assert page.get_by_label("The learner's head of year").is_checked()
    assert page.get_by_role("status").filter(has_text="will be restricted").is_hidden()
    # ...a restricted one says the concern will be restricted.
    page.get_by_label("Sexual abuse (DSL team only)").check()
    page.get_by_text("this concern will be restricted when you submit it").wait_for()
    page.get_by_label("What was seen or said (verbatim)").fill(DISCLOSURE)
    # The author asks for more people than the DSL team, and leaves the box unticked.
    page.get_by_label("SEN team (SENCO)").check()
    page.get_by_label("Key worker(s)").check()
    picker = page.locator("#id_alerted-ts-control")
    picker.fill("Sena")
    page.locator(".ts-dropdown .option", has_text="Sena Senco").click()
    assert page.locator(".ts-control .item", has_text="Sena Senco").is_visible()
    assert not page.get_by_label("Child protection: show to the DSL team only").is_checked()
    page.get_by_role("button", name="Submit concern").click()
    page.get_by_text(
        re.compile(r"Concern C-\d+ logged. Only the DSL team has been told")
    ).wait_for()
    concern = Concern.objects.get()
    assert concern.level == Concern.Level.RESTRICTED
    assert set(concern.alert_groups) == {"hoy", "sen", "keyworker"}
    assert list(concern.alerted.all()) == [world.user("senco")]
    _sign_out(page)

    for role in ("hoy", "senco", "support"):
        user = world.user(role)
        browser_login(user)
        assert page.goto(f"/safeguarding/concerns/{concern.pk}/").status == 404
        # Lists, counts, search and notifications: no trace.
        for url in (
            "/",
            f"/safeguarding/learners/{learner.pk}/",
            f"/caseload/learners/{learner.pk}/",
            "/learners/search/?q=Nina",
            "/notifications/",
            "/notifications/badge/",
            "/safeguarding/mine/",
        ):
            response = page.goto(url)
            body = page.content()
            assert response.status in (200, 404), (role, url, response.status)
            assert concern.reference not in body, (role, url)
            assert "boyfriend" not in body, (role, url)
        assert not Notification.objects.filter(recipient=user).exists(), role
        _sign_out(page)

    # The DSL team has it, as restricted, and was told.
    browser_login(dsl)
    page.goto("/safeguarding/inbox/")
    page.get_by_role("link", name=concern.reference).click()
    assert page.get_by_text(DISCLOSURE).is_visible()
    assert page.get_by_text("Restricted (child protection)").first.is_visible()
    assert Notification.objects.filter(recipient=dsl, url__endswith=f"/{concern.pk}/").exists()
