"""Logging for a class: tick learners, tap a type; refused points; who is told;
the one-click route to a safeguarding concern."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from behaviour.models import Incident
from pastoral.models import AuditEvent, Learner, Role
from pastoral.notifications.models import Notification
from tests.behaviour.helpers import kind, negative, positive
from tests.conftest import sign_in
from tests.factories import UserFactory, member


def _log(client: Any, group_pk: int, learners: list[Any], type_pk: int, **extra: Any) -> Any:
    data = {"learners": [lr.pk for lr in learners], "kind": type_pk, **extra}
    return client.post(reverse("behaviour:log", args=[group_pk]), data)


def test_a_teacher_gives_five_learners_a_positive_point_in_one_submission(
    world: Any, client: Any, klass: list[Any], tutor: Any
) -> None:
    sign_in(client, world.user("staff"))
    page = client.get(reverse("behaviour:log", args=[world.learner9.reg_group_id]))
    assert page.status_code == 200 and "Excellent work" in page.text
    five = klass[:5]
    response = _log(client, world.learner9.reg_group_id, five, positive(world.school).pk, room="E4")
    assert response.status_code == 302 and "room=E4" in response["Location"]
    logged = Incident.objects.filter(created_by=world.user("staff"))
    assert sorted(i.learner_id for i in logged) == sorted(lr.pk for lr in five)
    assert {(i.points, i.room) for i in logged} == {(2, "E4")}
    event = AuditEvent.objects.get(action="behaviour.incident.created")
    assert sorted(event.changes["learners"]) == sorted(lr.pk for lr in five)


def test_logging_for_thirty_takes_as_many_queries_as_for_two(
    world: Any, klass: list[Any], tutor: Any
) -> None:
    from behaviour import services
    from pastoral.access import scope_for

    scope = scope_for(world.user("staff"), world.school)
    learners = list(
        Learner.objects.filter(pk__in=[lr.pk for lr in klass]).select_related("reg_group")
    )
    kind_ = kind(world.school, "Kindness and helping others")  # tells the form tutor

    def count(chosen: list[Any]) -> int:
        with CaptureQueriesContext(connection) as ctx:
            services.incidents_log(scope=scope, learners=chosen, kind=kind_)
        return len(ctx.captured_queries)

    count(learners[:1])  # the school's first audited write opens its chain
    assert count(learners[:2]) == count(learners) == count(learners[5:7])
    assert Incident.objects.count() == 35


def test_points_outside_the_types_range_are_refused(world: Any, client: Any) -> None:
    sign_in(client, world.user("staff"))
    response = _log(
        client, world.learner9.reg_group_id, [world.learner9], positive(world.school).pk, points=9
    )
    assert response.status_code == 422
    assert "Excellent work takes 1 to 5 points (you gave 9)." in response.text
    assert not Incident.objects.exists()


def test_no_learner_ticked_is_refused(world: Any, client: Any) -> None:
    sign_in(client, world.user("staff"))
    response = _log(client, world.learner9.reg_group_id, [], positive(world.school).pk)
    assert response.status_code == 422 and "Tick at least one learner." in response.text


def test_a_learner_of_another_class_cannot_be_slipped_in(world: Any, client: Any) -> None:
    sign_in(client, world.user("staff"))
    response = _log(
        client, world.learner9.reg_group_id, [world.other_learner], positive(world.school).pk
    )
    assert response.status_code == 422 and not Incident.objects.exists()


def test_the_type_tells_the_roles_it_names_without_learner_details(
    world: Any, client: Any, tutor: Any
) -> None:
    world.learner9.sen_status = Learner.SEN.SUPPORT
    world.learner9.save()
    sign_in(client, world.user("staff"))
    bullying = kind(world.school, "Bullying")
    response = _log(
        client, world.learner9.reg_group_id, [world.learner9], bullying.pk, note="Pushed X"
    )
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("behaviour:incident-detail", args=[incident.pk])
    told = {n.recipient_id: n for n in Notification.objects.all()}
    # form tutor, head of year, SENCO (SEN support), and the key worker (caseload)
    assert set(told) == {
        tutor.pk,
        world.user("hoy").pk,
        world.user("senco").pk,
        world.user("support").pk,
    }
    for note in told.values():
        assert "Nina" not in note.title and "Nine" not in note.title
    assert told[world.user("hoy").pk].url == reverse(
        "behaviour:incident-detail", args=[incident.pk]
    )
    # the key worker may not open behaviour records: their link is the directory card
    assert told[world.user("support").pk].url == reverse(
        "pastoral:learner-detail", args=[world.learner9.pk]
    )


def test_escalating_opens_the_concern_form_prefilled(world: Any, client: Any) -> None:
    sign_in(client, world.user("staff"))
    _log(
        client,
        world.learner9.reg_group_id,
        [world.learner9],
        negative(world.school).pk,
        note="Said <b>nobody</b> cares at home",
        room="S2",
    )
    incident = Incident.objects.get()
    page = client.get(reverse("behaviour:incident-detail", args=[incident.pk]))
    link = page.context["concern_url"]
    assert "Raise a safeguarding concern" in page.text
    parts = urlsplit(link)
    assert parts.path == reverse("safeguarding:concern-new")
    query = parse_qs(parts.query)
    assert query["learner"] == [str(world.learner9.pk)] and query["location"] == ["S2"]
    form = client.get(link)
    assert form.status_code == 200
    assert "Raised from behaviour incident" in form.text
    assert "Said &lt;b&gt;nobody&lt;/b&gt; cares at home" in form.text
    assert "Nina Nine" in form.text  # the chosen learner
    assert not AuditEvent.objects.filter(action__startswith="safeguarding.concern.created").exists()


def test_the_prefill_never_reaches_a_learner_of_another_school(world: Any, client: Any) -> None:
    sign_in(client, world.user("staff"))
    url = reverse("safeguarding:concern-new") + f"?learner={world.other_learner.pk}"
    response = client.get(url)
    assert response.status_code == 200 and "Oscar" not in response.text


def test_an_administrator_logs_nothing(world: Any, client: Any) -> None:
    sign_in(client, world.user("admin"))
    assert client.get(reverse("behaviour:home")).status_code == 404
    response = _log(
        client, world.learner9.reg_group_id, [world.learner9], positive(world.school).pk
    )
    assert response.status_code == 404 and not Incident.objects.exists()


def test_an_administrator_who_also_teaches_may_log(world: Any, client: Any) -> None:
    teacher = member(UserFactory(), world.school, Role.ADMIN, Role.SUPPORT)
    sign_in(client, teacher)
    assert client.get(reverse("behaviour:home")).status_code == 200
