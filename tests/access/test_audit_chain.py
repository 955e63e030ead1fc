"""The audit trail is append-only and tamper-evident (hash chain per school)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from pastoral import audit
from pastoral.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


@contextmanager
def behind_the_apps_back() -> Iterator[Any]:
    """A raw cursor that can change audit rows, as an attacker with database
    access could: on PostgreSQL the append-only trigger is switched off for
    the length of the block (inside the test's transaction, so it comes back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's foreign keys are deferred; ALTER TABLE needs them settled.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE pastoral_auditevent DISABLE TRIGGER pastoral_auditevent_append_only"
            )
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "ALTER TABLE pastoral_auditevent ENABLE TRIGGER pastoral_auditevent_append_only"
                )
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def trail(world: Any) -> list[AuditEvent]:
    """Five events in the school, two elsewhere, one sign-in with no school."""
    events = [
        audit.record(
            "pastoral.learner.viewed",
            actor=world.user("dsl"),
            school=world.school,
            obj=world.learner9,
            changes={"n": n, "note": "café ☕"},
        )
        for n in range(5)
    ]
    for _ in range(2):
        audit.record("pastoral.learner.viewed", actor=world.outsider, school=world.other_school)
    audit.record("accounts.user.signed_in", actor=world.user("dsl"), school=None)
    return events


def _verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_it_passes_an_intact_trail_and_counts_it(trail: list[AuditEvent]) -> None:
    assert "Audit trail intact: 8 event(s) verified." in _verify()
    assert [e.seq for e in trail] == [1, 2, 3, 4, 5]
    assert trail[1].prev_hash == trail[0].hash


def test_it_names_an_altered_event(trail: list[AuditEvent]) -> None:
    target = trail[2]
    with behind_the_apps_back() as cursor:
        cursor.execute(
            "UPDATE pastoral_auditevent SET action = %s WHERE id = %s",
            ["pastoral.learner.edited", target.pk],
        )
    with pytest.raises(CommandError, match=rf"event id={target.pk} .*altered"):
        _verify()


def test_it_names_an_event_whose_changes_were_rewritten(trail: list[AuditEvent]) -> None:
    target = trail[0]
    with behind_the_apps_back() as cursor:
        cursor.execute(
            "UPDATE pastoral_auditevent SET changes = %s WHERE id = %s", ['{"n": 99}', target.pk]
        )
    with pytest.raises(CommandError, match=rf"event id={target.pk} "):
        _verify()


def test_it_names_the_event_after_a_removed_one(trail: list[AuditEvent]) -> None:
    with behind_the_apps_back() as cursor:
        cursor.execute("DELETE FROM pastoral_auditevent WHERE id = %s", [trail[1].pk])
    with pytest.raises(CommandError, match=rf"event id={trail[2].pk} .*removed"):
        _verify()


def test_it_notices_the_last_event_removed(trail: list[AuditEvent]) -> None:
    with behind_the_apps_back() as cursor:
        cursor.execute("DELETE FROM pastoral_auditevent WHERE id = %s", [trail[4].pk])
    with pytest.raises(CommandError, match=r"ends at seq 4 but its head records seq 5"):
        _verify()


def _forge(template: AuditEvent, **changes: Any) -> list[Any]:
    """Column values for a forged copy of an event, with a correct-looking hash."""
    forged = AuditEvent(
        school_id=template.school_id,
        seq=changes.get("seq", template.seq),
        created_at=template.created_at,
        actor_id=template.actor_id,
        actor_label=template.actor_label,
        action=changes.get("action", template.action),
        object_type=template.object_type,
        object_id=template.object_id,
        learner_id=template.learner_id,
        changes=template.changes,
        ip=template.ip,
        user_agent=template.user_agent,
        prev_hash=changes.get("prev_hash", template.prev_hash),
    )
    forged.hash = forged.compute_hash()
    import json

    return [
        forged.school_id,
        forged.seq,
        forged.created_at,
        forged.actor_id,
        forged.actor_label,
        forged.action,
        forged.object_type,
        forged.object_id,
        forged.learner_id,
        json.dumps(forged.changes),
        forged.ip,
        forged.user_agent,
        forged.prev_hash,
        forged.hash,
    ]


