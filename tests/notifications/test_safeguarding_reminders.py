"""Safeguarding reminders and access: escalations, follow-ups, and a concern
restricted after its notification was sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.utils import timezone

from pastoral.access import scope_for
from pastoral.notifications import registry, services
from pastoral.notifications.models import Notification
from safeguarding import services as safeguarding_services
from safeguarding.models import Concern, ConcernAction
from tests.conftest import sign_in
from tests.factories import UserFactory, member
from tests.safeguarding.helpers import log_concern, triage

ONE = dt.timedelta(days=1)


def test_an_untriaged_concern_is_escalated_to_the_deputy_dsls_by_email_at_once(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    deputy = member(UserFactory(full_name="Dee Deputy"), world.school, "ddsl")
    concern = log_concern(world)
    fresh = log_concern(world)
    Concern.objects.filter(pk=concern.pk).update(
        submitted_at=timezone.now() - dt.timedelta(hours=25)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_run(today=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_run(today=timezone.localdate())
    notes = Notification.objects.filter(kind="safeguarding.untriaged_escalation")
    assert [(n.recipient_id, n.object_id) for n in notes] == [(deputy.pk, str(concern.pk))]
    assert notes[0].urgent
    assert str(fresh.pk) not in {n.object_id for n in notes}
    escalations = [m for m in mail.outbox if "not triaged" in m.subject]
    assert len(escalations) == 1
    message = escalations[0]
    assert message.to == [deputy.email]
    assert concern.reference in message.subject
    for secret in ("Nina", "Nine", world.learner9.upn, "scared to go home", "Corridor B"):
        assert secret not in message.subject and secret not in message.body


def test_a_triaged_concern_is_not_escalated(world: Any) -> None:
    member(UserFactory(), world.school, "ddsl")
    concern = log_concern(world)
    triage(world, concern, level="pastoral")
    Concern.objects.filter(pk=concern.pk).update(
        submitted_at=timezone.now() - dt.timedelta(hours=48)
    )
    kind = registry.get_kind("safeguarding.untriaged_escalation")
    assert kind is not None
    assert list(kind.find_due(world.school, timezone.localdate())) == []


def test_follow_up_actions_remind_the_concern_owner(world: Any) -> None:
    concern = triage(world, log_concern(world))
    today = timezone.localdate()
    due = ConcernAction.objects.create(
        concern=concern,
        kind=ConcernAction.Kind.MONITORING,
        follow_up_due=today,
        recorded_by=world.user("dsl"),
    )
    late = ConcernAction.objects.create(
        concern=concern,
        kind=ConcernAction.Kind.PARENT_CONTACTED,
        follow_up_due=today - 4 * ONE,
        recorded_by=world.user("dsl"),
    )
    ConcernAction.objects.create(
        concern=concern,
        kind=ConcernAction.Kind.NFA,
        follow_up_due=today - 4 * ONE,
        completed_at=timezone.now(),
        recorded_by=world.user("dsl"),
    )
    services.reminders_run(today=today)
    got = sorted(
        Notification.objects.filter(kind__startswith="safeguarding.follow_up").values_list(
            "kind", "recipient_id", "object_id"
        )
    )
    dsl = world.user("dsl").pk
    assert got == [
        ("safeguarding.follow_up_due", dsl, str(due.pk)),
        ("safeguarding.follow_up_overdue", dsl, str(late.pk)),
    ]
    assert all(concern.reference in n.title for n in Notification.objects.filter(recipient=dsl))


def test_a_notification_about_a_concern_later_restricted_leaks_nothing(
    world: Any, client: Any
) -> None:
    """The head of year was alerted to a pastoral concern; the DSL then makes it
    restricted. The notification still lists (its title names only the
    reference), but its link now answers 404, and so does the page itself."""
    hoy = world.user("hoy")
    concern = safeguarding_services.concern_create(
        scope=scope_for(world.user("staff"), world.school),
        learner_ids=[world.learner9.pk],
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        location="Changing rooms",
        description="Bruise on the left arm, said a parent grabbed her.",
        category_ids=[],
        restricted=False,
        files=[],
        alerted_ids=[hoy.pk],
    )
    note = Notification.objects.get(recipient=hoy, object_id=str(concern.pk))
    sign_in(client, hoy, school=world.school)
    response = client.get(f"/notifications/{note.pk}/open/")
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200

    triage(world, concern, level="restricted")
    response = client.get(f"/notifications/{note.pk}/open/")
    assert response.status_code == 404
    assert client.get(f"/safeguarding/concerns/{concern.pk}/").status_code == 404
    listing = client.get("/notifications/").content.decode()
    assert concern.reference in listing
    for secret in ("Nina", "Nine", world.learner9.upn, "Bruise", "Changing rooms"):
        assert secret not in note.title
        assert secret not in listing
