"""Bringing concerns filed before category-driven levels under the rule.

ACCESS.md: a concern with any restricted category is restricted. Concerns
logged before categories carried a level may still be pastoral with such a
category; this raises them, each with an audit event per learner naming the
categories that required it (a raise, never a silent edit: only a DSL ever
lowers a level, with a reason).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from pastoral import audit
from pastoral.models import School
from safeguarding.models import Category, Concern, Level


@transaction.atomic
def concerns_restrict_by_category(*, school: School) -> list[Concern]:
    """Restrict the school's pastoral concerns that carry a restricted category.
    Returns the concerns raised. Run by the server's operator (no person's
    scope: the audit names the system)."""
    restricted = Category.objects.filter(school=school, default_level=Level.RESTRICTED)
    flagged = Concern.objects.filter(
        school=school, level=Level.PASTORAL, categories__in=restricted
    ).values("pk")
    concerns = list(
        Concern.objects.select_for_update()
        .filter(pk__in=flagged)
        .order_by("pk")
        .prefetch_related("learner_links__learner", "categories")
    )
    for concern in concerns:
        Concern.objects.filter(pk=concern.pk).update(
            level=Level.RESTRICTED, version=F("version") + 1
        )
        names = sorted(c.name for c in concern.categories.all() if c.is_restricted)
        for link in concern.learner_links.all():
            audit.record(
                "safeguarding.concern.restricted_by_category",
                actor=None,
                school=school,
                obj=concern,
                learner=link.learner,
                changes={
                    "concern": concern.reference,
                    "level": {"from": Level.PASTORAL, "to": Level.RESTRICTED},
                    "categories": names,
                },
            )
    return concerns
