"""The caseload provider: a support officer's scope is their allocations in force today."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from caseload.models import Allocation
from pastoral.access import Cap, learners_for, scope_for


def _scope(world: Any, role: str) -> Any:
    return scope_for(world.user(role), world.school)


def test_it_puts_the_world_learner_on_the_support_officers_caseload(world: Any) -> None:
    reached = set(learners_for(_scope(world, "support"), Cap.VIEW_PROFILE))
    assert reached == {world.learner9}


def test_it_leaves_ended_and_future_allocations_out_of_scope(world: Any) -> None:
    today = timezone.localdate()
    support = world.user("support")
    Allocation.objects.create(
        school=world.school,
        learner=world.learner10,
        worker=support,
        kind=Allocation.Kind.SUPPORTING,
        reason="ended",
        start=today - dt.timedelta(days=60),
        end=today - dt.timedelta(days=1),
    )
    assert world.learner10 not in set(learners_for(_scope(world, "support"), Cap.VIEW_PROFILE))
    Allocation.objects.create(
        school=world.school,
        learner=world.learner10,
        worker=support,
        kind=Allocation.Kind.SUPPORTING,
        reason="future",
        start=today + dt.timedelta(days=3),
    )
    assert world.learner10 not in set(learners_for(_scope(world, "support"), Cap.VIEW_PROFILE))
    Allocation.objects.create(
        school=world.school,
        learner=world.learner10,
        worker=support,
        kind=Allocation.Kind.SUPPORTING,
        reason="ends today",
        start=today,
        end=today,
    )
    assert world.learner10 in set(learners_for(_scope(world, "support"), Cap.VIEW_PROFILE))


def test_it_refuses_an_overlapping_lead_allocation(world: Any) -> None:
    clash = Allocation(
        school=world.school,
        learner=world.learner9,
        worker=world.user("senco"),
        kind=Allocation.Kind.LEAD,
        reason="second lead",
        start=timezone.localdate(),
    )
    with pytest.raises(ValidationError) as raised:
        clash.full_clean()
    assert "already the lead key worker" in raised.value.message_dict["start"][0]
    # And the database refuses a second open-ended lead even without clean().
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()
