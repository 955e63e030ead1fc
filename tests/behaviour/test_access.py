"""ACCESS.md: staff see what they logged, form tutors and heads of year their
learners, SENCO and DSL all, admin none; lists are paginated with a pinned
number of queries; every page of case data is audited."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from pastoral.models import AuditEvent
from tests.behaviour.helpers import incident
from tests.conftest import sign_in


def _listed(client: Any) -> set[int]:
    page = client.get(reverse("behaviour:incident-list"))
    assert page.status_code == 200
    return {i.pk for i in page.context["page"]}


def test_who_sees_which_incidents(world: Any, client: Any, tutor: Any) -> None:
    by_dsl9 = incident(world.learner9, world.user("dsl"))
    by_dsl10 = incident(world.learner10, world.user("dsl"))
    by_staff10 = incident(world.learner10, world.user("staff"))
    incident(world.other_learner, world.outsider)
    expected = {
        "staff": {by_staff10.pk},
        "support": set(),
        "hoy": {by_dsl9.pk},
        "senco": {by_dsl9.pk, by_dsl10.pk, by_staff10.pk},
        "dsl": {by_dsl9.pk, by_dsl10.pk, by_staff10.pk},
    }
    for role, ids in expected.items():
        sign_in(client, world.user(role))
        assert _listed(client) == ids, role
    sign_in(client, tutor)
    assert _listed(client) == {by_dsl9.pk}
    sign_in(client, world.user("admin"))
    assert client.get(reverse("behaviour:incident-list")).status_code == 404


def test_the_incident_list_costs_the_same_for_one_row_or_fifty(
    world: Any, client: Any, django_assert_max_num_queries: Any
) -> None:
    sign_in(client, world.user("dsl"))
    incident(world.learner9, world.user("dsl"))
    client.get(reverse("behaviour:incident-list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("behaviour:incident-list"))
    for _ in range(60):
        incident(world.learner10, world.user("staff"))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("behaviour:incident-list"))
    assert len(many.captured_queries) == len(one.captured_queries)


def test_opening_an_incident_is_audited_once_with_its_learner(world: Any, client: Any) -> None:
    found = incident(world.learner9, world.user("dsl"))
    sign_in(client, world.user("hoy"))
    client.get(reverse("behaviour:incident-detail", args=[found.pk]))
    event = AuditEvent.objects.get(action="behaviour.incident.viewed")
    assert event.learner_id == world.learner9.pk and event.actor_id == world.user("hoy").pk


def test_a_refused_incident_page_records_no_view(world: Any, client: Any) -> None:
    found = incident(world.learner9, world.user("dsl"))
    sign_in(client, world.user("staff"))
    assert client.get(reverse("behaviour:incident-detail", args=[found.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="behaviour.incident.viewed").exists()


def _queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_learner_page_and_the_sessions_list_are_pinned(world: Any, client: Any) -> None:
    from tests.behaviour.helpers import detention

    sign_in(client, world.user("dsl"))
    learner_url = reverse("behaviour:learner", args=[world.learner9.pk])
    sessions_url = reverse("behaviour:sessions")
    incident(world.learner9, world.user("dsl"))
    detention(world.learner9, world.user("dsl"))
    client.get(learner_url)
    few = (_queries(client, learner_url), _queries(client, sessions_url))
    for _ in range(8):
        incident(world.learner9, world.user("staff"), name="Excellent work")
        detention(world.learner10, world.user("dsl"), name="Lunch detention")
    assert (_queries(client, learner_url), _queries(client, sessions_url)) == few
