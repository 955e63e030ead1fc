"""Issue 18, sessions and sign-in: why a person was signed out, a closed
account told whom to ask, ending one's other sessions, the administrator
ending a member's sessions, SITE_URL following PORT, true e-mail counts."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import time
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pastoral.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from pastoral.models import AuditEvent
from tests.conftest import sign_in
from tests.factories import TEST_PASSWORD, UserFactory, member
from tests.notifications.helpers import due, reminder_kind

pytestmark = pytest.mark.django_db


def _age(client: Client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = time.time() - seconds
    session.save()


def test_after_an_idle_sign_out_the_page_says_why_with_the_real_limit(
    world: Any, client: Client, settings: Any
) -> None:
    settings.SESSION_IDLE_MINUTES = 20
    sign_in(client, world.user("staff"))
    _age(client, SESSION_SEEN_KEY, 21 * 60)
    response = client.get("/learners/")
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 20 minutes without activity; your draft is saved" in page


def test_after_the_absolute_lifetime_the_page_says_so(world: Any, client: Client) -> None:
    sign_in(client, world.user("staff"))
    client.get("/")
    _age(client, SESSION_STARTED_KEY, 12 * 3600 + 60)
    response = client.get("/")
    page = client.get(response["Location"]).content.decode()
    assert "because you had been signed in for 12 hours" in page


def _closed(world: Any) -> Any:
    person = member(UserFactory(full_name="Col Closed", email="col@example.org"), world.school)
    person.is_active = False
    person.save()
    return person


def test_a_closed_account_with_the_right_password_is_told_whom_to_ask(
    world: Any, client: Client
) -> None:
    _closed(world)
    response = client.post(
        reverse("login"), {"username": "col@example.org", "password": TEST_PASSWORD}
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "This account has been closed" in text
    admin = world.user("admin")
    assert f"{admin.full_name} ({admin.email})" in text
    assert "not right" not in text


def test_a_wrong_password_never_tells_that_an_account_exists_or_is_closed(
    world: Any, client: Client
) -> None:
    _closed(world)
    closed = client.post(reverse("login"), {"username": "col@example.org", "password": "nope"})
    unknown = client.post(reverse("login"), {"username": "nobody@example.org", "password": "nope"})
    for response in (closed, unknown):
        assert response.status_code == 422
        text = response.content.decode()
        assert "The e-mail address or password is not right" in text
        assert "closed" not in text and world.user("admin").email not in text


def _live_sessions(user: Any) -> int:
    from pastoral.accounts.models import UserSession

    keys = UserSession.objects.filter(user=user).values("session_key")
    return Session.objects.filter(session_key__in=keys, expire_date__gt=timezone.now()).count()


def test_anyone_ends_all_their_other_sessions_and_keeps_this_one(world: Any) -> None:
    staff = world.user("staff")
    phone, laptop, here = Client(), Client(), Client()
    for c in (phone, laptop, here):
        sign_in(c, staff, school=world.school)
    assert _live_sessions(staff) == 3
    page = here.get(reverse("accounts:password-change")).content.decode()
    assert "You are also signed in on 2 other browsers or devices." in page
    assert "End all my other sessions" in page
    response = here.post(reverse("accounts:sessions-end-others"))
    assert response.status_code == 302
    assert "Signed out of 2 other sessions" in here.get(response["Location"]).content.decode()
    assert here.get("/").status_code == 200
    assert phone.get("/").status_code == 302 and laptop.get("/").status_code == 302
    assert _live_sessions(staff) == 1
    event = AuditEvent.objects.filter(action="accounts.sessions.ended").get()
    assert event.actor_id == staff.pk and event.changes["sessions_ended"] == 2


def test_the_administrator_ends_a_members_sessions_without_closing_the_account(
    world: Any, client: Client
) -> None:
    staff = world.user("staff")
    theirs = sign_in(Client(), staff, school=world.school)
    sign_in(client, world.user("admin"), school=world.school)
    detail = client.get(reverse("accounts:user-detail", args=[staff.pk])).content.decode()
    assert "End sessions" in detail
    response = client.post(reverse("accounts:user-sessions-end", args=[staff.pk]))
    assert response.status_code == 302
    text = client.get(response["Location"]).content.decode()
    assert "signed out everywhere (1 session ended). The account stays open." in text
    assert theirs.get("/").status_code == 302
    staff.refresh_from_db()
    assert staff.is_active
    again = Client().post(reverse("login"), {"username": staff.email, "password": TEST_PASSWORD})
    assert again.status_code == 302  # the account is open: they sign in again
    assert AuditEvent.objects.filter(action="pastoral.user.sessions_ended").count() == 1


def _site_url(env: dict[str, str]) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "pastoral.settings", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_site_url_follows_the_port_unless_set() -> None:
    assert _site_url({"PORT": "8101"}) == "http://127.0.0.1:8101"
    assert _site_url({}) == "http://127.0.0.1:8000"
    assert _site_url({"PORT": "8101", "SITE_URL": "https://pastoral.example.org/"}) == (
        "https://pastoral.example.org"
    )


def test_make_run_passes_the_port_to_site_url() -> None:
    out = subprocess.run(  # noqa: S603
        ["make", "-n", "run", "PORT=8101"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "SITE_URL"},
    )
    assert "SITE_URL=http://127.0.0.1:8101" in out.stdout


def test_run_reminders_counts_the_urgent_emails_it_really_sent(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    today = timezone.localdate()
    with reminder_kind(urgent=True) as due_list:
        for i in range(3):
            due_list.append((world.school.pk, due(world.user("dsl").pk, i + 1, today)))
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_reminders", stdout=out)
    sent = len([m for m in mail.outbox if "Urgent" in m.subject])
    assert sent == 3
    assert "3 urgent e-mails sent." in out.getvalue()
    out = io.StringIO()
    call_command("run_reminders", "--today", (today + dt.timedelta(days=1)).isoformat(), stdout=out)
    assert "0 urgent e-mails sent." in out.getvalue()
