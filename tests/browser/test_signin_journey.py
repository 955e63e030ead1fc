"""Signing in with a password and a code from an authenticator app."""

from __future__ import annotations

import re
from binascii import unhexlify
from typing import Any

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from pastoral.models import Role
from tests.auth import totp_code, totp_device
from tests.factories import TEST_PASSWORD, UserFactory, member


def _no_favicon(page: Any) -> None:
    # Chromium fetches /favicon.ico alongside each page; on the live server's
    # shared in-memory SQLite connection the two requests' session writes can
    # collide ("table is locked"), which a real deployment never sees.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))


def test_a_dsl_signs_in_with_password_and_code(page: Any, world: Any) -> None:
    _no_favicon(page)
    dsl = world.user("dsl")
    device = totp_device(dsl)
    page.goto("/learners/")
    page.wait_for_url("**/accounts/login/?next=*")
    page.get_by_label("E-mail").fill(dsl.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/?next=*")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("That code did not work")).to_be_visible()
    # django-otp makes the next try wait a second after a wrong code.
    page.wait_for_timeout(1100)
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/learners/")
    expect(page.get_by_role("heading", name="Learners")).to_be_visible()
    expect(page.get_by_role("link", name="Audit trail")).to_be_visible()


def test_a_new_head_of_year_enrols_an_authenticator(page: Any, world: Any) -> None:
    _no_favicon(page)
    hoy = member(UserFactory(full_name="Nell Newhoy"), world.school, Role.HEAD_OF_YEAR)
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(hoy.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/setup/*")
    expect(page.get_by_role("img", name="QR code to add Pastoral")).to_be_visible()
    secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    device = TOTPDevice.objects.get(user=hoy, confirmed=False)
    # What an authenticator app would compute from the secret on the page.
    from base64 import b32decode

    assert b32decode(secret) == unhexlify(device.key)
    code = TOTP(b32decode(secret)).token()
    page.get_by_label("Code").fill(f"{code:06d}")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/two-factor/recovery-codes/*")
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    page.get_by_role("link", name="I have kept my codes: continue").click()
    page.wait_for_url("**/")
    expect(page.get_by_text("Nell Newhoy")).to_be_visible()
