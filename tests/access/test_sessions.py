"""Session lifetime, step-up, deactivation and two-school access."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from pastoral.accounts.models import UserSession
from pastoral.accounts.otp import SESSION_OTP_AT
from pastoral.accounts.stepup import step_up_required
from pastoral.middleware import SESSION_SCHOOL_KEY, SESSION_SEEN_KEY, SESSION_STARTED_KEY
from pastoral.models import AuditEvent, Role
from tests.auth import totp_code, totp_device
from tests.conftest import sign_in
from tests.factories import TEST_PASSWORD, UserFactory, member

pytestmark = pytest.mark.django_db


def _age_session(client: Client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = time.time() - seconds
    session.save()


def test_it_ends_an_idle_session(world: Any, client: Client) -> None:
    sign_in(client, world.user("staff"))
    assert client.get("/").status_code == 200
    _age_session(client, SESSION_SEEN_KEY, 29 * 60)
    assert client.get("/").status_code == 200  # activity within the limit keeps it alive
    _age_session(client, SESSION_SEEN_KEY, 31 * 60)
    response = client.get("/learners/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?expired=1&next=%2Flearners%2F"
    assert client.get("/").status_code == 302  # signed out for good
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.changes) == ("accounts.session.expired", {"reason": "idle"})
    assert b"You were signed out after 30 minutes without activity; your draft is saved" in (
        client.get(response["Location"]).content
    )


def test_activity_is_written_at_most_every_few_seconds(world: Any, client: Client) -> None:
    from pastoral.middleware import SEEN_RESOLUTION

    sign_in(client, world.user("staff"))
    client.get("/")
    first = client.session[SESSION_SEEN_KEY]
    client.get("/learners/")
    assert client.session[SESSION_SEEN_KEY] == first  # not rewritten on every page
    _age_session(client, SESSION_SEEN_KEY, SEEN_RESOLUTION + 1)
    aged = client.session[SESSION_SEEN_KEY]
    client.get("/learners/")
    assert client.session[SESSION_SEEN_KEY] > aged + SEEN_RESOLUTION  # refreshed to now


def test_the_idle_limit_is_configurable(world: Any, client: Client, settings: Any) -> None:
    settings.SESSION_IDLE_MINUTES = 5
    sign_in(client, world.user("staff"))
    _age_session(client, SESSION_SEEN_KEY, 6 * 60)
    assert client.get("/").status_code == 302


def test_it_ends_a_session_past_its_absolute_lifetime(world: Any, client: Client) -> None:
    sign_in(client, world.user("dsl"))
    client.get("/")
    _age_session(client, SESSION_STARTED_KEY, 12 * 3600 + 60)
    response = client.get("/")
    assert response.status_code == 302 and "expired=lifetime" in response["Location"]
    assert AuditEvent.objects.order_by("-id").first().changes == {"reason": "lifetime"}


def test_an_expired_htmx_request_redirects_the_whole_page(world: Any, client: Client) -> None:
    sign_in(client, world.user("staff"))
    _age_session(client, SESSION_SEEN_KEY, 31 * 60)
    response = client.get("/learners/search/?q=nin", HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert response["HX-Redirect"] == "/accounts/login/?expired=1"


# --- step-up ------------------------------------------------------------------


def test_step_up_asks_for_a_fresh_code_after_the_limit(world: Any, client: Client) -> None:
    dsl = world.user("dsl")
    sign_in(client, dsl)
    export = reverse("pastoral:audit-export")
    assert client.get(export).status_code == 200
    _age_session(client, SESSION_OTP_AT, 16 * 60)
    response = client.get(f"{export}?action=pastoral.")
    assert response.status_code == 302
    assert response["Location"] == (
        "/accounts/two-factor/confirm/?next=%2Faudit%2Fexport.csv%3Faction%3Dpastoral."
    )
    page = client.get(response["Location"])
    assert b"Confirm your code" in page.content
    wrong = client.post(response["Location"], {"code": "000000"})
    assert b"That code did not work" in wrong.content
    assert client.get(export).status_code == 302
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=dsl).update(throttling_failure_timestamp=None)
    done = client.post(
        "/accounts/two-factor/confirm/",
        {"code": totp_code(totp_device(dsl)), "next": "/audit/export.csv?action=pastoral."},
    )
    assert done["Location"] == "/audit/export.csv?action=pastoral."
    assert client.get(export).status_code == 200
    assert "accounts.two_factor.confirmed" in AuditEvent.objects.values_list("action", flat=True)


def test_step_up_minutes_are_configurable(world: Any, client: Client, settings: Any) -> None:
    settings.STEP_UP_MINUTES = 2
    sign_in(client, world.user("dsl"))
    _age_session(client, SESSION_OTP_AT, 3 * 60)
    assert client.get(reverse("pastoral:audit-export")).status_code == 302
    settings.STEP_UP_MINUTES = 15
    assert client.get(reverse("pastoral:audit-export")).status_code == 200


def test_step_up_sends_htmx_and_posts_back_to_the_page(world: Any, client: Client) -> None:
    sign_in(client, world.user("dsl"))
    _age_session(client, SESSION_OTP_AT, 16 * 60)
    response = client.get(
        reverse("pastoral:audit-export"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/audit/?action=x",
    )
    assert response.status_code == 401
    assert response["HX-Redirect"] == "/accounts/two-factor/confirm/?next=%2Faudit%2F%3Faction%3Dx"

    @step_up_required
    def export(request: Any) -> HttpResponse:
        return HttpResponse("exported")

    def post(referer: str, verified_ago: float) -> Any:
        request = RequestFactory().post("/x/export/", HTTP_REFERER=referer)
        request.user = world.user("dsl")
        request.user.is_verified = lambda: True  # type: ignore[method-assign]
        request.session = {SESSION_OTP_AT: time.time() - verified_ago}  # type: ignore[assignment]
        return export(request)

    response = post("http://testserver/learners/9/", 16 * 60)
    assert response["Location"] == "/accounts/two-factor/confirm/?next=%2Flearners%2F9%2F"
    # A foreign referer is never a place to send someone back to.
    assert post("https://evil.example/", 16 * 60)["Location"] == (
        "/accounts/two-factor/confirm/?next=%2F"
    )
    assert post("http://testserver/learners/9/", 60).content == b"exported"


def test_step_up_sends_staff_without_an_app_to_enrol(world: Any, client: Client) -> None:
    staff = member(UserFactory(), world.school)
    client.post(reverse("login"), {"username": staff.email, "password": TEST_PASSWORD})
    response = client.get(reverse("accounts:step-up") + "?next=/learners/")
    assert response["Location"] == "/accounts/two-factor/setup/?next=%2Flearners%2F"


# --- deactivation -------------------------------------------------------------


def test_deactivation_ends_every_session_at_once(world: Any) -> None:
    staff = world.user("staff")
    laptop, phone = Client(), Client()
    for client in (laptop, phone):
        client.post(reverse("login"), {"username": staff.email, "password": TEST_PASSWORD})
        client.post(reverse("accounts:otp-verify"), {"code": totp_code(totp_device(staff))})
        assert client.get("/").status_code == 200
    assert UserSession.objects.filter(user=staff).count() == 2
    admin = Client()
    sign_in(admin, world.user("admin"))
    response = admin.post(reverse("accounts:user-deactivate", kwargs={"pk": staff.pk}))
    assert response.status_code == 302
    assert b"2 open sessions ended" in admin.get(response["Location"]).content
    for client in (laptop, phone):
        assert client.get("/").status_code == 302
    assert not Session.objects.filter(
        session_key__in=[laptop.session.session_key, phone.session.session_key]
    ).exists()
    assert not UserSession.objects.filter(user=staff).exists()
    event = AuditEvent.objects.filter(action="pastoral.user.deactivated").get()
    assert event.actor == world.user("admin") and event.changes["sessions_ended"] == 2


def test_sign_out_forgets_the_session(world: Any, client: Client) -> None:
    staff = member(UserFactory(), world.school)
    client.post(reverse("login"), {"username": staff.email, "password": TEST_PASSWORD})
    assert UserSession.objects.filter(user=staff).count() == 1
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(user=staff).exists()


# --- two schools --------------------------------------------------------------


def test_a_person_in_two_schools_sees_each_only_under_its_roles(world: Any, client: Client) -> None:
    """DSL at one school, plain staff at the other: the audit trail and the other
    school's learners follow the school chosen, never both at once."""
    person = member(UserFactory(full_name="Tara Trust"), world.school, Role.DSL)
    member(person, world.other_school)
    sign_in(client, person, school=world.school)
    assert client.get(reverse("pastoral:audit-list")).status_code == 200
    other_card = reverse("pastoral:learner-detail", kwargs={"pk": world.other_learner.pk})
    own_card = reverse("pastoral:learner-detail", kwargs={"pk": world.learner9.pk})
    assert client.get(other_card).status_code == 404
    assert client.get(own_card).status_code == 200
    listing = client.get("/learners/").content.decode()
    assert "Nine" in listing and "Other" not in listing

    response = client.post(reverse("pastoral:school-switch"), {"school": world.other_school.pk})
    assert response.status_code == 302
    assert client.session[SESSION_SCHOOL_KEY] == world.other_school.pk
    assert client.get(reverse("pastoral:audit-list")).status_code == 404
    assert client.get(reverse("pastoral:audit-export")).status_code == 404
    assert client.get(own_card).status_code == 404
    assert client.get(other_card).status_code == 200
    listing = client.get("/learners/").content.decode()
    assert "Other" in listing and "Nine" not in listing


