"""A lost second factor: the administrator resets it with their own fresh code,
the person re-enrols through a one-time link, and they and the DSLs are told."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from pastoral.accounts.models import Invitation
from pastoral.accounts.otp import SESSION_OTP_AT
from pastoral.models import AuditEvent
from pastoral.notifications.models import Notification
from tests.auth import totp_code, totp_device
from tests.conftest import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/accounts/invitation/([\w-]+)/")


def _stale(client: Client) -> None:
    """The administrator last entered a code long ago: a fresh one is needed."""
    session = client.session
    session[SESSION_OTP_AT] = time.time() - 3600
    session.save()


@pytest.fixture
def admin(world: Any, client: Client) -> Client:
    sign_in(client, world.user("admin"), school=world.school)
    _stale(client)
    return client


def _url(world: Any, role: str = "staff") -> str:
    return reverse("accounts:two-factor-reset", kwargs={"pk": world.user(role).pk})


def test_a_reset_needs_the_administrators_own_fresh_code(world: Any, admin: Client) -> None:
    person = world.user("staff")
    totp_device(person)
    page = admin.get(_url(world))
    assert page.status_code == 200 and "Reset two-factor sign-in" in page.text
    missing = admin.post(_url(world), {"code": ""})
    assert missing.status_code == 422 and "Enter the code" in missing.text
    wrong = admin.post(_url(world), {"code": "000000"})
    assert wrong.status_code == 422 and "did not work" in wrong.text
    assert TOTPDevice.objects.filter(user=person).exists()
    failed = AuditEvent.objects.filter(action="accounts.user.sign_in_failed").latest("id")
    assert failed.changes["stage"] == "second-factor reset"
    assert not AuditEvent.objects.filter(action="accounts.two_factor.reset").exists()


def test_the_reset_removes_the_factor_tells_everyone_and_the_person_re_enrols(
    world: Any, admin: Client, django_capture_on_commit_callbacks: Any
) -> None:
    person = world.user("dsl")  # a DSL, whose second factor is required
    old = totp_device(person)
    theirs = Client()
    sign_in(theirs, person, school=world.school)
    code = totp_code(totp_device(world.user("admin")))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(_url(world, "dsl"), {"code": code})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticDevice.objects.filter(user=person).exists()
    event = AuditEvent.objects.get(action="accounts.two_factor.reset")
    assert event.actor == world.user("admin") and event.changes["confirmed_by"] == "totp"
    # The DSL team (the other DSLs; here the person is the only one) and the person are told.
    told = set(Notification.objects.values_list("recipient__email", flat=True))
    assert person.email in told
    (message,) = [m for m in mail.outbox if m.to == [person.email] and "again" in m.subject]
    token = LINK.search(message.body).group(1)
    assert Invitation.objects.get(user=person).purpose == "reenrol"
    # The re-enrolment link asks for their (unchanged) password, then the app.
    invitee = Client()
    url = reverse("accounts:invitation-accept", kwargs={"token": token})
    page = invitee.get(url)
    assert page.status_code == 200 and "Set up two-factor sign-in again" in page.text
    wrong = invitee.post(url, {"password": "not-my-password"})
    assert wrong.status_code == 422 and "not your password" in wrong.text
    step = invitee.post(url, {"password": TEST_PASSWORD})
    assert step.status_code == 302
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    assert device.pk != old.pk
    done = invitee.post(step["Location"], {"code": totp_code(device)})
    assert done.status_code == 302
    assert invitee.get("/").status_code == 200
    person.refresh_from_db()
    assert person.check_password(TEST_PASSWORD)
    assert Client().get(url).status_code == 410


def test_the_dsls_are_told_when_someone_elses_factor_is_reset(world: Any, admin: Client) -> None:
    code = totp_code(totp_device(world.user("admin")))
    admin.post(_url(world, "senco"), {"code": code})
    recipients = set(Notification.objects.values_list("recipient__email", flat=True))
    assert {world.user("dsl").email, world.user("senco").email} <= recipients
    assert world.user("staff").email not in recipients


def test_a_reset_ends_the_persons_sessions(world: Any, admin: Client) -> None:
    person = world.user("staff")
    theirs = Client()
    theirs.post(reverse("login"), {"username": person.email, "password": TEST_PASSWORD})
    assert theirs.get("/").status_code == 200
    code = totp_code(totp_device(world.user("admin")))
    admin.post(_url(world), {"code": code})
    assert theirs.get("/").status_code == 302


def test_wrong_passwords_kill_a_re_enrolment_link(world: Any, admin: Client) -> None:
    from pastoral.accounts.services.invitations import MAX_LINK_FAILURES

    code = totp_code(totp_device(world.user("admin")))
    admin.post(_url(world), {"code": code})
    invitation = Invitation.objects.get(user=world.user("staff"))
    from pastoral.accounts.services.invitations import _new_token

    token, digest = _new_token()
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=digest)
    url = reverse("accounts:invitation-accept", kwargs={"token": token})
    client = Client()
    for _ in range(MAX_LINK_FAILURES - 1):
        assert client.post(url, {"password": "nope"}).status_code == 422
    assert client.post(url, {"password": "nope"}).status_code == 410
    assert client.post(url, {"password": TEST_PASSWORD}).status_code == 410


def test_an_administrator_cannot_reset_their_own(world: Any, admin: Client) -> None:
    code = totp_code(totp_device(world.user("admin")))
    response = admin.post(_url(world, "admin"), {"code": code})
    assert response.status_code == 422 and "cannot reset your own" in response.text


def test_the_code_page_says_whom_to_ask(world: Any) -> None:
    person = world.user("dsl")
    totp_device(person)
    client = Client()
    client.post(reverse("login"), {"username": person.email, "password": TEST_PASSWORD})
    page = client.get(reverse("accounts:otp-verify"))
    assert "ask your school administrator, who can reset it from Staff and roles" in page.text
