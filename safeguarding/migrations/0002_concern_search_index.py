"""A GIN index for the DSL's free-text search on PostgreSQL.

`selectors.search_concerns` filters on the English full-text vector of a
concern's description, action taken, location and next action. This index is
on exactly that expression (as Django compiles the SearchVector), so the
search reads the index instead of computing the vector of every concern the
school has ever logged. SQLite has no full-text vector: nothing to do there.
tests/safeguarding/test_search_index.py checks that the search uses it.
"""

from django.db import migrations

INDEX = "safeguarding_concern_search_gin"
VECTOR = (
    "to_tsvector('english'::regconfig, COALESCE(description, '') || ' ' || "
    "COALESCE(action_taken, '') || ' ' || COALESCE(location, '') || ' ' || "
    "COALESCE(next_action, ''))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON safeguarding_concern USING gin ({VECTOR})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