INSERT = (
    "INSERT INTO pastoral_auditevent (school_id, seq, created_at, actor_id, actor_label, action, "
    "object_type, object_id, learner_id, changes, ip, user_agent, prev_hash, hash) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def test_it_names_the_event_after_a_forged_replacement(trail: list[AuditEvent]) -> None:
    # Replace event 3 with a forgery that hashes correctly and links to event 2:
    # event 4 no longer links to it.
    with behind_the_apps_back() as cursor:
        cursor.execute("DELETE FROM pastoral_auditevent WHERE id = %s", [trail[2].pk])
        cursor.execute(INSERT, _forge(trail[2], action="pastoral.learner.nothing_to_see"))
    with pytest.raises(CommandError, match=rf"event id={trail[3].pk} .*does not link"):
        _verify()


def test_it_names_an_event_inserted_after_the_end(trail: list[AuditEvent]) -> None:
    last = trail[4]
    with behind_the_apps_back() as cursor:
        cursor.execute(INSERT, _forge(last, seq=6, prev_hash=last.hash))
        cursor.execute("SELECT max(id) FROM pastoral_auditevent")
        forged_id = cursor.fetchone()[0]
    with pytest.raises(CommandError, match=rf"event id={forged_id} .*beyond the end"):
        _verify()


def test_it_names_events_swapped_out_of_order(trail: list[AuditEvent]) -> None:
    a, b = trail[1], trail[3]
    with behind_the_apps_back() as cursor:
        # Renumber 2 and 4 through a free number, as the unique constraint insists.
        cursor.execute("UPDATE pastoral_auditevent SET seq = 999 WHERE id = %s", [a.pk])
        cursor.execute("UPDATE pastoral_auditevent SET seq = 2 WHERE id = %s", [b.pk])
        cursor.execute("UPDATE pastoral_auditevent SET seq = 4 WHERE id = %s", [a.pk])
    with pytest.raises(CommandError, match=rf"event id={b.pk} "):
        _verify()


def test_it_refuses_changes_through_the_orm(trail: list[AuditEvent]) -> None:
    event = AuditEvent.objects.get(pk=trail[0].pk)
    event.action = "pastoral.learner.edited"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert "intact" in _verify()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_postgresql_refuses_update_and_delete_of_audit_rows(trail: list[AuditEvent]) -> None:
    target = trail[0]
    with connection.cursor() as cursor:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("UPDATE pastoral_auditevent SET action = 'x' WHERE id = %s", [target.pk])
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("DELETE FROM pastoral_auditevent WHERE id = %s", [target.pk])
    assert AuditEvent.objects.get(pk=target.pk).action == "pastoral.learner.viewed"
    assert "intact" in _verify()


def test_it_masks_secrets_and_keeps_the_chain_head_in_step(world: Any) -> None:
    event = audit.record(
        "accounts.user.changed",
        actor=world.user("admin"),
        school=world.school,
        changes={"password": "hunter2hunter2", "nested": {"otp_secret": "ABC"}, "name": "x"},
    )
    assert event.changes == {"password": "••••••", "nested": {"otp_secret": "••••••"}, "name": "x"}
    head = AuditChainHead.objects.get(school_key=world.school.pk)
    assert (head.seq, head.last_hash) == (event.seq, event.hash)


def test_it_records_the_client_address(world: Any, settings: Any) -> None:
    from django.test import RequestFactory

    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9"
    )
    assert audit.client_ip(request) == "10.0.0.5"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert audit.client_ip(request) == "203.0.113.9"
    request.META["HTTP_X_FORWARDED_FOR"] = "not-an-address"
    assert audit.client_ip(request) is None
    event = audit.record(
        "pastoral.learner.viewed", actor=world.user("dsl"), school=world.school, request=request
    )
    assert event.ip is None and event.user_agent == ""


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("password", True),
        ("new_password2", True),
        ("otp_secret", True),
        ("api_key", True),
        ("recovery_codes", True),
        ("key_worker", False),
        ("monkey", False),
        ("year_groups", False),
        ("email", False),
    ],
)
def test_it_masks_by_field_name(name: str, secret: bool) -> None:
    assert audit._mask({name: "x"}) == {name: audit.MASK if secret else "x"}
