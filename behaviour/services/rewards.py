"""Rewards: houses and each learner's house (milestones are awarded as points are logged)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from behaviour.access import require_lead
from behaviour.models import House, HouseMember
from pastoral import audit
from pastoral.access import Scope
from pastoral.models import Learner


@transaction.atomic
def house_create(*, scope: Scope, name: str) -> House:
    require_lead(scope)
    name = name.strip()
    if House.objects.filter(school=scope.school, name__iexact=name).exists():
        raise ValidationError({"name": "The school already has a house with that name."})
    house = House(school=scope.school, name=name)
    house.full_clean()
    house.save()
    audit.record("behaviour.house.created", actor=scope.user, school=scope.school, obj=house)
    return house


@transaction.atomic
def houses_assign(*, scope: Scope, house: House, learners: list[Learner]) -> int:
    """Put learners (of the school) in a house; returns how many."""
    require_lead(scope)
    if house.school_id != scope.school.pk or any(
        lr.school_id != scope.school.pk for lr in learners
    ):
        raise ValidationError("Choose a house and learners of this school.")
    HouseMember.objects.filter(learner__in=learners).delete()
    HouseMember.objects.bulk_create([HouseMember(learner=lr, house=house) for lr in learners])
    audit.record(
        "behaviour.house.assigned",
        actor=scope.user,
        school=scope.school,
        obj=house,
        changes={"learners": [lr.pk for lr in learners]},
    )
    return len(learners)
