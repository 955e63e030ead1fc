"""The keyed audit chain's database guards, and the one-time re-signing of
events written before it.

On PostgreSQL:
- an audit event can never be deleted, and changed only to be sealed (an
  unsealed read event gets its seq and MACs once; nothing else may change);
- a chain head can never be deleted and only moves forward;
- TRUNCATE of either table is refused (statement triggers).
A superuser can still disable triggers; `verify_audit` (with the key and the
checkpoints kept outside the database) detects what is done then. SQLite has
no equivalent that survives a raw connection: there the models refuse, and
verify_audit detects anything done behind their back.

Events written before this migration were chained with plain SHA-256. Each
chain is re-signed with AUDIT_KEY in order, but only as far as its old hashes
still verify: an event already altered is left as it was, so verify_audit
names it instead of this migration laundering it.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations

GENESIS = "0" * 64

GUARDS = """
CREATE OR REPLACE FUNCTION pastoral_audit_guard_event() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
       AND ROW(NEW.id, NEW.school_id, NEW.created_at, NEW.actor_id, NEW.actor_label,
               NEW.action, NEW.object_type, NEW.object_id, NEW.learner_id, NEW.changes,
               NEW.ip, NEW.user_agent)
           IS NOT DISTINCT FROM
           ROW(OLD.id, OLD.school_id, OLD.created_at, OLD.actor_id, OLD.actor_label,
               OLD.action, OLD.object_type, OLD.object_id, OLD.learner_id, OLD.changes,
               OLD.ip, OLD.user_agent) THEN
        RETURN NEW;  -- sealing an unsealed event: the one change allowed
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION pastoral_audit_guard_head() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit chain heads cannot be deleted';
    END IF;
    IF NEW.school_key <> OLD.school_key OR NEW.seq < OLD.seq
       OR (NEW.seq = OLD.seq AND NEW.last_hash <> OLD.last_hash) THEN
        RAISE EXCEPTION 'audit chain head of % can only move forward (seq % to %)',
            OLD.school_key, OLD.seq, NEW.seq;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION pastoral_audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'TRUNCATE of % refused: the audit trail is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS pastoral_auditevent_append_only ON pastoral_auditevent;
DROP FUNCTION IF EXISTS pastoral_audit_refuse_change();
CREATE TRIGGER pastoral_auditevent_append_only
    BEFORE UPDATE OR DELETE ON pastoral_auditevent
    FOR EACH ROW EXECUTE FUNCTION pastoral_audit_guard_event();
CREATE TRIGGER pastoral_auditevent_no_truncate
    BEFORE TRUNCATE ON pastoral_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION pastoral_audit_refuse_truncate();
CREATE TRIGGER pastoral_auditchainhead_forward_only
    BEFORE UPDATE OR DELETE ON pastoral_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION pastoral_audit_guard_head();
CREATE TRIGGER pastoral_auditchainhead_no_truncate
    BEFORE TRUNCATE ON pastoral_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION pastoral_audit_refuse_truncate();
"""

DROP_GUARDS = """
DROP TRIGGER IF EXISTS pastoral_auditevent_append_only ON pastoral_auditevent;
DROP TRIGGER IF EXISTS pastoral_auditevent_no_truncate ON pastoral_auditevent;
DROP TRIGGER IF EXISTS pastoral_auditchainhead_forward_only ON pastoral_auditchainhead;
DROP TRIGGER IF EXISTS pastoral_auditchainhead_no_truncate ON pastoral_auditchainhead;
DROP FUNCTION IF EXISTS pastoral_audit_guard_event();
DROP FUNCTION IF EXISTS pastoral_audit_guard_head();
DROP FUNCTION IF EXISTS pastoral_audit_refuse_truncate();
"""

FIELDS = (
    "school_id seq created_at actor_id actor_label action object_type object_id "
    "learner_id changes ip user_agent prev_hash"
).split()


def _payload(row, **extra):
    data = {
        "school": row.school_id,
        "seq": row.seq,
        "created_at": row.created_at.isoformat(),
        "actor": row.actor_id,
        "actor_label": row.actor_label,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "learner": row.learner_id,
        "changes": row.changes,
        "ip": row.ip,
        "user_agent": row.user_agent,
        "prev_hash": row.prev_hash,
        **extra,
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


def rekey(apps, schema_editor):
    Event = apps.get_model("pastoral", "AuditEvent")
    Head = apps.get_model("pastoral", "AuditChainHead")
    key = settings.AUDIT_KEY.encode()
    key_id = hashlib.sha256(b"pastoral-audit-key-id:" + key).hexdigest()[:12]
    table = Event._meta.db_table
    cursor = schema_editor.connection.cursor()
    for head in Head.objects.all():
        events = Event.objects.filter(school_id=head.school_key or None).exclude(seq=None)
        old_prev, new_prev, rows = GENESIS, GENESIS, []
        for number, row in enumerate(events.order_by("seq", "id").iterator(), start=1):
            intact = (
                row.seq == number
                and row.prev_hash == old_prev
                and hashlib.sha256(_payload(row).encode()).hexdigest() == row.hash
            )
            if not intact:
                break
            old_prev = row.hash
            row.prev_hash = new_prev
            mac = hmac.new(key, _payload(row, key_id=key_id).encode(), hashlib.sha256).hexdigest()
            rows.append((new_prev, mac, key_id, row.pk))
            new_prev = mac
        cursor.executemany(
            f"UPDATE {table} SET prev_hash = %s, hash = %s, key_id = %s WHERE id = %s", rows
        )
        if rows and len(rows) == head.seq:
            Head.objects.filter(pk=head.pk).update(last_hash=new_prev, key_id=key_id)


def forwards(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS pastoral_auditevent_append_only ON pastoral_auditevent",
            params=None,
        )
    rekey(apps, schema_editor)
    if postgres:
        schema_editor.execute(GUARDS, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_GUARDS, params=None)


class Migration(migrations.Migration):
    dependencies = [("pastoral", "0005_audit_keyed_chain")]
    operations = [migrations.RunPython(forwards, backwards)]
