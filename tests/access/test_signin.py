"""Sign-in: password, then the second factor (enrolment or code), lockout, sign-out."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pastoral.models import AuditEvent, Role
from tests.auth import totp_code, totp_device
from tests.factories import TEST_PASSWORD, UserFactory, member

pytestmark = pytest.mark.django_db


def _password(client: Client, user: Any, password: str = TEST_PASSWORD, next_url: str = "") -> Any:
    data = {"username": user.email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_it_asks_a_dsl_with_an_app_for_a_code_before_any_page(world: Any, client: Client) -> None:
    dsl = world.user("dsl")
    device = totp_device(dsl)
    response = _password(client, dsl, next_url="/learners/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp-verify"))
    # Signed in with the password only: every page leads back to the code.
    for url in ("/", "/learners/", f"/learners/{world.learner9.pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:otp-verify"))
    page = client.get(reverse("accounts:otp-verify"))
    assert b"Enter your code" in page.content
    response = client.post(
        reverse("accounts:otp-verify"), {"code": totp_code(device), "next": "/learners/"}
    )
    assert response.status_code == 302 and response["Location"] == "/learners/"
    assert client.get("/learners/").status_code == 200
    assert _actions()[-1] == "accounts.user.signed_in"


def test_it_refuses_a_wrong_code_and_audits_it(world: Any, client: Client) -> None:
    dsl = world.user("dsl")
    totp_device(dsl)
    _password(client, dsl)
    response = client.post(reverse("accounts:otp-verify"), {"code": "000000"})
    assert response.status_code == 422
    assert b"That code did not work" in response.content
    assert client.get("/").status_code == 302
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == "accounts.user.sign_in_failed"
    assert event.changes["stage"] == "second factor"


def test_it_ends_the_attempt_after_five_wrong_codes(world: Any, client: Client) -> None:
    dsl = world.user("dsl")
    totp_device(dsl)
    _password(client, dsl)
    for _ in range(5):
        response = client.post(reverse("accounts:otp-verify"), {"code": "000000"})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_it_sends_a_dsl_without_an_app_to_enrolment_and_nowhere_else(
    world: Any, client: Client
) -> None:
    dsl = UserFactory(full_name="New Dsl")
    member(dsl, world.school, Role.DSL)
    response = _password(client, dsl)
    assert response["Location"].startswith(reverse("accounts:otp-setup"))
    for url in ("/", "/learners/", reverse("accounts:step-up")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:otp-setup"))
    # htmx fragments are refused too, with a full-page redirect for htmx.
    response = client.get("/learners/search/?q=nin", HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith(reverse("accounts:otp-setup"))

    page = client.get(reverse("accounts:otp-setup"))
    assert page.status_code == 200
    assert b'src="data:image/svg+xml;base64,' in page.content
    device = TOTPDevice.objects.get(user=dsl, confirmed=False)
    secret = re.search(rb'id="otp-secret"[^>]*>([A-Z2-7 ]+)<', page.content).group(1)
    from base64 import b32encode

    assert secret.replace(b" ", b"").decode() == b32encode(device.bin_key).decode()

    wrong = client.post(reverse("accounts:otp-setup"), {"code": "123456"})
    assert b"That code did not match" in wrong.content
    # django-otp throttles after a wrong code (1 s, doubling): skip the wait.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    response = client.post(reverse("accounts:otp-setup"), {"code": totp_code(device)})
    assert response["Location"].startswith(reverse("accounts:recovery-codes"))
    codes_page = client.get(response["Location"])
    codes = re.findall(rb"<li>([a-z0-9]{8})</li>", codes_page.content)
    assert len(codes) == 10
    # Shown once only.
    assert client.get(reverse("accounts:recovery-codes")).status_code == 302
    assert client.get("/learners/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert "accounts.two_factor.enrolled" in _actions()
    assert "123456" not in str(list(AuditEvent.objects.values_list("changes", flat=True)))


@pytest.mark.parametrize("role", [Role.SENCO, Role.HEAD_OF_YEAR, Role.ADMIN, Role.DEPUTY_DSL])
def test_it_requires_enrolment_for_every_sensitive_role(
    world: Any, client: Client, role: str
) -> None:
    user = member(UserFactory(), world.school, role, years=[world.year9])
    _password(client, user)
    assert client.get("/").status_code == 302
    assert client.get("/")["Location"].startswith(reverse("accounts:otp-setup"))


def test_it_requires_enrolment_for_a_role_held_in_another_school(
    world: Any, client: Client
) -> None:
    user = member(UserFactory(), world.school)
    member(user, world.other_school, Role.SENCO)
    _password(client, user)
    assert client.get("/")["Location"].startswith(reverse("accounts:otp-setup"))


def test_it_lets_staff_in_without_an_app_and_offers_enrolment(world: Any, client: Client) -> None:
    staff = member(UserFactory(), world.school)
    response = _password(client, staff)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get("/").status_code == 200
    page = client.get(reverse("accounts:otp-setup"))
    assert page.status_code == 200 and b"Not now" in page.content
    assert _actions()[-1] == "accounts.user.signed_in"


def test_it_asks_staff_who_enrolled_for_their_code(world: Any, client: Client) -> None:
    staff = member(UserFactory(), world.school)
    totp_device(staff)
    response = _password(client, staff)
    assert response["Location"].startswith(reverse("accounts:otp-verify"))


def test_a_recovery_code_works_once(world: Any, client: Client) -> None:
    dsl = world.user("dsl")
    from django_otp.plugins.otp_static.models import StaticDevice

    totp_device(dsl)
    static = StaticDevice.objects.create(user=dsl, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=static, token="abcd2345")
    StaticToken.objects.create(device=static, token="efgh6789")
    _password(client, dsl)
    response = client.post(reverse("accounts:otp-verify"), {"code": "abcd 2345"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert b"1 left" in client.get("/").content
    client.post(reverse("logout"))

    other = Client()
    _password(other, dsl)
    response = other.post(reverse("accounts:otp-verify"), {"code": "abcd2345"})
    assert response.status_code == 422 and b"That code did not work" in response.content
    assert other.get("/").status_code == 302


def test_it_starts_a_new_session_on_sign_in(world: Any, client: Client) -> None:
    staff = member(UserFactory(), world.school)
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    _password(client, staff)
    assert client.session.session_key != before


def test_it_audits_failed_sign_ins_and_sign_out(world: Any, client: Client) -> None:
    staff = member(UserFactory(), world.school)
    response = _password(client, staff, password="wrong-password-123")
    assert response.status_code == 422
    assert b"is not right" in response.content
    failed = AuditEvent.objects.order_by("-id").first()
    assert failed.action == "accounts.user.sign_in_failed"
    assert failed.object_id == str(staff.pk)
    assert failed.changes == {"email": staff.email, "stage": "password", "locked_out": False}
    assert "wrong-password" not in str(failed.changes)
    _password(client, staff)
    client.post(reverse("logout"))
    assert _actions()[-2:] == ["accounts.user.signed_in", "accounts.user.signed_out"]
    assert client.get("/").status_code == 302


def test_it_locks_out_after_repeated_failures_and_unlocks_by_command(
    world: Any, client: Client, settings: Any
) -> None:
    staff = member(UserFactory(), world.school)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _password(client, staff, password="wrong-password-123")
    response = _password(client, staff)  # the right password, but locked
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.order_by("-id").first().changes["locked_out"] is True

    call_command("axes_reset_username", staff.email)
    response = _password(client, staff)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_it_refuses_a_deactivated_account(world: Any, client: Client) -> None:
    staff = member(UserFactory(is_active=False), world.school)
    response = _password(client, staff)
    assert response.status_code == 422
    assert "_auth_user_id" not in client.session


def test_it_keeps_next_on_this_site(world: Any, client: Client) -> None:
    staff = member(UserFactory(), world.school)
    response = _password(client, staff, next_url="https://evil.example/")
    assert response["Location"] == reverse("home")


def test_a_person_changes_their_password_under_the_rules(world: Any, client: Client) -> None:
    from tests.conftest import sign_in

    staff = world.user("staff")
    sign_in(client, staff)
    url = reverse("accounts:password-change")
    weak = client.post(
        url, {"old_password": TEST_PASSWORD, "new_password1": "short", "new_password2": "short"}
    )
    assert weak.status_code == 422 and "too short" in weak.content.decode()
    response = client.post(
        url,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-long-enough-passphrase-7",
            "new_password2": "a-long-enough-passphrase-7",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session carries on
    staff.refresh_from_db()
    assert staff.check_password("a-long-enough-passphrase-7")
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == "accounts.user.password_changed"
    assert "passphrase" not in str(event.changes)
