"""The audit trail is append-only and tamper-evident: a chain per school,
each event signed with a keyed MAC (AUDIT_KEY), read events sealed in later.

Tampering is done as an attacker with database access would: with a raw
cursor and, on PostgreSQL, the guarding trigger switched off (as only a
superuser can). Every kind of tampering must be named by verify_audit.
PostgreSQL's own refusals are in test_audit_guards.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from pastoral import audit
from pastoral.audit import chain, keys
from pastoral.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


@contextmanager
def behind_the_apps_back() -> Iterator[Any]:
    """A raw cursor that can change audit rows, as an attacker with database
    access could: on PostgreSQL the guarding triggers of both audit tables are
    switched off for the length of the block, as only a superuser can (inside
    the test's transaction, so they come back)."""
    tables = ("pastoral_auditevent", "pastoral_auditchainhead")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's foreign keys are deferred; ALTER TABLE needs them settled.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                for table in tables:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def trail(world: Any) -> list[AuditEvent]:
    """Five writes in the school, two elsewhere, one sign-in with no school."""
    events = [
        audit.record(
            "pastoral.learner.changed",
            actor=world.user("dsl"),
            school=world.school,
            obj=world.learner9,
            changes={"n": n, "note": "café ☕"},
        )
        for n in range(5)
    ]
    for _ in range(2):
        audit.record("pastoral.learner.changed", actor=world.outsider, school=world.other_school)
    audit.record("accounts.user.signed_in", actor=world.user("dsl"), school=None)
    return events


def _verify(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def test_it_passes_an_intact_trail_and_counts_it(trail: list[AuditEvent]) -> None:
    assert "Audit trail intact: 8 event(s) verified." in _verify()
    assert [e.seq for e in trail] == [1, 2, 3, 4, 5]
    assert trail[1].prev_hash == trail[0].hash
    key_id, key = keys.current()
    assert {e.key_id for e in trail} == {key_id}
    # The MAC is keyed: the plain SHA-256 of the payload is not it.
    import hashlib

    assert trail[0].hash == trail[0].compute_mac(key)
    assert trail[0].hash != hashlib.sha256(trail[0].payload().encode()).hexdigest()


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


def _forge(template: AuditEvent, key: bytes, **changes: Any) -> list[Any]:
    """Column values for a forged copy of an event, signed with `key`."""
    import json

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
        key_id=changes.get("key_id", template.key_id),
    )
    forged.hash = forged.compute_mac(key)
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
        forged.key_id,
    ]


