"""The categories the author ticked, kept apart from the DSL's (which change at
triage), so the author's list shows what they recorded. Existing concerns take
them from their creation audit event, else (no event) from their categories now."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    Concern = apps.get_model("safeguarding", "Concern")
    AuditEvent = apps.get_model("pastoral", "AuditEvent")
    recorded = {}
    for object_id, changes in AuditEvent.objects.filter(
        action="safeguarding.concern.created", object_type="safeguarding.concern"
    ).values_list("object_id", "changes"):
        if object_id.isdigit() and isinstance(changes, dict):
            recorded.setdefault(int(object_id), list(changes.get("categories") or []))
    through = Concern.categories.through
    current = {}
    for concern_id, name in through.objects.values_list("concern_id", "category__name"):
        current.setdefault(concern_id, []).append(name)
    for pk in Concern.objects.values_list("pk", flat=True).iterator():
        names = recorded.get(pk, sorted(current.get(pk, [])))
        if names:
            Concern.objects.filter(pk=pk).update(recorded_categories=names)


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0005_link_roles_decisions"),
        ("pastoral", "0007_role_requests"),
    ]

    operations = [
        migrations.AddField(
            model_name="concern",
            name="recorded_categories",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