def test_a_person_cannot_switch_to_a_school_they_do_not_work_in(world: Any, client: Client) -> None:
    sign_in(client, world.user("dsl"))
    response = client.post(reverse("pastoral:school-switch"), {"school": world.other_school.pk})
    assert response.status_code == 404
    assert client.get(reverse("pastoral:audit-list")).status_code == 200


def test_background_polling_does_not_keep_a_session_alive(world: Any, client: Client) -> None:
    sign_in(client, world.user("staff"))
    client.get("/")
    _age_session(client, SESSION_SEEN_KEY, 20 * 60)
    badge = client.get("/", HTTP_HX_REQUEST="true", HTTP_X_PASTORAL_BACKGROUND="1")
    assert badge.status_code == 200
    _age_session(client, SESSION_SEEN_KEY, 31 * 60)
    assert client.get("/").status_code == 302


def test_the_code_page_shows_no_school_or_menu(world: Any, client: Client) -> None:
    dsl = world.user("dsl")
    totp_device(dsl)
    client.post(reverse("login"), {"username": dsl.email, "password": TEST_PASSWORD})
    page = client.get(reverse("accounts:otp-verify"))
    assert page.context["scope"] is None
    assert world.school.name not in page.content.decode()
    assert "notification-badge" not in page.content.decode()
