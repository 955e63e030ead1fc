"""On PostgreSQL, refuse UPDATE and DELETE on the audit table at the database.

TRUNCATE is left to the database owner (test suites flush with it); verify_audit
notices a truncated chain because the chain head remembers its length.
SQLite has no equivalent that survives a raw connection; there the model and
queryset refuse, and verify_audit detects anything done behind their back.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION pastoral_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS pastoral_auditevent_append_only ON pastoral_auditevent;
CREATE TRIGGER pastoral_auditevent_append_only
    BEFORE UPDATE OR DELETE ON pastoral_auditevent
    FOR EACH ROW EXECUTE FUNCTION pastoral_audit_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS pastoral_auditevent_append_only ON pastoral_auditevent;
DROP FUNCTION IF EXISTS pastoral_audit_refuse_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("pastoral", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
