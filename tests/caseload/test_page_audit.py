"""Pages that show case data write one read event (audit.viewed) when shown,
and none when the request is refused or the submission invalid (422)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from pastoral.models import AuditEvent
from tests.caseload.factories import make_contact, make_group, make_plan, make_session, today
from tests.conftest import sign_in
from tests.factories import LearnerFactory


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_a_plan_page_is_audited_once_for_its_learner(world: Any, client: Any) -> None:
    plan = make_plan(world.learner9)
    sign_in(client, world.user("support"), school=world.school)
    assert client.get(reverse("caseload:plan-detail", args=[plan.pk])).status_code == 200
    [event] = _events("caseload.plan.viewed")
    assert (event.actor, event.learner_id, event.object_id) == (
        world.user("support"),
        world.learner9.pk,
        str(plan.pk),
    )


def test_a_plan_diff_is_audited_with_the_versions_compared(world: Any, client: Any) -> None:
    plan = make_plan(world.learner9)
    sign_in(client, world.user("senco"), school=world.school)
    assert client.get(reverse("caseload:plan-diff", args=[plan.pk])).status_code == 200
    [event] = _events("caseload.plan.viewed")
    assert event.learner_id == world.learner9.pk and event.changes == {"versions": [1, 1]}


def test_a_refused_page_writes_no_read_event(world: Any, client: Any) -> None:
    plan = make_plan(world.learner10)
    contact = make_contact(world.learner10)
    sign_in(client, world.user("support"), school=world.school)
    assert client.get(reverse("caseload:plan-detail", args=[plan.pk])).status_code == 404
    assert client.get(reverse("caseload:contact-detail", args=[contact.pk])).status_code == 404
    assert client.get(reverse("caseload:profile", args=[world.learner10.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action__endswith=".viewed").exists()


def test_a_session_page_names_each_learner_it_shows(world: Any, client: Any) -> None:
    other = LearnerFactory(year_group=world.year9)
    group = make_group(world.user("support"), [world.learner9, other])
    session = make_session(group, {world.learner9: "present", other: "absent"})
    sign_in(client, world.user("support"), school=world.school)
    assert client.get(reverse("caseload:session-detail", args=[session.pk])).status_code == 200
    events = _events("caseload.session.viewed")
    assert {e.learner_id for e in events} == {world.learner9.pk, other.pk}
    assert {e.object_id for e in events} == {str(session.pk)}


def test_a_contact_page_is_audited_for_its_learner(world: Any, client: Any) -> None:
    contact = make_contact(world.learner9)
    sign_in(client, world.user("hoy"), school=world.school)
    assert client.get(reverse("caseload:contact-detail", args=[contact.pk])).status_code == 200
    [event] = _events("caseload.contact.viewed")
    assert event.learner_id == world.learner9.pk and event.object_id == str(contact.pk)


def test_a_learner_history_page_records_the_page_number(world: Any, client: Any) -> None:
    sign_in(client, world.user("support"), school=world.school)
    url = reverse("caseload:learner-contacts", args=[world.learner9.pk])
    assert client.get(url).status_code == 200
    [event] = _events("caseload.contacts.viewed")
    assert event.learner_id == world.learner9.pk and event.changes == {"page": 1}


def test_an_invalid_reallocation_is_422_and_changes_nothing(world: Any, client: Any) -> None:
    sign_in(client, world.user("senco"), school=world.school)
    response = client.post(
        reverse("caseload:reallocate"),
        {
            "from_worker": world.user("support").pk,
            "to_worker": world.user("support").pk,
            "start": today().isoformat(),
            "reason": "Same person",
            "learners": [world.learner9.pk],
        },
    )
    assert response.status_code == 422
    assert "Choose a different key worker" in response.content.decode()
    assert not AuditEvent.objects.filter(action="caseload.allocation.reallocated").exists()


def test_an_invalid_plan_review_is_422_and_not_audited_as_a_view(world: Any, client: Any) -> None:
    plan = make_plan(world.learner9)
    sign_in(client, world.user("support"), school=world.school)
    response = client.post(reverse("caseload:plan-review", args=[plan.pk]), {"version": 1})
    assert response.status_code == 422
    assert not AuditEvent.objects.filter(action__endswith=".viewed").exists()


def test_the_subject_access_safeguarding_part_is_audited_when_shown_not_when_refused(
    world: Any, client: Any
) -> None:
    from caseload.models import SubjectAccessRequest

    sar = SubjectAccessRequest.objects.create(
        school=world.school,
        learner=world.learner9,
        requester_name="Pat Parent",
        requester_relationship="parent",
        received_on=today(),
        identity_checked_by="Reception",
        identity_checked_on=today(),
        identity_method="Passport",
        recorded_by=world.user("admin"),
    )
    sign_in(client, world.user("dsl"), school=world.school)
    url = reverse("caseload_reports:sar-safeguarding", args=[sar.pk])
    assert client.get(url).status_code == 200
    [event] = _events("caseload.sar.safeguarding.viewed")
    assert event.learner_id == world.learner9.pk
    assert client.post(url, {"action": "redact", "redact-ref": "nothing"}).status_code == 422
    assert len(_events("caseload.sar.safeguarding.viewed")) == 1


def test_the_board_my_caseload_and_groups_are_audited_as_lists(world: Any, client: Any) -> None:
    group = make_group(world.user("senco"), [world.learner9])
    sign_in(client, world.user("senco"), school=world.school)
    assert client.get(reverse("caseload:board") + "?page=1").status_code == 200
    [board] = _events("caseload.board.listed")
    assert board.learner_id is None and board.changes["page"] == 1
    assert client.get(reverse("caseload:intervention-list")).status_code == 200
    assert len(_events("caseload.interventions.listed")) == 1
    assert client.get(reverse("caseload:intervention-detail", args=[group.pk])).status_code == 200
    [seen] = _events("caseload.intervention.viewed")
    assert seen.object_id == str(group.pk)
    sign_in(client, world.user("support"), school=world.school)
    assert client.get(reverse("caseload:mine")).status_code == 200
    [mine] = _events("caseload.caseload.listed")
    assert mine.actor == world.user("support")
