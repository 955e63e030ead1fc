"""Interventions with registers, a learner's session history, and the contacts log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from caseload import selectors, services
from caseload.models import AgreedAction, ContactLog, Mark, Session
from pastoral.models import Agency, AuditEvent
from tests.caseload.factories import make_group, make_session, today
from tests.conftest import sign_in
from tests.factories import ContactFactory, LearnerFactory


def test_a_register_for_a_learner_not_in_the_group_is_refused(world: Any, scope_of: Any) -> None:
    group = make_group(world.user("support"), [world.learner9])
    with pytest.raises(ValidationError) as raised:
        services.session_record(
            scope=scope_of("senco"),
            intervention=group,
            date=today(),
            marks={world.learner9.pk: "present", world.learner10.pk: "present"},
        )
    assert raised.value.message_dict["register"] == [
        "Tess Ten is not in this group: add them to the roster first."
    ]
    assert not Session.objects.exists()


def test_the_register_form_says_so_beside_the_field(world: Any, client: Any) -> None:
    group = make_group(world.user("support"), [world.learner9])
    sign_in(client, world.user("senco"), school=world.school)
    response = client.post(
        f"/caseload/groups/{group.pk}/sessions/new/",
        {
            "date": today().isoformat(),
            "duration_minutes": "45",
            f"mark_{world.learner9.pk}": "present",
            "also_present": world.learner10.pk,
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="error_1_id_also_present"' in html
    assert "Tess Ten is not in this group" in html


def test_a_session_with_its_register_is_recorded_and_audited(world: Any, client: Any) -> None:
    other = LearnerFactory(year_group=world.year9, legal_first_name="Ola")
    group = make_group(world.user("support"), [world.learner9, other])
    sign_in(client, world.user("support"), school=world.school)
    response = client.post(
        f"/caseload/groups/{group.pk}/sessions/new/",
        {
            "date": today().isoformat(),
            "duration_minutes": "45",
            f"mark_{world.learner9.pk}": "present",
            f"mark_{other.pk}": "excused",
            "notes": "Feelings thermometer",
        },
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert dict(session.marks.values_list("learner_id", "status")) == {
        world.learner9.pk: "present",
        other.pk: "excused",
    }
    assert AuditEvent.objects.filter(action="caseload.session.recorded").count() == 2


def test_the_group_attendance_rate_is_computed_in_the_database(world: Any, scope_of: Any) -> None:
    a, b = LearnerFactory(year_group=world.year9), LearnerFactory(year_group=world.year9)
    group = make_group(world.user("support"), [world.learner9, a, b])
    make_session(group, {world.learner9: "present", a: "present", b: "absent"}, days_ago=8)
    make_session(group, {world.learner9: "present", a: "absent", b: "excused"}, days_ago=1)
    row = selectors.interventions_for(scope_of("senco")).get(pk=group.pk)
    # 3 present of 5 counted (the excused mark does not count against the group).
    assert row.attendance_rate == pytest.approx(60.0)
    assert (row.session_count, row.member_count) == (2, 3)


def test_a_learners_session_history_and_a_1_to_1(world: Any, client: Any, scope_of: Any) -> None:
    group = make_group(world.user("support"), [world.learner9], name="ELSA")
    make_session(group, {world.learner9: "absent"}, days_ago=3)
    services.one_to_one_session_record(
        scope=scope_of("support"), learner=world.learner9, date=today(), status="present"
    )
    sign_in(client, world.user("support"), school=world.school)
    html = client.get(f"/caseload/learners/{world.learner9.pk}/sessions/").content.decode()
    assert "1:1 mentoring: Nina Nine" in html and "ELSA" in html
    assert html.index("1:1 mentoring") < html.index("ELSA")  # newest first
    assert Mark.objects.filter(learner=world.learner9).count() == 2


def test_a_head_of_year_sees_only_their_learners_on_someone_elses_roster(
    world: Any, client: Any
) -> None:
    group = make_group(world.user("senco"), [world.learner9, world.learner10])
    sign_in(client, world.user("hoy"), school=world.school)
    html = client.get(f"/caseload/groups/{group.pk}/").content.decode()
    assert "Nina Nine" in html and "Tess Ten" not in html
    assert client.get(f"/caseload/groups/{group.pk}/sessions/new/").status_code == 404


def test_a_home_visit_with_agreed_actions(world: Any, scope_of: Any) -> None:
    parent = ContactFactory(learner=world.learner9, name="Pat Nine")
    entry = services.contact_log_create(
        scope=scope_of("support"),
        learner=world.learner9,
        fields={
            "kind": ContactLog.Kind.HOME_VISIT,
            "when": timezone.now() - dt.timedelta(hours=2),
            "with_whom": "parent",
            "parent": parent,
            "summary": "Discussed mornings",
        },
        actions=[
            {"action": "Send bus pass form", "owner": world.user("support"), "due": today()},
            {"action": "Invite to review", "owner": world.user("hoy"), "due": today()},
        ],
    )
    assert [a.action for a in entry.actions.all()] == ["Send bus pass form", "Invite to review"]
    assert AuditEvent.objects.filter(action="caseload.contact.created").exists()
    services.action_complete(scope=scope_of("support"), action=entry.actions.first())
    assert AgreedAction.objects.filter(done_on=today()).count() == 1


def test_a_contact_must_name_who_it_was_with(world: Any, scope_of: Any) -> None:
    stranger = ContactFactory(learner=world.learner10)
    base = {
        "kind": "phone",
        "when": timezone.now(),
        "summary": "x",
    }
    with pytest.raises(ValidationError) as raised:
        services.contact_log_create(
            scope=scope_of("support"), learner=world.learner9, fields=base | {"with_whom": "agency"}
        )
    assert raised.value.message_dict["agency"] == ["Choose the agency."]
    with pytest.raises(ValidationError) as raised:
        services.contact_log_create(
            scope=scope_of("support"),
            learner=world.learner9,
            fields=base | {"with_whom": "parent", "parent": stranger},
        )
    assert "not a contact of this learner" in raised.value.message_dict["parent"][0]
    other_agency = Agency.objects.create(school=world.other_school, name="Far away", kind="other")
    with pytest.raises(ValidationError):
        services.contact_log_create(
            scope=scope_of("support"),
            learner=world.learner9,
            fields=base | {"with_whom": "agency", "agency": other_agency},
        )
    assert not ContactLog.objects.exists()


def test_an_agreed_action_needs_an_owner_and_a_date_beside_the_field(
    world: Any, client: Any
) -> None:
    sign_in(client, world.user("support"), school=world.school)
    response = client.post(
        f"/caseload/learners/{world.learner9.pk}/contacts/new/",
        {
            "kind": "phone",
            "when": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "with_whom": "learner",
            "summary": "Check-in",
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
            "actions-0-action": "Ring home",
        },
    )
    html = response.content.decode()
    assert 'id="error_1_id_actions-0-owner"' in html and "Choose who will do it." in html
    assert not ContactLog.objects.exists()
