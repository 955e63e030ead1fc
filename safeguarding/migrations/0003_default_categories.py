"""Every existing school gets the default category list now, so that no page
view has to create it (a new school gets it when it is made: see
safeguarding.services.categories.school_created). A school that already has
categories keeps its own list untouched."""

from django.db import migrations

# The list as it stood when this migration was written (models.DEFAULT_CATEGORIES).
DEFAULT_CATEGORIES = [
    "Child protection",
    "Neglect",
    "Physical abuse",
    "Emotional abuse",
    "Sexual abuse",
    "Domestic abuse",
    "Self-harm",
    "Mental health",
    "Bullying",
    "Child-on-child abuse",
    "Sexual harassment",
    "Online safety",
    "Prevent",
    "Substance misuse",
    "Attendance",
    "Behaviour",
    "Medical",
    "Family",
    "Other",
]


def add_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    School = apps.get_model("pastoral", "School")
    Category = apps.get_model("safeguarding", "Category")
    have = set(Category.objects.values_list("school_id", flat=True).distinct())
    Category.objects.bulk_create(
        [
            Category(school_id=school_id, name=name, order=i)
            for school_id in School.objects.exclude(pk__in=have).values_list("pk", flat=True)
            for i, name in enumerate(DEFAULT_CATEGORIES)
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0002_concern_search_index")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
