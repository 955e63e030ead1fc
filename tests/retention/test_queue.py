"""The review queues: the DSL sees safeguarding records due, the admin the
others, each with what is due and why; set-based, paginated, exportable."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from attendance.models import Mark
from behaviour.models import Incident
from pastoral.models import AuditEvent, LegalHold
from tests.conftest import sign_in
from tests.factories import LearnerFactory
from tests.reports.data import concern
from tests.retention.data import cp_file, hold, make_leaver, old_enough


def _behaviour(world: Any, learner: Any) -> None:
    from behaviour.models import BehaviourType

    btype = BehaviourType.objects.filter(school=world.school).first()
    if btype is None:
        btype = BehaviourType.objects.create(
            school=world.school,
            name="Disruption",
            kind="negative",
            default_points=-1,
            min_points=-3,
            max_points=-1,
        )
    Incident.objects.create(
        school=world.school,
        learner=learner,
        type=btype,
        kind=btype.kind,
        points=btype.default_points,
        note="Shouting in class",
        created_by=world.user("staff"),
    )


def _due_world(world: Any) -> None:
    make_leaver(world.learner9, born=old_enough())
    cp_file(world, world.learner9)
    _behaviour(world, world.learner9)
    # A young learner's CP file is not due; their behaviour record is not (still on roll).
    cp_file(world, world.learner10, n=1)
    _behaviour(world, world.learner10)
    # Another school's due learner never shows.
    make_leaver(world.other_learner, born=old_enough())
    concern(world, world.other_learner, text="Elsewhere")


def test_the_dsl_sees_the_cp_file_due_with_the_rule_and_the_date(world: Any, client: Any) -> None:
    _due_world(world)
    sign_in(client, world.user("dsl"))
    response = client.get(reverse("retention:queue", args=["safeguarding"]))
    assert response.status_code == 200
    text = response.text
    assert "Nina Nine" in text and "Child-protection file" in text
    assert "Date of birth + 25 years" in text
    born = world.learner9.date_of_birth
    assert f"{born.day} {born:%b %Y}" in text  # the date it computes from
    assert "Tess Ten" not in text and "Oscar Other" not in text
    assert "Behaviour records" not in text  # the other queue's
    assert AuditEvent.objects.filter(action="retention.safeguarding_queue.listed").exists()


def test_the_admin_sees_other_records_due_and_never_safeguarding_ones(
    world: Any, client: Any
) -> None:
    _due_world(world)
    sign_in(client, world.user("admin"))
    assert client.get(reverse("retention:queue", args=["safeguarding"])).status_code == 404
    response = client.get(reverse("retention:queue", args=["records"]))
    text = response.text
    assert "Nina Nine" in text and "Behaviour records" in text
    assert "Date the learner left + 6 years" in text
    assert "Child-protection file" not in text and "Concern" not in text
    assert "Shouting" not in text  # no content, only what, when and why
    # The review page of a CP file is the DSL's alone.
    url = reverse("retention:review", args=["cp-file", world.learner9.pk])
    assert client.get(url).status_code == 404


def test_a_hold_and_an_open_sar_show_on_the_queue(world: Any, client: Any) -> None:
    from caseload.models import SubjectAccessRequest

    _due_world(world)
    hold(world, world.learner9)
    SubjectAccessRequest.objects.create(
        school=world.school,
        learner=world.learner9,
        requester_name="Pat Parent",
        requester_relationship="parent",
        received_on=timezone.localdate(),
        identity_checked_by="Adam Admin",
        identity_checked_on=timezone.localdate(),
        identity_method="Passport",
        recorded_by=world.user("admin"),
    )
    sign_in(client, world.user("dsl"))
    assert "On legal hold" in client.get(reverse("retention:queue", args=["safeguarding"])).text
    # The admin does not see the safeguarding hold, but sees the SAR block.
    sign_in(client, world.user("admin"))
    text = client.get(reverse("retention:queue", args=["records"])).text
    assert "On legal hold" not in text
    assert "subject access request SAR-" in text


def test_the_queue_is_exported_with_the_same_rows(world: Any, client: Any) -> None:
    _due_world(world)
    sign_in(client, world.user("admin"))
    response = client.get(reverse("retention:queue", args=["records"]) + "?export=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Nina Nine" in body and "Behaviour records" in body and "Tess Ten" not in body
    assert AuditEvent.objects.filter(action="retention.records_queue.exported").exists()


def _many_due(world: Any, n: int) -> None:
    for i in range(n):
        learner = make_leaver(
            LearnerFactory(year_group=world.year10, legal_first_name=f"Leaver{i}"),
            born=old_enough() - dt.timedelta(days=i),
        )
        cp_file(world, learner, n=1)
        Mark.objects.create(
            school=world.school, learner=learner, date=dt.date(2015, 1, 5), session="AM", code="/"
        )
        LegalHold.objects.create(
            school=world.school,
            learner=learner,
            covers="records",
            reason="litigation",
            details="claim",
            placed_by=world.user("admin"),
        ) if i % 2 else None


def test_the_queues_take_the_same_queries_whatever_their_length(
    world: Any, client: Any, django_assert_num_queries: Any
) -> None:
    _many_due(world, 3)
    sign_in(client, world.user("dsl"))
    client.get(reverse("retention:queue", args=["safeguarding"]))  # warm the session
    url = reverse("retention:queue", args=["safeguarding"])
    with django_assert_num_queries(QUEUE_QUERIES) as small:
        client.get(url)
    _many_due(world, 30)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert "Page 1 of 2" in response.text


QUEUE_QUERIES = 9
