"""Categories carry a default level and alert groups (ACCESS.md, "Default level
by category").

Every existing school's categories of the restricted names (and the older
names "Prevent" and "Sexual harassment", which the first default list used for
the same things) become restricted by default; the restricted categories a
school lacks are added to its list, so that a member of staff can tick them.
Other categories get the alert groups a new school's list starts with. Concerns
already filed keep their level: only a DSL changes a level, through triage,
where it is audited.
"""

from django.db import migrations, models

# The lists as they stood when this migration was written (models.concerns).
RESTRICTED = [
    "Child protection",
    "Sexual abuse",
    "Child-on-child sexual violence or harassment",
    "FGM",
    "Prevent / radicalisation",
    "CSE / CCE",
    "Domestic abuse",
    "Honour-based abuse",
]
LEGACY_RESTRICTED = {"Prevent": "Prevent / radicalisation", "Sexual harassment": None}
ALERT_GROUPS = {
    "Neglect": ["hoy", "keyworker"],
    "Physical abuse": ["hoy"],
    "Emotional abuse": ["hoy", "keyworker"],
    "Self-harm": ["hoy", "keyworker"],
    "Mental health": ["hoy", "sen", "keyworker"],
    "Bullying": ["hoy"],
    "Child-on-child abuse": ["hoy"],
    "Online safety": ["hoy"],
    "Substance misuse": ["hoy", "keyworker"],
    "Attendance": ["attendance", "keyworker"],
    "Behaviour": ["hoy"],
    "Medical": ["sen"],
    "Family": ["hoy", "keyworker"],
}


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Category = apps.get_model("safeguarding", "Category")
    restricted_names = set(RESTRICTED) | set(LEGACY_RESTRICTED)
    Category.objects.update(alert_groups=["dsl"])
    Category.objects.filter(name__in=restricted_names).update(
        default_level="restricted", alert_groups=["dsl"]
    )
    for name, groups in ALERT_GROUPS.items():
        Category.objects.filter(name=name).update(alert_groups=["dsl", *groups])
    by_school: dict[int, set[str]] = {}
    last: dict[int, int] = {}
    for school_id, name, order in Category.objects.values_list("school_id", "name", "order"):
        by_school.setdefault(school_id, set()).add(name)
        last[school_id] = max(last.get(school_id, 0), order)
    new = []
    for school_id, names in by_school.items():
        present = names | {v for k, v in LEGACY_RESTRICTED.items() if k in names and v}
        for name in RESTRICTED:
            if name not in present:
                last[school_id] += 1
                new.append(
                    Category(
                        school_id=school_id,
                        name=name,
                        order=last[school_id],
                        default_level="restricted",
                        alert_groups=["dsl"],
                    )
                )
    Category.objects.bulk_create(new, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0003_default_categories")]

    operations = [
        migrations.AddField(
            model_name="category",
            name="alert_groups",
            field=models.JSONField(blank=True, default=list, verbose_name="Alert groups"),
        ),
        migrations.AddField(
            model_name="category",
            name="default_level",
            field=models.CharField(
                choices=[
                    ("pastoral", "Pastoral"),
                    ("restricted", "Restricted (child protection)"),
                ],
                default="pastoral",
                max_length=10,
                verbose_name="Default level",
            ),
        ),
        migrations.AddField(
            model_name="concern",
            name="alert_groups",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
