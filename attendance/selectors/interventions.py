"""Attendance interventions and return-from-absence plans of one learner."""

from __future__ import annotations

from django.db.models import QuerySet

from attendance.models import Intervention, ReturnPlan
from pastoral.access import Cap, Scope, learner_filter
from pastoral.models import Learner


def interventions_for(scope: Scope, learner: Learner) -> QuerySet[Intervention]:
    return (
        Intervention.objects.filter(learner=learner)
        .filter(learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__"))
        .select_related("owner", "letter_template")
    )


def return_plans_for(scope: Scope, learner: Learner) -> QuerySet[ReturnPlan]:
    return (
        ReturnPlan.objects.filter(learner=learner)
        .filter(learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__"))
        .select_related("owner")
    )
