"""The safeguarding journey of issue 4, in Chromium: staff logs a concern with an
attachment -> the DSL sees it in the inbox -> triages it as restricted -> records
a referral -> the author no longer sees the later entries -> the key worker
cannot see it -> the DSL shares it with the key worker -> the key worker can,
and the audit trail shows every view."""

from __future__ import annotations

import re
from typing import Any

from pastoral.models import AuditEvent
from safeguarding.models import Concern, ConcernDraft
from tests.safeguarding.helpers import PDF_BYTES


def _sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_it_runs_the_safeguarding_journey(
    page: Any, browser_login: Any, world: Any, settings: Any, tmp_path: Any
) -> None:
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    staff, dsl, keyworker = world.user("staff"), world.user("dsl"), world.user("support")

    # A member of staff logs a concern with an attachment.
    browser_login(staff)
    page.goto("/safeguarding/")
    page.locator("#learner-search").fill("nin")
    page.get_by_role("button", name=re.compile("Add Nina Nine")).click()
    assert page.locator("#chosen-learners").get_by_text("Nina Nine").is_visible()
    page.get_by_label("Where").fill("Year 9 corridor")
    page.get_by_label("Neglect").check()
    page.get_by_label("What was seen or said (verbatim)").fill(
        'Said "there was no tea again last night" and asked for toast at break.'
    )
    # The body map: a click on the front diagram and a body part chosen by keyboard.
    page.locator('svg[data-bodymap-view="front"]').click(position={"x": 40, "y": 120})
    page.get_by_label("Back: body part").select_option("lower-back")
    assert page.locator("#bodymap-list li").count() == 2
    # The one-key hide: Escape twice blanks the page; the button brings it back.
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    assert page.get_by_role("button", name="Show the page again").is_visible()
    assert not page.get_by_label("What was seen or said (verbatim)").is_visible()
    page.get_by_role("button", name="Show the page again").click()
    page.get_by_label("Attachments").set_input_files(
        {"name": "note.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    # The draft has been saved on the server while typing.
    page.locator("#draft-status").get_by_text("Draft saved").wait_for()
    assert ConcernDraft.objects.filter(user=staff).exists()
    page.get_by_role("button", name="Submit concern").click()
    page.get_by_text(re.compile(r"Concern C-\d+ logged")).wait_for()
    concern = Concern.objects.get()
    assert concern.attachments.count() == 1
    assert len(concern.body_map) == 2
    _sign_out(page)

    # The DSL sees it in the inbox, triages it as restricted and records a referral.
    browser_login(dsl)
    page.goto("/safeguarding/inbox/")
    assert (
        page.get_by_text("1 not yet triaged").is_visible()
        or "1</strong> not yet triaged" in page.content()
    )
    page.get_by_role("link", name=concern.reference).click()
    page.get_by_role("link", name="Triage this concern").click()
    page.get_by_label("Restricted (child protection)").check()
    page.get_by_label("Next action").fill("Refer to MASH today")
    page.get_by_role("button", name="Save triage").click()
    page.get_by_text(f"{concern.reference} triaged.").wait_for()
    page.locator("#action_kind").select_option("social_care")
    page.locator("#action_details").fill("Referred to MASH by phone, reference 4471.")
    page.get_by_role("button", name="Record action").click()
    page.get_by_text("Action recorded.").wait_for()
    _sign_out(page)

    # The author still sees what they wrote, not what the DSL did.
    browser_login(staff)
    page.goto("/safeguarding/mine/")
    page.get_by_role("link", name=concern.reference).click()
    assert page.get_by_text("no tea again last night").is_visible()
    body = page.content()
    assert "Referred to MASH" not in body and "Refer to MASH today" not in body
    assert "Restricted" not in body
    _sign_out(page)

    # The key worker cannot see it.
    browser_login(keyworker)
    response = page.goto(f"/safeguarding/concerns/{concern.pk}/")
    assert response.status == 404
    _sign_out(page)

    # The DSL shares it with the key worker.
    browser_login(dsl)
    page.goto(f"/safeguarding/concerns/{concern.pk}/")
    page.locator("#share_user").select_option(str(keyworker.pk))
    page.locator("#share_reason").fill("Key worker runs her 1:1 sessions")
    page.get_by_role("button", name="Share", exact=True).click()
    page.get_by_text("Shared. They can see this concern from now on.").wait_for()
    _sign_out(page)

    # Now the key worker can, referral and all.
    browser_login(keyworker)
    response = page.goto(f"/safeguarding/concerns/{concern.pk}/")
    assert response.status == 200
    assert page.get_by_text("Referred to MASH by phone").is_visible()

    # The audit trail shows every view, by whom, about which learner.
    views = AuditEvent.objects.filter(
        action="safeguarding.concern.viewed", object_id=str(concern.pk)
    )
    assert {staff.pk, dsl.pk, keyworker.pk} <= {e.actor_id for e in views}
    assert {e.learner_id for e in views} == {world.learner9.pk}
    assert AuditEvent.objects.filter(action="safeguarding.concern.shared").exists()


def _expire_sessions_of(user: Any) -> None:
    """Make the person's sessions look idle for longer than the limit."""
    import time

    from django.conf import settings as django_settings
    from django.contrib.sessions.models import Session

    from pastoral.middleware import SESSION_SEEN_KEY

    for row in Session.objects.all():
        data = row.get_decoded()
        if str(data.get("_auth_user_id")) == str(user.pk):
            data[SESSION_SEEN_KEY] = time.time() - django_settings.SESSION_IDLE_MINUTES * 60 - 60
            row.session_data = Session.objects.encode(data)
            row.save()


def test_a_draft_survives_an_expired_session(page: Any, browser_login: Any, world: Any) -> None:
    import time

    staff = world.user("staff")
    browser_login(staff)
    page.goto("/safeguarding/")
    box = page.get_by_label("What was seen or said (verbatim)")
    box.fill("He said his uncle")
    page.locator("#draft-status").get_by_text("Draft saved").wait_for()
    # The session runs out while they are still typing.
    _expire_sessions_of(staff)
    box.press_sequentially(" shouts at him every night")
    page.wait_for_url("**/accounts/login/**")
    # They sign in again and find everything they typed.
    browser_login(staff)
    page.goto("/safeguarding/")
    assert page.get_by_label("What was seen or said (verbatim)").input_value() == (
        "He said his uncle shouts at him every night"
    )
    deadline = time.time() + 10
    while time.time() < deadline:
        draft = ConcernDraft.objects.filter(user=staff).first()
        if draft and draft.data.get("description", "").endswith("every night"):
            break
        time.sleep(0.2)
    assert ConcernDraft.objects.get(user=staff).data["description"] == (
        "He said his uncle shouts at him every night"
    )
