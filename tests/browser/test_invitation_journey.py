"""Issue 19: the administrator invites a teacher by e-mail; the teacher opens
the link from the e-mail, chooses a password, adds Pastoral to an
authenticator app (the code computed from the setup key the page shows) and
lands signed in; the same link a second time shows a clear page. The new
pages pass axe (WCAG 2.2 A/AA) at desktop and phone widths."""

from __future__ import annotations

import re
import time
from base64 import b32decode
from typing import Any

from django.core import mail
from django.urls import reverse
from django_otp.oath import TOTP

from pastoral.models import User
from tests.auth import browser_sign_in
from tests.browser.test_accessibility import WIDTHS, _violations

LINK = re.compile(r"https?://\S+?(/accounts/invitation/[\w-]+/)")
PASSWORD = "staffroom-kettle-42-biscuits"


def _fresh_page(browser: Any, live_server: Any) -> Any:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _code_from_key(key_text: str) -> str:
    secret = b32decode("".join(key_text.split()))
    totp = TOTP(secret, step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _axe(page: Any, urls: list[str], expect: int = 200) -> dict[str, list[str]]:
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for url in urls:
            response = page.goto(url)
            assert response is not None and response.status == expect, (url, response.status)
            problems = _violations(page)
            if problems:
                found[f"{url} @ {width}px"] = problems
    page.set_viewport_size({"width": 1280, "height": 900})
    return found


def test_a_teacher_invited_by_email_sets_up_their_account_and_is_signed_in(
    page: Any, browser: Any, live_server: Any, world: Any
) -> None:
    admin = world.user("admin")
    browser_sign_in(page, admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff and roles").click()
    page.get_by_role("link", name="Invite staff").click()
    page.get_by_label("Full name").fill("Tara Teacher")
    page.get_by_label("E-mail").fill("tara.teacher@oakfield.test")
    page.get_by_label("Job title").fill("Teacher of English")
    mail.outbox.clear()
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_load_state()
    assert page.get_by_text("Invitation sent to tara.teacher@oakfield.test").is_visible()
    assert page.get_by_role("cell", name="Sent, not yet used").is_visible()

    (message,) = [m for m in mail.outbox if m.to == ["tara.teacher@oakfield.test"]]
    link = LINK.search(message.body).group(1)

    teacher = _fresh_page(browser, live_server)
    teacher.goto(link)
    assert teacher.get_by_role("heading", name="Set up your account").is_visible()
    # Django's password rules, beside the field.
    teacher.locator("#id_password1").fill("short")
    teacher.locator("#id_password2").fill("short")
    teacher.get_by_role("button", name="Continue").click()
    teacher.wait_for_load_state()
    assert teacher.get_by_text("at least 12 characters").first.is_visible()
    teacher.locator("#id_password1").fill(PASSWORD)
    teacher.locator("#id_password2").fill(PASSWORD)
    teacher.get_by_role("button", name="Continue").click()
    teacher.wait_for_load_state()
    assert teacher.get_by_role("heading", name="Set up two-factor sign-in").is_visible()
    key = teacher.locator("#otp-secret").inner_text()
    teacher.get_by_label("Code").fill(_code_from_key(key))
    teacher.get_by_role("button", name="Confirm and sign in").click()
    teacher.wait_for_load_state()
    assert teacher.get_by_role("heading", name="Your recovery codes").is_visible()
    assert teacher.get_by_text("Your account is ready: you are signed in.").is_visible()
    teacher.get_by_role("link", name="I have kept my codes: continue").click()
    teacher.wait_for_load_state()
    assert teacher.url.rstrip("/") == live_server.url
    assert teacher.get_by_text("Tara Teacher").first.is_visible()
    assert teacher.get_by_role("button", name="Sign out").count() >= 1

    tara = User.objects.get(email="tara.teacher@oakfield.test")
    assert tara.check_password(PASSWORD)
    password_hash = tara.password

    # The same link again, in another browser: a clear page, nothing changes.
    again = _fresh_page(browser, live_server)
    response = again.goto(link)
    assert response is not None and response.status == 410
    assert again.get_by_role("heading", name="This link no longer works").is_visible()
    assert again.get_by_text("already been used").is_visible()
    tara.refresh_from_db()
    assert tara.password == password_hash

    # The administrator sees it accepted.
    page.goto(reverse("accounts:invitation-list"))
    assert page.get_by_role("cell", name="Accepted").is_visible()

    # Axe: the administrator's new pages ...
    found = _axe(
        page,
        [
            reverse("accounts:invitation-list"),
            reverse("accounts:invitation-create"),
            reverse("accounts:two-factor-reset", args=[tara.pk]),
            reverse("accounts:user-detail", args=[tara.pk]),
        ],
    )
    # ... and the invitee's, on a fresh invitation.
    mail.outbox.clear()
    page.goto(reverse("accounts:invitation-create"))
    page.get_by_label("Full name").fill("Omar Other")
    page.get_by_label("E-mail").fill("omar@oakfield.test")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_load_state()
    (message,) = [m for m in mail.outbox if m.to == ["omar@oakfield.test"]]
    fresh = LINK.search(message.body).group(1)
    invitee = _fresh_page(browser, live_server)
    found |= _axe(invitee, [fresh])
    invitee.locator("#id_password1").fill(PASSWORD)
    invitee.locator("#id_password2").fill(PASSWORD)
    invitee.get_by_role("button", name="Continue").click()
    invitee.wait_for_load_state()
    found |= _axe(invitee, [fresh + "authenticator/"])
    found |= _axe(again, [link], expect=410)
    assert found == {}
