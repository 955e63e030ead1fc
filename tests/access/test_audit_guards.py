"""PostgreSQL refuses tampering with the audit trail at the database itself:
UPDATE (except sealing), DELETE and TRUNCATE of events, and a chain head that
moves back, disappears or is truncated. (SQLite has no such guard that
survives a raw connection; there verify_audit detects it: test_audit_chain.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from pastoral import audit
from pastoral.access import scope_for
from pastoral.models import AuditChainHead, AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def events(world: Any) -> list[AuditEvent]:
    return [
        audit.record("pastoral.learner.changed", actor=world.user("dsl"), school=world.school)
        for _ in range(3)
    ]


def _refused(sql: str, params: list[Any] | None = None, match: str = "refused") -> None:
    with (
        pytest.raises(DatabaseError, match=match),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # The test's own inserts leave deferred foreign-key checks pending,
        # which TRUNCATE would trip over before reaching the audit's trigger.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql, params or [])


def _intact() -> bool:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    return "intact" in out.getvalue()


def test_update_and_delete_of_events_are_refused(events: list[AuditEvent]) -> None:
    target = events[0]
    _refused(
        "UPDATE pastoral_auditevent SET action = 'x' WHERE id = %s", [target.pk], "append-only"
    )
    _refused("DELETE FROM pastoral_auditevent WHERE id = %s", [target.pk], "append-only")
    # Re-sealing a sealed event (a new seq or MAC) is a change like any other.
    _refused("UPDATE pastoral_auditevent SET hash = 'f' WHERE id = %s", [target.pk], "append-only")
    assert AuditEvent.objects.get(pk=target.pk).action == "pastoral.learner.changed"
    assert _intact()


def test_an_unsealed_event_can_only_be_sealed_not_altered(world: Any) -> None:
    scope = scope_for(world.user("dsl"), world.school)
    view = audit.viewed(scope, world.learner9)[0]
    _refused(
        "UPDATE pastoral_auditevent SET seq = 1, action = 'x' WHERE id = %s",
        [view.pk],
        "append-only",
    )
    _refused(
        "UPDATE pastoral_auditevent SET user_agent = 'x' WHERE id = %s", [view.pk], "append-only"
    )
    _refused("DELETE FROM pastoral_auditevent WHERE id = %s", [view.pk], "append-only")
    assert audit.seal() == 1
    assert AuditEvent.objects.get(pk=view.pk).seq == 1


@pytest.mark.parametrize("table", ["pastoral_auditevent", "pastoral_auditchainhead"])
def test_truncate_is_refused(events: list[AuditEvent], table: str) -> None:
    _refused(f"TRUNCATE {table} CASCADE", match=f"TRUNCATE of {table} refused")
    assert AuditEvent.objects.count() == 3 and _intact()


def test_truncating_a_table_the_trail_depends_on_is_refused(events: list[AuditEvent]) -> None:
    _refused("TRUNCATE pastoral_school CASCADE", match="refused")
    assert AuditEvent.objects.count() == 3


def test_the_chain_head_only_moves_forward(world: Any, events: list[AuditEvent]) -> None:
    key = world.school.pk
    _refused("UPDATE pastoral_auditchainhead SET seq = 1 WHERE school_key = %s", [key], "forward")
    _refused(
        "UPDATE pastoral_auditchainhead SET last_hash = 'x' WHERE school_key = %s",
        [key],
        "forward",
    )
    _refused(
        "UPDATE pastoral_auditchainhead SET school_key = 999999 WHERE school_key = %s",
        [key],
        "forward",
    )
    _refused(
        "DELETE FROM pastoral_auditchainhead WHERE school_key = %s", [key], "cannot be deleted"
    )
    head = AuditChainHead.objects.get(school_key=key)
    assert head.seq == 3
    audit.record("pastoral.learner.changed", actor=None, school=world.school)
    assert AuditChainHead.objects.get(school_key=key).seq == 4
