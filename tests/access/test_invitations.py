"""Staff invitations: invite, the one-time link, resend, revoke, and dead links."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from pastoral.accounts.models import Invitation
from pastoral.accounts.services.invitations import token_hash
from pastoral.models import AuditEvent, Membership, Role, RoleRequest, User
from tests.auth import totp_code
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase-7"
LINK = re.compile(r"https?://\S+/accounts/invitation/([\w-]+)/")


@pytest.fixture
def admin(world: Any, client: Client) -> Client:
    sign_in(client, world.user("admin"), school=world.school)
    return client


def _last(action: str) -> AuditEvent | None:
    return AuditEvent.objects.filter(action=action).order_by("-id").first()


def _invite(admin: Client, capture: Any, **extra: str) -> str:
    """Invite through the page; the token read from the e-mail sent."""
    data = {"full_name": "Tom Teacher", "email": "Tom.Teacher@School.test", **extra}
    mail.outbox.clear()
    with capture(execute=True):
        response = admin.post(reverse("accounts:invitation-create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    (message,) = [m for m in mail.outbox if "Your Pastoral account" in m.subject]
    match = LINK.search(message.body)
    assert match is not None
    return match.group(1)


def _accept_url(token: str) -> str:
    return reverse("accounts:invitation-accept", kwargs={"token": token})


def _enrol_url(token: str) -> str:
    return reverse("accounts:invitation-authenticator", kwargs={"token": token})


def _choose_password(client: Client, token: str) -> Any:
    return client.post(_accept_url(token), {"password1": PASSWORD, "password2": PASSWORD})


def _enrol(client: Client, user: User, token: str) -> Any:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).latest("pk")
    return client.post(_enrol_url(token), {"code": totp_code(device)})


def test_an_invitation_creates_the_account_and_mails_a_one_time_link(
    world: Any, admin: Client, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://pastoral.oakfield.example"
    token = _invite(admin, django_capture_on_commit_callbacks)
    user = User.objects.get(email="tom.teacher@school.test")
    assert not user.has_usable_password()
    assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == ["staff"]
    invitation = Invitation.objects.get(user=user)
    # Only the token's hash is kept.
    assert invitation.token_hash == token_hash(token) and token not in invitation.token_hash
    assert mail.outbox[-1].body.count("https://pastoral.oakfield.example/accounts/invitation/") == 1
    assert invitation.expires_at - timezone.now() > dt.timedelta(days=6, hours=23)
    event = _last("accounts.invitation.created")
    assert event is not None and event.actor == world.user("admin")
    assert token not in str(event.changes)
    listing = admin.get(reverse("accounts:invitation-list"))
    assert "tom.teacher@school.test" in listing.text and "Sent, not yet used" in listing.text


def test_the_invitee_sets_a_password_enrols_and_is_signed_in(
    world: Any, admin: Client, django_capture_on_commit_callbacks: Any
) -> None:
    token = _invite(admin, django_capture_on_commit_callbacks)
    user = User.objects.get(email="tom.teacher@school.test")
    invitee = Client()
    page = invitee.get(_accept_url(token))
    assert page.status_code == 200 and "Set up your account" in page.text
    # Django's password rules, beside the field.
    weak = invitee.post(_accept_url(token), {"password1": "short", "password2": "short"})
    assert weak.status_code == 422 and "at least 12 characters" in weak.text
    differ = invitee.post(_accept_url(token), {"password1": PASSWORD, "password2": PASSWORD + "x"})
    assert differ.status_code == 422 and "not the same" in differ.text
    assert _choose_password(invitee, token)["Location"] == _enrol_url(token)
    user.refresh_from_db()
    assert not user.has_usable_password()  # nothing saved until the authenticator is proved
    enrol_page = invitee.get(_enrol_url(token))
    assert enrol_page.status_code == 200 and "Setup key" in enrol_page.text
    wrong = invitee.post(_enrol_url(token), {"code": "000000"})
    assert wrong.status_code == 422 and "did not match" in wrong.text
    # django-otp makes a person wait after a wrong code; the test does not.
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0)
    done = _enrol(invitee, user, token)
    assert done.status_code == 302 and done["Location"].startswith(
        reverse("accounts:recovery-codes")
    )
    codes = invitee.get(done["Location"])
    assert "Your recovery codes" in codes.text
    assert invitee.get("/").status_code == 200  # signed in, second factor proved
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert Invitation.objects.get(user=user).state == "accepted"
    assert _last("accounts.invitation.accepted").actor == user
    # The password works at the sign-in page too.
    again = Client()
    again.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert again.get("/")["Location"].startswith(reverse("accounts:otp-verify"))


def test_a_link_used_twice_shows_a_clear_page_and_changes_nothing(
    world: Any, admin: Client, django_capture_on_commit_callbacks: Any
) -> None:
    token = _invite(admin, django_capture_on_commit_callbacks)
    user = User.objects.get(email="tom.teacher@school.test")
    invitee = Client()
    _choose_password(invitee, token)
    _enrol(invitee, user, token)
    user.refresh_from_db()
    password_before = user.password
    stranger = Client()
    page = stranger.get(_accept_url(token))
    assert page.status_code == 410 and "already been used" in page.text
    attempt = stranger.post(
        _accept_url(token),
        {"password1": "another-long-passphrase-9", "password2": "another-long-passphrase-9"},
    )
    assert attempt.status_code == 410
    assert stranger.get(_enrol_url(token)).status_code == 410
    user.refresh_from_db()
    assert user.password == password_before
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert _last("accounts.invitation.refused").changes == {"reason": "accepted"}


def test_a_link_finished_in_another_tab_after_first_use_changes_nothing(
    world: Any, admin: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """Two browsers start the same link; the second to finish finds it used."""
    token = _invite(admin, django_capture_on_commit_callbacks)
    user = User.objects.get(email="tom.teacher@school.test")
    first, second = Client(), Client()
    _choose_password(first, token)
    second.post(
        _accept_url(token),
        {"password1": "another-long-passphrase-9", "password2": "another-long-passphrase-9"},
    )
    assert _enrol(second, user, token).status_code == 302
    user.refresh_from_db()
    assert first.post(_enrol_url(token), {"code": "123456"}).status_code == 410
    assert user.check_password("another-long-passphrase-9")


def test_an_expired_link_shows_a_clear_page_and_changes_nothing(
    world: Any, admin: Client, django_capture_on_commit_callbacks: Any
) -> None:
    token = _invite(admin, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    page = Client().post(_accept_url(token), {"password1": PASSWORD, "password2": PASSWORD})
    assert page.status_code == 410 and "expired" in page.text
    assert not User.objects.get(email="tom.teacher@school.test").has_usable_password()
    listing = admin.get(reverse("accounts:invitation-list"), {"state": "expired"})
    assert "tom.teacher@school.test" in listing.text


def test_the_expiry_is_configurable(
    world: Any, admin: Client, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.INVITATION_DAYS = 2
    _invite(admin, django_capture_on_commit_callbacks)
    left = Invitation.objects.get().expires_at - timezone.now()
    assert dt.timedelta(days=1, hours=23) < left <= dt.timedelta(days=2)


def test_an_unknown_link_is_a_clear_404(client: Client) -> None:
    page = Client().get(_accept_url("no-such-token"))
    assert page.status_code == 404 and "not one Pastoral knows" in page.text


def test_resend_kills_the_old_link_and_revoke_kills_the_new(
    world: Any, admin: Client, django_capture_on_commit_callbacks: Any
) -> None:
    old = _invite(admin, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("accounts:invitation-resend", kwargs={"pk": invitation.pk}))
    new = LINK.search(mail.outbox[-1].body).group(1)
    assert new != old
    assert Client().get(_accept_url(old)).status_code == 410
    assert Client().get(_accept_url(new)).status_code == 200
    assert _last("accounts.invitation.resent").changes["times_sent"] == 2
    fresh = Invitation.objects.get(accepted_at=None, revoked_at=None)
    admin.post(reverse("accounts:invitation-revoke", kwargs={"pk": fresh.pk}))
    page = Client().get(_accept_url(new))
    assert page.status_code == 410 and "withdrawn" in page.text
    assert _last("accounts.invitation.revoked").actor == world.user("admin")
    listing = admin.get(reverse("accounts:invitation-list"))
    assert "Revoked" in listing.text


def test_a_dsl_invitation_only_requests_the_role(
    world: Any, admin: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """ACCESS.md's two-person rule: the invitee is staff until a DSL approves."""
    token = _invite(admin, django_capture_on_commit_callbacks, role=Role.DSL)
    user = User.objects.get(email="tom.teacher@school.test")
    assert not Membership.objects.filter(user=user, role=Role.DSL).exists()
    request = RoleRequest.objects.get(user=user)
    assert request.role == Role.DSL and request.status == RoleRequest.Status.PENDING
    invitee = Client()
    _choose_password(invitee, token)
    _enrol(invitee, user, token)
    assert not Membership.objects.filter(user=user, role=Role.DSL).exists()


