"""Linking a behaviour plan or PSP to the incidents that prompted it (issue 15)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from behaviour.models import Incident
from caseload.models import Plan, PlanIncident
from caseload.selectors.plan_incidents import LINKABLE
from caseload.services._common import reach
from pastoral import audit
from pastoral.access import Cap, Scope


@transaction.atomic
def plan_incidents_set(*, scope: Scope, plan: Plan, incidents: Iterable[Incident]) -> list[int]:
    """The incidents behind the plan, as the person sees them: links to the
    incidents they chose are kept or made, links to others they can see are
    removed; links to incidents outside their sight are left as they are.
    The incidents come from plan_incident_choices (already scoped)."""
    learner = reach(scope, plan.learner_id, Cap.MANAGE_PLANS)
    if plan.type not in LINKABLE:
        raise ValidationError(
            {
                "incidents": "Only a behaviour plan or a pastoral support programme is linked "
                "to incidents."
            }
        )
    chosen = list(incidents)
    if any(i.learner_id != learner.pk for i in chosen):
        raise ValidationError({"incidents": "Link only this learner's own incidents."})
    from caseload.selectors.plan_incidents import plan_incidents

    visible = {i.pk for i in plan_incidents(scope, plan)}
    wanted = {i.pk for i in chosen}
    removed = visible - wanted
    added = wanted - set(plan.incident_links.values_list("incident_id", flat=True))
    PlanIncident.objects.filter(plan=plan, incident_id__in=removed).delete()
    PlanIncident.objects.bulk_create(
        [PlanIncident(plan=plan, incident_id=pk, linked_by=scope.user) for pk in sorted(added)]
    )
    audit.record(
        "caseload.plan.incidents_linked",
        actor=scope.user,
        school=scope.school,
        obj=plan,
        learner=learner,
        changes={"added": sorted(added), "removed": sorted(removed)},
    )
    return sorted(wanted)
