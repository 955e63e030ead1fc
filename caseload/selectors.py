"""Scoped reads for the caseload app."""

from __future__ import annotations

from django.db.models import QuerySet

from caseload.models import Allocation
from pastoral.models import School, User


def caseload_learner_ids(user: User, school: School) -> QuerySet:
    """Ids of learners allocated to the user (lead or supporting) in force today.

    Registered with pastoral.access as the caseload provider: it is what a
    support officer's learner scope is made of.
    """
    return Allocation.objects.current().filter(worker=user, school=school).values("learner_id")
