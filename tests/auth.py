"""Signing in within tests, through the same second factor as a real sign-in.

`verified_login` gives the person a confirmed TOTP device (if they have none)
and a session in which that device has just been verified, so the
two-factor middleware and `step_up_required` both let them through.
`browser_sign_in` completes the real sign-in form and the code page.
"""

from __future__ import annotations

import time
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from pastoral.accounts.otp import SESSION_OTP_AT
from pastoral.models import User


def totp_device(user: User) -> TOTPDevice:
    """The person's confirmed TOTP device, created if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device


def totp_code(device: TOTPDevice) -> str:
    """A code the device will accept now: the current time step, or the next one
    (inside the device's tolerance) if the current step was already used."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


def verified_login(client: Client, user: User) -> None:
    device = totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_OTP_AT] = time.time()
    session.save()


def browser_sign_in(page: Any, user: User, password: str | None = None) -> Any:
    """Sign in through the real form in the browser, then the code page.
    Returns the page."""
    from tests.factories import TEST_PASSWORD

    device = totp_device(user)
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(password or TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    return page
