"""Extended statistics for PostgreSQL's planner on the learner table.

Scoped queries filter learners by school and year group together (a head of
year's scope). A year group belongs to exactly one school, but the planner
multiplies the two selectivities as if they were independent and expects a
handful of rows where there are hundreds, then picks sorts and nested loops
that suit a handful. Declaring the dependency fixes the estimate. SQLite has
no such statistics: nothing to do there.
"""

from django.db import migrations

NAME = "pastoral_learner_school_year_stats"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {NAME} (dependencies) "
            "ON school_id, year_group_id FROM pastoral_learner"
        )
        schema_editor.execute("ANALYZE pastoral_learner")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("pastoral", "0003_import_batch")]

    operations = [migrations.RunPython(create, drop)]
