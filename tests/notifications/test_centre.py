"""The notification centre: list, unread badge, mark read, preferences, e-mail digest."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from pastoral.notifications import services
from pastoral.notifications.models import Notification, NotificationPreference
from tests.conftest import sign_in

HX = {"HTTP_HX_REQUEST": "true"}


def _notify(world: Any, role: str, count: int, **extra: Any) -> list[Notification]:
    user = world.user(role)
    return Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                school=world.school,
                kind="tests.thing",
                title=f"Plan review due (P-{i})",
                url="/caseload/",
                **extra,
            )
            for i in range(count)
        ]
    )


@pytest.mark.parametrize("count", [3, 60])
def test_the_list_costs_the_same_queries_whatever_its_length(
    world: Any, client: Any, count: int, django_assert_num_queries: Any
) -> None:
    _notify(world, "senco", count)
    sign_in(client, world.user("senco"), school=world.school)
    client.get("/notifications/")  # warm the session
    with django_assert_num_queries(5):
        response = client.get("/notifications/")
    assert response.status_code == 200
    assert response.content.decode().count('class="list-group-item') == min(count, 25)


def test_the_list_shows_only_my_notifications_in_this_school(world: Any, client: Any) -> None:
    _notify(world, "dsl", 1)
    Notification.objects.create(
        recipient=world.user("senco"), school=world.school, kind="x", title="Not for me (P-99)"
    )
    Notification.objects.create(
        recipient=world.user("senco"),
        school=world.other_school,
        kind="x",
        title="Other school (P-98)",
    )
    sign_in(client, world.user("senco"), school=world.school)
    page = client.get("/notifications/").content.decode()
    assert "Not for me (P-99)" in page
    assert "Other school" not in page
    assert "Plan review due (P-0)" not in page


def test_the_badge_counts_unread_and_mark_read_updates_it(world: Any, client: Any) -> None:
    notes = _notify(world, "support", 3)
    sign_in(client, world.user("support"), school=world.school)
    assert ">3<" in client.get("/notifications/badge/", **HX).content.decode()
    response = client.post(f"/notifications/{notes[0].pk}/read/", **HX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-changed"
    assert "Mark as read" not in response.content.decode()
    assert ">2<" in client.get("/notifications/badge/", **HX).content.decode()
    response = client.post("/notifications/read-all/")
    assert response.status_code == 302
    assert "badge" not in client.get("/notifications/badge/", **HX).content.decode()
    assert not Notification.objects.filter(recipient=world.user("support"), read_at=None).exists()


def test_opening_a_notification_marks_it_read_and_follows_its_link(world: Any, client: Any) -> None:
    (note,) = _notify(world, "hoy", 1)
    sign_in(client, world.user("hoy"), school=world.school)
    response = client.get(f"/notifications/{note.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/caseload/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_link_to_another_site_is_never_followed(world: Any, client: Any) -> None:
    (note,) = _notify(world, "hoy", 1)
    Notification.objects.filter(pk=note.pk).update(url="https://evil.example/")
    sign_in(client, world.user("hoy"), school=world.school)
    response = client.get(f"/notifications/{note.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/notifications/"


def test_preferences_are_saved(world: Any, client: Any) -> None:
    sign_in(client, world.user("staff"), school=world.school)
    page = client.get("/notifications/preferences/").content.decode()
    assert 'for="id_urgent_email"' in page and 'for="id_digest_email"' in page
    response = client.post("/notifications/preferences/", {"urgent_email": "on"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=world.user("staff"))
    assert preference.urgent_email and not preference.digest_email


def test_the_daily_digest_sends_one_email_per_person_without_learner_details(
    world: Any,
) -> None:
    _notify(world, "support", 3)
    _notify(world, "hoy", 2)
    _notify(world, "dsl", 1, urgent=True)  # urgent ones were e-mailed on their own
    NotificationPreference.objects.create(user=world.user("hoy"), digest_email=False)
    assert services.digests_send(today=dt.date(2026, 11, 24)) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.user("support").email]
    assert "3 notifications" in message.subject
    assert message.body.count("/notifications/") >= 3
    for learner in (world.learner9, world.learner10):
        for detail in (learner.legal_first_name, learner.legal_last_name, learner.upn):
            assert detail not in message.body
    # Nothing is sent twice, and the person who opted out is not left pending.
    assert services.digests_send(today=dt.date(2026, 11, 24)) == 0
    assert set(
        Notification.objects.filter(recipient=world.user("hoy")).values_list(
            "email_state", flat=True
        )
    ) == {"none"}


def test_urgent_email_respects_the_preference(world: Any) -> None:
    NotificationPreference.objects.create(user=world.user("dsl"), urgent_email=False)
    services.notifications_create(
        recipients=[world.user("dsl"), world.user("senco")],
        school=world.school,
        kind="tests.urgent",
        title="Concern C-5 escalated",
        urgent=True,
    )
    assert services.emails_send_urgent() == 1
    assert [m.to for m in mail.outbox] == [[world.user("senco").email]]


def test_urgent_email_waits_for_the_commit(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notifications_create(
            recipients=[world.user("dsl")],
            school=world.school,
            kind="tests.urgent",
            title="New concern C-6 logged",
            urgent=True,
        )
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
