"""Reminders are recorded idempotently and delivered exactly once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from pastoral.notifications import services
from pastoral.notifications.models import Notification, Reminder
from tests.notifications.helpers import due, reminder_kind

TODAY = dt.date(2026, 11, 24)


def test_running_twice_notifies_each_person_once(world: Any) -> None:
    with reminder_kind() as dues:
        dues += [
            (world.school.pk, due(world.user("support").pk, 1, TODAY)),
            (world.school.pk, due(world.user("senco").pk, 1, TODAY)),
            (world.school.pk, due(world.user("senco").pk, 2, TODAY - dt.timedelta(days=3))),
        ]
        services.reminders_run(today=TODAY)
        services.reminders_run(today=TODAY)
        services.reminders_run(today=TODAY + dt.timedelta(days=1))

    notes = Notification.objects.filter(kind="tests.thing_due")
    assert sorted((n.recipient_id, n.object_id) for n in notes) == sorted(
        [
            (world.user("support").pk, "1"),
            (world.user("senco").pk, "1"),
            (world.user("senco").pk, "2"),
        ]
    )
    assert Reminder.objects.filter(state="sent").count() == 3
    assert all(n.reminder_id is not None for n in notes)


def test_a_new_due_date_for_the_same_object_reminds_again(world: Any) -> None:
    user = world.user("support")
    with reminder_kind() as dues:
        dues.append((world.school.pk, due(user.pk, 1, TODAY)))
        services.reminders_run(today=TODAY)
        # The review was moved: a new due date is a new reminder.
        dues.append((world.school.pk, due(user.pk, 1, TODAY + dt.timedelta(days=7))))
        services.reminders_run(today=TODAY + dt.timedelta(days=7))
    assert Notification.objects.filter(recipient=user, kind="tests.thing_due").count() == 2


def test_nothing_is_recorded_before_it_is_due(world: Any) -> None:
    with reminder_kind() as dues:
        dues.append((world.school.pk, due(world.user("dsl").pk, 1, TODAY + dt.timedelta(days=1))))
        services.reminders_run(today=TODAY)
    assert not Reminder.objects.exists()


def test_a_retried_delivery_after_a_crash_sends_each_once(world: Any) -> None:
    with reminder_kind() as dues:
        dues += [(world.school.pk, due(world.user("dsl").pk, i, TODAY)) for i in range(30)]
        services.reminders_materialise(today=TODAY)

    # A batch that dies after creating its notifications leaves nothing behind.
    class Killed(Exception):
        pass

    original = Reminder.objects.filter

    def dying_filter(*args: Any, **kwargs: Any) -> Any:
        if "pk__in" in kwargs:
            raise Killed
        return original(*args, **kwargs)

    Reminder.objects.filter = dying_filter  # type: ignore[method-assign]
    try:
        with pytest.raises(Killed):
            services.reminders_deliver_batch(batch_size=10)
    finally:
        Reminder.objects.filter = original  # type: ignore[method-assign]
    assert Notification.objects.count() == 0
    assert Reminder.objects.filter(state="pending").count() == 30

    assert services.reminders_deliver(batch_size=7) == 30
    assert services.reminders_deliver(batch_size=7) == 0
    assert Notification.objects.count() == 30


def test_queries_per_batch_are_constant_whatever_the_volume(world: Any) -> None:
    from django.test.utils import CaptureQueriesContext

    people = [world.user(role) for role in ("support", "hoy", "senco", "dsl")]
    with reminder_kind() as dues:
        dues += [(world.school.pk, due(p.pk, i, TODAY)) for p in people for i in range(150)]
        services.reminders_materialise(today=TODAY)

    def batch_queries() -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            assert services.reminders_deliver_batch(batch_size=100) == 100
        return [q["sql"].split()[0].upper() for q in ctx.captured_queries]

    first = batch_queries()  # 600 pending
    later = batch_queries()  # 500 pending, other recipients mixed in
    assert first == later
    # One claim, the notification insert (SQLite splits it by its parameter
    # limit; PostgreSQL sends one), one update: never a query per reminder.
    assert first.count("SELECT") == 1
    assert first.count("UPDATE") == 1
    assert first.count("INSERT") == (1 if connection.vendor == "postgresql" else 2)


def test_urgent_reminders_are_emailed_at_once_and_without_learner_details(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dsl = world.user("dsl")
    with reminder_kind(urgent=True) as dues:
        dues.append((world.school.pk, due(dsl.pk, 7, TODAY, title="Concern C-7 not triaged")))
        with django_capture_on_commit_callbacks(execute=True):
            services.reminders_run(today=TODAY)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [dsl.email]
    assert "Concern C-7 not triaged" in message.subject
    for detail in ("Nina", "Nine", world.learner9.upn):
        assert detail not in message.subject and detail not in message.body
    note = Notification.objects.get(recipient=dsl)
    assert f"/notifications/{note.pk}/open/" in message.body
    assert note.email_state == "sent"
    # A second sweep sends nothing more.
    assert services.emails_send_urgent() == 0
