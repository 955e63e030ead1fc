"""The caseload profile shows the behaviour section to those who may see it;
the learner's timeline carries the behaviour stream."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.behaviour.helpers import incident
from tests.conftest import sign_in


def test_the_head_of_year_sees_behaviour_on_the_profile(world: Any, client: Any) -> None:
    incident(world.learner9, world.user("staff"), name="Excellent work")
    incident(world.learner9, world.user("staff"), name="Late to lesson")
    sign_in(client, world.user("hoy"))
    response = client.get(reverse("caseload:profile", args=[world.learner9.pk]))
    assert response.status_code == 200
    section = response.context["p"].behaviour
    assert (section.summary.positive, section.summary.negative) == (2, -1)
    assert 'id="h-behaviour"' in response.text and "Late to lesson" in response.text
    kinds = [e.kind for e in response.context["p"].timeline]
    assert kinds.count("behaviour") == 2


def test_the_key_worker_sees_no_behaviour_on_the_profile(world: Any, client: Any) -> None:
    incident(world.learner9, world.user("staff"), name="Late to lesson")
    sign_in(client, world.user("support"))
    response = client.get(reverse("caseload:profile", args=[world.learner9.pk]))
    assert response.status_code == 200
    assert response.context["p"].behaviour is None
    assert "Late to lesson" not in response.text
