"""Upgrading: concerns filed before categories carried a level are raised to
restricted by `manage.py restrict_by_category`, each change audited."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from pastoral.models import AuditEvent
from safeguarding import selectors
from safeguarding.models import Category, Concern, Level
from tests.safeguarding.helpers import log_concern, scope_of

pytestmark = pytest.mark.django_db


def test_old_pastoral_concerns_with_a_restricted_category_are_raised_and_audited(
    world: Any,
) -> None:
    old = log_concern(world, categories=["Family"])
    plain = log_concern(world, categories=["Family"])
    # As before the upgrade: filed pastoral with what is now a restricted category.
    cp = Category.objects.get(school=world.school, name="Child protection")
    old.categories.add(cp)
    assert Concern.objects.get(pk=old.pk).level == Level.PASTORAL
    assert selectors.concerns_for(scope_of(world, "hoy")).filter(pk=old.pk).exists()

    out = StringIO()
    call_command("restrict_by_category", stdout=out)
    assert f"1 concern(s) restricted ({old.reference})" in out.getvalue()
    assert Concern.objects.get(pk=old.pk).level == Level.RESTRICTED
    assert Concern.objects.get(pk=plain.pk).level == Level.PASTORAL
    assert not selectors.concerns_for(scope_of(world, "hoy")).filter(pk=old.pk).exists()
    [event] = AuditEvent.objects.filter(action="safeguarding.concern.restricted_by_category")
    assert event.learner_id == world.learner9.pk and event.changes["categories"] == [cp.name]

    again = StringIO()
    call_command("restrict_by_category", stdout=again)
    assert "0 concern(s) restricted" in again.getvalue()
