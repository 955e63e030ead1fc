"""The behaviour incidents behind a behaviour plan or PSP, as the person may
see them: behaviour's own scope (behaviour.selectors.incidents_for: staff what
they logged, tutors and heads of year their learners, SENCO and DSL all)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from behaviour.access import can_log
from behaviour.models import Incident, Kind
from behaviour.selectors import incidents_for
from caseload.models import Plan
from pastoral.access import Scope

LINKABLE = (Plan.Type.BEHAVIOUR, Plan.Type.PSP)
# Incidents offered for linking: this far back (a plan is prompted by recent ones).
CHOICE_DAYS = 365


def plan_incident_choices(scope: Scope, plan: Plan) -> QuerySet[Incident]:
    """The learner's negative incidents the person may see, newest first."""
    if not can_log(scope):
        return Incident.objects.none()
    since = timezone.now() - dt.timedelta(days=CHOICE_DAYS)
    return incidents_for(scope, learner=plan.learner).filter(
        kind=Kind.NEGATIVE, occurred_at__gte=since
    )


def plan_incidents(scope: Scope, plan: Plan) -> list[Incident]:
    """The incidents linked to the plan that the person may see (one query)."""
    if not can_log(scope):
        return []
    return list(
        incidents_for(scope, learner=plan.learner).filter(
            pk__in=plan.incident_links.values("incident_id")
        )
    )
