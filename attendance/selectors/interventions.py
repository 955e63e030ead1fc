"""Attendance interventions and return-from-absence plans of one learner."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from attendance.models import Intervention, ReturnPlan
from pastoral.access import Cap, Scope, learner_filter
from pastoral.models import Learner


def interventions_for(scope: Scope, learner: Learner) -> QuerySet[Intervention]:
    return (
        Intervention.objects.filter(learner=learner)
        .filter(learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__"))
        .select_related("owner", "letter_template", "recipient")
    )


def intervention_or_404(scope: Scope, pk: int) -> Intervention:
    """One intervention of a learner the person may reach, or 404."""
    item = (
        Intervention.objects.filter(school=scope.school)
        .filter(learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__"))
        .select_related("learner", "learner__year_group", "recipient", "owner", "school")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404("Not found")
    return item


def return_plans_for(scope: Scope, learner: Learner) -> QuerySet[ReturnPlan]:
    return (
        ReturnPlan.objects.filter(learner=learner)
        .filter(learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__"))
        .select_related("owner")
    )