INSERT = (
    "INSERT INTO pastoral_auditevent (school_id, seq, created_at, actor_id, actor_label, action, "
    "object_type, object_id, learner_id, changes, ip, user_agent, prev_hash, hash, key_id) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def test_it_names_the_event_after_a_forged_replacement(trail: list[AuditEvent]) -> None:
    # Even with the key: replace event 3 with a forgery that links to event 2;
    # event 4 no longer links to it.
    _, key = keys.current()
    with behind_the_apps_back() as cursor:
        cursor.execute("DELETE FROM pastoral_auditevent WHERE id = %s", [trail[2].pk])
        cursor.execute(INSERT, _forge(trail[2], key, action="pastoral.learner.nothing_to_see"))
    with pytest.raises(CommandError, match=rf"event id={trail[3].pk} .*does not link"):
        _verify()


def test_it_names_an_event_inserted_after_the_end(trail: list[AuditEvent]) -> None:
    last = trail[4]
    _, key = keys.current()
    with behind_the_apps_back() as cursor:
        cursor.execute(INSERT, _forge(last, key, seq=6, prev_hash=last.hash))
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


def _recompute_chain(school_id: int, key: bytes, key_id: str) -> None:
    """Rewrite a whole chain consistently (every link and the head), as an
    attacker would who has the database but not the audit key."""
    with behind_the_apps_back() as cursor:
        prev = chain.GENESIS
        events = AuditEvent.objects.filter(school_id=school_id).order_by("seq")
        for event in events:
            event.prev_hash, event.key_id = prev, key_id
            if event.seq == 2:
                event.action = "pastoral.learner.nothing_to_see"
            mac = event.compute_mac(key)
            cursor.execute(
                "UPDATE pastoral_auditevent SET action = %s, prev_hash = %s, hash = %s, "
                "key_id = %s WHERE id = %s",
                [event.action, prev, mac, key_id, event.pk],
            )
            prev = mac
        cursor.execute(
            "UPDATE pastoral_auditchainhead SET last_hash = %s WHERE school_key = %s",
            [prev, school_id],
        )


def test_it_detects_a_chain_recomputed_without_the_key(world: Any, trail: list[AuditEvent]) -> None:
    # The forger claims the real key id but signs with a guess.
    key_id, _ = keys.current()
    _recompute_chain(world.school.pk, b"a guess at the key", key_id)
    first = trail[0]
    with pytest.raises(
        CommandError, match=rf"event id={first.pk} .*recomputed without the audit key"
    ):
        _verify()


def test_it_refuses_a_chain_signed_with_an_unknown_key(world: Any, trail: list[AuditEvent]) -> None:
    _recompute_chain(world.school.pk, b"the forger's own key", keys.key_id_of(b"forger"))
    with pytest.raises(CommandError, match=r"key id '[0-9a-f]{12}', which is not configured"):
        _verify()


def test_a_key_rotation_is_recorded_and_both_keys_verify(
    world: Any, trail: list[AuditEvent], settings: Any
) -> None:
    old_id, _ = keys.current()
    settings.AUDIT_PREVIOUS_KEYS = [settings.AUDIT_KEY]
    settings.AUDIT_KEY = "a brand new audit key of at least thirty-two characters"
    new_id, _ = keys.current()
    later = audit.record("pastoral.learner.changed", actor=world.user("dsl"), school=world.school)
    rotation = AuditEvent.objects.get(school=world.school, seq=later.seq - 1)
    assert rotation.action == "audit.key.rotated"
    assert rotation.changes == {"from_key": old_id, "to_key": new_id}
    assert settings.AUDIT_KEY not in str(rotation.changes)
    assert later.key_id == new_id
    assert "intact" in _verify()
    # Without the old key the events it signed can no longer be trusted.
    settings.AUDIT_PREVIOUS_KEYS = []
    with pytest.raises(CommandError, match=rf"key id '{old_id}', which is not configured"):
        _verify()


def test_a_change_of_key_without_a_rotation_event_is_named(
    world: Any, trail: list[AuditEvent], settings: Any
) -> None:
    settings.AUDIT_PREVIOUS_KEYS = [settings.AUDIT_KEY]
    settings.AUDIT_KEY = "another audit key, long enough to be accepted in production"
    new_id, new_key = keys.current()
    last = trail[4]
    with behind_the_apps_back() as cursor:
        cursor.execute(INSERT, _forge(last, new_key, seq=6, prev_hash=last.hash, key_id=new_id))
        cursor.execute(
            "UPDATE pastoral_auditchainhead SET seq = 6 WHERE school_key = %s", [world.school.pk]
        )
    with pytest.raises(CommandError, match=r"without a rotation event"):
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


# --- reads: appended unsealed, sealed in order ----------------------------------


def test_a_view_is_appended_unsealed_without_moving_the_chain(world: Any) -> None:
    from pastoral.access import scope_for

    dsl = world.user("dsl")
    scope = scope_for(dsl, world.school)
    write = audit.record("pastoral.learner.changed", actor=dsl, school=world.school)
    events = audit.viewed(scope, world.learner9, page=2)
    assert [(e.action, e.seq, e.learner_id) for e in events] == [
        ("pastoral.learner.viewed", None, world.learner9.pk)
    ]
    assert events[0].changes == {"page": 2}
    head = AuditChainHead.objects.get(school_key=world.school.pk)
    assert head.seq == write.seq  # the view took no place in the chain yet
    # ... but is already in the DSL's audit trail.
    assert events[0] in audit.events_for(scope)


def test_viewed_records_one_event_per_learner_and_only_reads(world: Any) -> None:
    from pastoral.access import scope_for

    scope = scope_for(world.user("dsl"), world.school)
    events = audit.viewed(
        scope,
        action="safeguarding.concerns.searched",
        learners=[world.learner9, world.learner10],
        q="home",
    )
    assert sorted(e.learner_id for e in events) == sorted([world.learner9.pk, world.learner10.pk])
    with pytest.raises(ValueError, match="reads only"):
        audit.viewed(scope, world.learner9, action="pastoral.learner.changed")


def test_reads_are_sealed_in_order_before_the_next_write(world: Any) -> None:
    from pastoral.access import scope_for

    dsl = world.user("dsl")
    scope = scope_for(dsl, world.school)
    first = audit.record("pastoral.learner.changed", actor=dsl, school=world.school)
    reads = [audit.viewed(scope, world.learner9, n=n)[0] for n in range(3)]
    write = audit.record("pastoral.learner.changed", actor=dsl, school=world.school)
    sealed = [AuditEvent.objects.get(pk=e.pk) for e in reads]
    assert [e.seq for e in sealed] == [first.seq + 1, first.seq + 2, first.seq + 3]
    assert sealed[0].prev_hash == first.hash and write.prev_hash == sealed[2].hash
    assert "intact: 5 event(s)" in _verify()


def test_verify_audit_seals_pending_reads_first(world: Any) -> None:
    from pastoral.access import scope_for

    scope = scope_for(world.user("dsl"), world.school)
    for n in range(4):
        audit.viewed(scope, world.learner9, n=n)
    out = _verify()
    assert "Sealed 4 pending read event(s)" in out and "intact: 4 event(s)" in out
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
    assert chain.seal() == 0  # sealing again seals nothing


def test_the_beat_job_seals(world: Any) -> None:
    from pastoral.access import scope_for
    from pastoral.audit import tasks

    scope = scope_for(world.user("dsl"), world.school)
    audit.viewed(scope, world.learner9)
    audit.viewed(scope, world.learner10)
    assert tasks.seal() == 2
    assert list(
        AuditEvent.objects.filter(school=world.school).order_by("seq").values_list("seq", flat=True)
    ) == [1, 2]


# --- checkpoints outside the database ---------------------------------------------


def _checkpoint(directory: Any) -> None:
    from io import StringIO

    call_command("audit_checkpoint", "--dir", str(directory), stdout=StringIO())


def test_a_checkpoint_is_extended_by_an_intact_chain(
    trail: list[AuditEvent], tmp_path: Any
) -> None:
    _checkpoint(tmp_path)
    audit.record("pastoral.learner.changed", actor=None, school=trail[0].school)
    _checkpoint(tmp_path)
    files = list(tmp_path.glob("*.json"))
    assert len(files) == 2
    import json

    document = json.loads(files[0].read_text())
    assert {c["school"] for c in document["chains"]} == {
        trail[0].school_id,
        AuditEvent.objects.filter(action="pastoral.learner.changed")
        .exclude(school=trail[0].school)
        .first()
        .school_id,
        0,
    }
    out = _verify("--checkpoints", str(tmp_path))
    assert "All 2 checkpoint(s) are extended" in out


def test_a_chain_wiped_and_rebuilt_with_the_key_is_caught_by_the_checkpoint(
    world: Any, trail: list[AuditEvent], tmp_path: Any
) -> None:
    _checkpoint(tmp_path)
    # The attacker has the key and the database: wipe the school's trail and
    # head, then write a new, internally consistent history through the app.
    with behind_the_apps_back() as cursor:
        cursor.execute("DELETE FROM pastoral_auditevent WHERE school_id = %s", [world.school.pk])
        cursor.execute(
            "DELETE FROM pastoral_auditchainhead WHERE school_key = %s", [world.school.pk]
        )
    for _ in range(6):
        audit.record("pastoral.learner.changed", actor=world.user("dsl"), school=world.school)
    assert "intact" in _verify()  # the rebuilt chain is consistent in itself...
    with pytest.raises(CommandError, match=r"seq 5 of school \d+ is not the one checkpointed"):
        _verify("--checkpoints", str(tmp_path))  # ... but not with the checkpoint


def test_a_removed_tail_is_caught_by_the_checkpoint(
    world: Any, trail: list[AuditEvent], tmp_path: Any
) -> None:
    _checkpoint(tmp_path)
    with behind_the_apps_back() as cursor:
        cursor.execute("DELETE FROM pastoral_auditevent WHERE id = %s", [trail[4].pk])
    with pytest.raises(CommandError, match=r"ends at seq 4 but its head records seq 5"):
        _verify()
    with pytest.raises(CommandError, match=r"no longer reaches seq 5"):
        _verify("--checkpoints", str(tmp_path), "--no-seal")


def test_an_altered_checkpoint_file_is_named(trail: list[AuditEvent], tmp_path: Any) -> None:
    _checkpoint(tmp_path)
    path = next(tmp_path.glob("*.json"))
    path.chmod(0o644)
    path.write_text(path.read_text().replace('"seq": 5', '"seq": 4'))
    with pytest.raises(CommandError, match=rf"{path.name}: signature does not match"):
        _verify("--checkpoints", str(tmp_path))


def test_checkpoints_are_emailed_to_each_schools_dsls(
    world: Any, trail: list[AuditEvent], mailoutbox: Any, tmp_path: Any
) -> None:
    import json
    from io import StringIO

    call_command("audit_checkpoint", "--dir", str(tmp_path), "--email", stdout=StringIO())
    ours = [m for m in mailoutbox if world.user("dsl").email in m.to]
    assert len(ours) == 1
    assert world.user("staff").email not in ours[0].to
    name, content, _ = ours[0].attachments[0]
    document = json.loads(content)
    assert [c["school"] for c in document["chains"]] == [world.school.pk]
    assert document["chains"][0]["seq"] == 5
    assert "café" not in content and world.learner9.last_name not in ours[0].body
    # A DSL who saved the attachment can verify against it.
    (tmp_path / "mail").mkdir()
    (tmp_path / "mail" / name).write_text(content)
    assert "All 1 checkpoint(s)" in _verify("--checkpoints", str(tmp_path / "mail"))


# --- request facts ------------------------------------------------------------------


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


def test_it_records_the_client_address_from_the_request_being_served(
    world: Any, settings: Any
) -> None:
    from django.test import RequestFactory

    from pastoral.audit.context import facts_of, request_facts

    request = RequestFactory().get(
        "/",
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",
        HTTP_USER_AGENT="Tablet/1.0",
    )
    assert audit.client_ip(request) == "10.0.0.5"
    with request_facts(facts_of(request)):
        event = audit.record(
            "pastoral.learner.changed", actor=world.user("dsl"), school=world.school
        )
    assert (event.ip, event.user_agent) == ("10.0.0.5", "Tablet/1.0")
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert audit.client_ip(request) == "203.0.113.9"
    request.META["HTTP_X_FORWARDED_FOR"] = "not-an-address"
    assert audit.client_ip(request) is None
    # Outside a request (a task, a command) an event carries no facts.
    event = audit.record("pastoral.learner.changed", actor=world.user("dsl"), school=world.school)
    assert event.ip is None and event.user_agent == ""


def test_a_served_page_view_carries_the_address_and_user_agent(world: Any, client: Any) -> None:
    from tests.conftest import sign_in

    sign_in(client, world.user("dsl"))
    response = client.get(
        f"/caseload/learners/{world.learner9.pk}/",
        REMOTE_ADDR="192.0.2.7",
        HTTP_USER_AGENT="Corridor iPad",
    )
    assert response.status_code == 200
    event = AuditEvent.objects.filter(learner=world.learner9).latest("id")
    assert (event.ip, event.user_agent) == ("192.0.2.7", "Corridor iPad")


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


# --- upgrading a trail written before keyed MACs ------------------------------------


def test_the_upgrade_re_signs_an_old_chain_only_as_far_as_it_verifies(world: Any) -> None:
    import hashlib
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    upgrade = importlib.import_module("pastoral.migrations.0006_audit_triggers_and_rekey")
    events = [
        audit.record("pastoral.learner.changed", actor=world.user("dsl"), school=world.school)
        for _ in range(4)
    ]
    # Rewrite them as the old code wrote them: plain SHA-256, no key id; then
    # alter the third behind the app's back, as if before the upgrade.
    with behind_the_apps_back() as cursor:
        prev = chain.GENESIS
        for event in events:
            event.prev_hash, event.key_id = prev, ""
            old = hashlib.sha256(upgrade._payload(event).encode()).hexdigest()
            cursor.execute(
                "UPDATE pastoral_auditevent SET prev_hash = %s, hash = %s, key_id = '' "
                "WHERE id = %s",
                [prev, old, event.pk],
            )
            prev = old
        cursor.execute(
            "UPDATE pastoral_auditchainhead SET last_hash = %s, key_id = '' WHERE school_key = %s",
            [prev, world.school.pk],
        )
        cursor.execute(
            "UPDATE pastoral_auditevent SET action = 'pastoral.learner.hidden' WHERE id = %s",
            [events[2].pk],
        )
        # rekey() needs only the editor's connection (SQLite refuses a schema
        # editor inside the test's transaction).
        upgrade.rekey(apps, SimpleNamespace(connection=connection))
    key_id, _ = keys.current()
    after = list(AuditEvent.objects.filter(school=world.school).order_by("seq"))
    assert [e.key_id for e in after] == [key_id, key_id, "", ""]
    # The re-signed part verifies; the altered event is named, not laundered.
    with pytest.raises(CommandError, match=rf"event id={events[2].pk} "):
        _verify()


def test_beat_seals_every_few_seconds_and_checkpoints_daily(settings: Any) -> None:
    from pastoral.celery import app

    app.loader.import_default_modules()
    assert {"audit.seal", "audit.checkpoint"} <= set(app.tasks)
    schedule = {v["task"]: v["schedule"] for v in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["audit.seal"] == float(settings.AUDIT_SEAL_SECONDS) <= 60
    assert schedule["audit.checkpoint"].hour == {settings.AUDIT_CHECKPOINT_HOUR}