def test_an_administrator_invitation_gives_the_role_at_once(
    world: Any, admin: Client, django_capture_on_commit_callbacks: Any
) -> None:
    _invite(admin, django_capture_on_commit_callbacks, role=Role.ADMIN)
    user = User.objects.get(email="tom.teacher@school.test")
    assert Membership.objects.filter(user=user, role=Role.ADMIN).exists()


def test_someone_who_already_signs_in_is_not_invited(world: Any, admin: Client) -> None:
    response = admin.post(
        reverse("accounts:invitation-create"),
        {"full_name": "Sally", "email": world.user("staff").email},
    )
    assert response.status_code == 422 and "already has an account" in response.text
    assert not Invitation.objects.exists()


def test_a_head_of_year_needs_years(world: Any, admin: Client) -> None:
    response = admin.post(
        reverse("accounts:invitation-create"),
        {"full_name": "Hal", "email": "hal@school.test", "role": Role.HEAD_OF_YEAR},
    )
    assert response.status_code == 422 and "Choose the year groups" in response.text
    assert not User.objects.filter(email="hal@school.test").exists()


def _csv(body: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("staff.csv", body.encode(), "text/csv")


def test_a_staff_csv_invites_everyone_new(
    world: Any, admin: Client, django_capture_on_commit_callbacks: Any
) -> None:
    body = (
        "email,full_name,roles\n"
        "ann@school.test,Ann Able,staff\n"
        "ben@school.test,Ben Bold,senco\n"
        f"{world.user('staff').email},Sally Staff,staff\n"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("accounts:invitation-csv"), {"file": _csv(body)})
    assert response.status_code == 302
    invited = sorted(Invitation.objects.values_list("email", flat=True))
    assert invited == ["ann@school.test", "ben@school.test"]  # Sally signs in already
    assert sorted(m.to[0] for m in mail.outbox if "Your Pastoral account" in m.subject) == invited
    # The two-person rule holds through the CSV too.
    ben = User.objects.get(email="ben@school.test")
    assert not Membership.objects.filter(user=ben, role=Role.SENCO).exists()
    assert RoleRequest.objects.filter(user=ben, role=Role.SENCO).exists()


def test_a_bad_staff_csv_names_line_and_column_and_saves_nothing(world: Any, admin: Client) -> None:
    body = "email,full_name,roles\nann@school.test,Ann Able,staff\nnot-an-email,Ben,wizard\n"
    response = admin.post(reverse("accounts:invitation-csv"), {"file": _csv(body)})
    assert response.status_code == 422
    assert "line 3, column email" in response.text and "line 3, column roles" in response.text
    assert not User.objects.filter(email="ann@school.test").exists()
    assert not Invitation.objects.exists()


def test_a_signed_in_person_is_asked_to_sign_out_and_nothing_changes(
    world: Any, admin: Client, django_capture_on_commit_callbacks: Any
) -> None:
    token = _invite(admin, django_capture_on_commit_callbacks)
    response = admin.post(_accept_url(token), {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 409 and "Sign out first" in response.text
    assert not User.objects.get(email="tom.teacher@school.test").has_usable_password()


def test_the_invitation_list_has_a_fixed_query_count(
    world: Any, admin: Client, django_assert_num_queries: Any
) -> None:
    from pastoral.access import scope_for
    from pastoral.accounts.services import invitation_create

    scope = scope_for(world.user("admin"), world.school)
    for n in range(12):
        invitation_create(scope=scope, email=f"p{n}@school.test", full_name=f"Person {n}")
    admin.get(reverse("accounts:invitation-list"))  # warm the session and school caches
    with django_assert_num_queries(30, exact=False) as captured:
        response = admin.get(reverse("accounts:invitation-list"))
    assert response.status_code == 200 and response.text.count("Resend<span") == 12
    small = len(captured.captured_queries)
    for n in range(12, 30):
        invitation_create(scope=scope, email=f"p{n}@school.test", full_name=f"Person {n}")
    with django_assert_num_queries(small):
        admin.get(reverse("accounts:invitation-list"))


def test_another_schools_invitation_cannot_be_resent(world: Any, admin: Client) -> None:
    from pastoral.access import scope_for
    from pastoral.accounts.services import invitation_create
    from tests.factories import UserFactory, member

    foreign_admin = member(UserFactory(), world.other_school, Role.ADMIN)
    foreign = invitation_create(
        scope=scope_for(foreign_admin, world.other_school), email="f@x.test", full_name="F"
    )
    url = reverse("accounts:invitation-resend", kwargs={"pk": foreign.pk})
    assert admin.post(url).status_code == 404
