"""Issue 15: a behaviour plan or PSP is linked to the incidents that prompted
it; each person sees and changes only the incidents behaviour lets them see."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from caseload.models import Plan, PlanIncident
from pastoral.models import AuditEvent
from tests.behaviour.helpers import incident
from tests.caseload.factories import make_plan
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _url(plan: Plan) -> str:
    return reverse("caseload:plan-incidents", args=[plan.pk])


def test_the_hoy_links_the_incidents_that_prompted_a_behaviour_plan(
    world: Any, client: Any
) -> None:
    plan = make_plan(world.learner9)
    plan.type = Plan.Type.BEHAVIOUR
    plan.save()
    teacher = world.user("staff")
    first = incident(world.learner9, teacher, note="Swore at <i>supply</i> teacher")
    second = incident(world.learner9, teacher)
    incident(world.learner10, teacher)
    sign_in(client, world.user("hoy"))
    page = client.get(reverse("caseload:plan-detail", args=[plan.pk])).text
    assert "Incidents behind the plan" in page
    form = client.get(_url(plan)).text
    assert first.reference in form and second.reference in form
    response = client.post(_url(plan), {"incidents": [first.pk, second.pk]})
    assert response.status_code == 302
    assert set(PlanIncident.objects.values_list("incident_id", flat=True)) == {
        first.pk,
        second.pk,
    }
    shown = client.get(_url(plan)).text
    assert "Swore at &lt;i&gt;supply&lt;/i&gt; teacher" in shown
    assert AuditEvent.objects.filter(action="caseload.plan.incidents_linked").count() == 1


def test_another_learners_incident_is_not_offered_nor_linked(world: Any, client: Any) -> None:
    plan = make_plan(world.learner9)
    theirs = incident(world.learner10, world.user("staff"))
    sign_in(client, world.user("senco"))
    response = client.post(_url(plan), {"incidents": [theirs.pk]})
    assert response.status_code == 422
    assert not PlanIncident.objects.exists()


def test_a_key_worker_sees_only_the_incidents_behaviour_lets_them_see(
    world: Any, client: Any
) -> None:
    plan = make_plan(world.learner9)
    theirs = incident(world.learner9, world.user("support"), note="Logged by the key worker")
    others = incident(world.learner9, world.user("staff"), note="Logged by a teacher")
    PlanIncident.objects.create(plan=plan, incident=others)
    sign_in(client, world.user("support"))
    page = client.get(_url(plan)).text
    assert theirs.reference in page and others.reference not in page
    # Saving their choice leaves the link they cannot see alone.
    assert client.post(_url(plan), {"incidents": [theirs.pk]}).status_code == 302
    assert set(PlanIncident.objects.values_list("incident_id", flat=True)) == {
        theirs.pk,
        others.pk,
    }


def test_an_attendance_plan_is_not_linked_to_incidents(world: Any, client: Any) -> None:
    plan = make_plan(world.learner9)
    plan.type = Plan.Type.ATTENDANCE
    plan.save()
    sign_in(client, world.user("senco"))
    page = client.get(_url(plan)).text
    assert "Only a behaviour plan or a pastoral support programme" in page
