"""The school's list of concern categories."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from pastoral import audit
from pastoral.access import Cap, Scope, require
from pastoral.models import School
from safeguarding.models import DEFAULT_CATEGORIES, AlertGroup, Category, Level, default_category


def categories_ensure(*, school: School) -> None:
    """Give a school the default category list (a school made before this app
    got its list from migration 0003; a new one from school_created)."""
    if not Category.objects.filter(school=school).exists():
        Category.objects.bulk_create(
            [
                Category(school=school, name=name, order=i, **default_category(name))
                for i, name in enumerate(DEFAULT_CATEGORIES)
            ],
            ignore_conflicts=True,
        )


def school_created(
    sender: Any, instance: School, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """post_save of School: the core never imports an app, so this app listens
    for a new school and gives it the default categories (the concern form
    offers them from the first page view, which writes nothing)."""
    if created and not raw:
        categories_ensure(school=instance)


def _groups(alert_groups: Sequence[str]) -> list[str]:
    """The chosen groups in the list's order; the DSL team is always among them."""
    chosen = set(alert_groups) | {AlertGroup.DSL.value}
    unknown = chosen - set(AlertGroup.values)
    if unknown:
        raise ValidationError({"alert_groups": "Choose alert groups from the list."})
    return [g for g in AlertGroup.values if g in chosen]


def _level(default_level: str) -> str:
    if default_level not in Level.values:
        raise ValidationError({"default_level": "Choose pastoral or restricted."})
    return default_level


@transaction.atomic
def category_create(
    *,
    scope: Scope,
    name: str,
    default_level: str = Level.PASTORAL,
    alert_groups: Sequence[str] = (),
) -> Category:
    """A DSL adds a category to the school's list, with its default level and alert groups."""
    require(scope, Cap.TRIAGE_CONCERNS)
    last = Category.objects.filter(school=scope.school).order_by("-order").first()
    category = Category(
        school=scope.school,
        name=name.strip(),
        order=(last.order + 1) if last else 0,
        default_level=_level(default_level),
        alert_groups=_groups(alert_groups),
    )
    category.full_clean()
    category.save()
    audit.record(
        "safeguarding.category.created",
        actor=scope.user,
        school=scope.school,
        obj=category,
        changes={
            "name": category.name,
            "default_level": category.default_level,
            "alert_groups": category.alert_groups,
        },
    )
    return category


@transaction.atomic
def category_update(
    *, scope: Scope, category: Category, default_level: str, alert_groups: Sequence[str]
) -> Category:
    """A DSL changes a category's default level or alert groups. Concerns already
    filed keep their level: a change applies to concerns saved from now on."""
    require(scope, Cap.TRIAGE_CONCERNS)
    if category.school_id != scope.school.pk:
        raise Http404("Not found")
    before = {"default_level": category.default_level, "alert_groups": category.alert_groups}
    category.default_level = _level(default_level)
    category.alert_groups = _groups(alert_groups)
    category.full_clean()
    category.save(update_fields=["default_level", "alert_groups"])
    changes = audit.diff(
        before, {"default_level": category.default_level, "alert_groups": category.alert_groups}
    )
    if changes:
        audit.record(
            "safeguarding.category.changed",
            actor=scope.user,
            school=scope.school,
            obj=category,
            changes={"name": category.name, **changes},
        )
    return category


@transaction.atomic
def category_toggle(*, scope: Scope, category: Category) -> Category:
    """Retire a category (or bring it back); concerns already filed keep it."""
    require(scope, Cap.TRIAGE_CONCERNS)
    if category.school_id != scope.school.pk:
        raise Http404("Not found")
    category.active = not category.active
    category.save(update_fields=["active"])
    audit.record(
        "safeguarding.category.changed",
        actor=scope.user,
        school=scope.school,
        obj=category,
        changes={"active": {"from": not category.active, "to": category.active}},
    )
    return category
