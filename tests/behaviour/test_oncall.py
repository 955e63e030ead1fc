"""On-call: a teacher asks in one form, responders see it live, accept (a second
acceptor is told who has it), resolve with an outcome; removals from class are
recorded and a learner removed 3 times in 5 school days alerts their head of
year once; isolation sessions, placements and their register."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from behaviour.models import (
    IsolationPlace,
    OnCallMember,
    OnCallPolicy,
    OnCallRequest,
    Removal,
)
from behaviour.services import oncall as svc
from pastoral.access import scope_for
from pastoral.models import Role
from pastoral.notifications.models import Notification
from tests.behaviour.helpers import next_weekday
from tests.behaviour.oncall_helpers import isolation_session, oncall_request, removal
from tests.conftest import sign_in
from tests.factories import LearnerFactory, UserFactory, member


def _scope(world: Any, role: str) -> Any:
    return scope_for(world.user(role), world.school)


@pytest.fixture
def responder(world: Any) -> Any:
    """A teacher on the school's on-call rota (no other role)."""
    user = member(UserFactory(full_name="Otto Oncall"), world.school, Role.STAFF)
    OnCallMember.objects.create(school=world.school, user=user, added_by=world.user("dsl"))
    return user


def test_a_teacher_asks_for_on_call_and_their_room_is_remembered(world: Any, client: Any) -> None:
    sign_in(client, world.user("staff"))
    response = client.post(
        reverse("behaviour:oncall"),
        {"room": "S12", "lesson": "P3 Science", "reason": "refusal", "learner": world.learner9.pk},
    )
    made = OnCallRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("behaviour:oncall-detail", args=[made.pk])
    assert (made.room, made.reason, made.urgency, made.learner) == (
        "S12",
        "refusal",
        "routine",
        world.learner9,
    )
    page = client.get(reverse("behaviour:oncall"))
    assert 'value="S12"' in page.text and 'value="P3 Science"' in page.text


def test_someones_safety_is_always_urgent(world: Any, client: Any) -> None:
    sign_in(client, world.user("staff"))
    client.post(reverse("behaviour:oncall"), {"room": "G2", "reason": "safety"})
    assert OnCallRequest.objects.get().urgency == "urgent"


def test_a_request_without_a_room_is_refused_beside_the_field(world: Any, client: Any) -> None:
    sign_in(client, world.user("staff"))
    response = client.post(reverse("behaviour:oncall"), {"room": "", "reason": "disruption"})
    assert response.status_code == 422
    assert "Say which room you are in." in response.text
    assert not OnCallRequest.objects.exists()


def test_the_live_list_shows_every_open_request_to_the_rota_only(
    world: Any, client: Any, responder: Any
) -> None:
    oncall_request(world.school, world.user("staff"), room="M6", learner=world.learner9)
    oncall_request(world.other_school, world.outsider, room="FOREIGN1")
    sign_in(client, responder)
    live = client.get(reverse("behaviour:oncall-live"), HTTP_HX_REQUEST="true")
    assert live.status_code == 200
    assert "M6" in live.text and "Nina Nine" in live.text and "Accept" in live.text
    assert "FOREIGN1" not in live.text
    page = client.get(reverse("behaviour:oncall"))
    assert 'hx-get="/behaviour/oncall/live/"' in page.text and 'hx-trigger="every 5s"' in page.text
    # A teacher not on the rota sees only their own requests, and no live list.
    client.logout()
    sign_in(client, world.user("support"))
    assert "M6" not in client.get(reverse("behaviour:oncall-live")).text
    assert "oncall-live" not in client.get(reverse("behaviour:oncall")).text


def test_a_second_acceptor_is_told_who_has_it(world: Any, client: Any, responder: Any) -> None:
    asked = oncall_request(world.school, world.user("staff"), learner=world.learner9)
    sign_in(client, responder)
    first = client.post(reverse("behaviour:oncall-accept", args=[asked.pk]))
    assert first.status_code == 302
    client.logout()
    sign_in(client, world.user("dsl"))
    second = client.post(reverse("behaviour:oncall-accept", args=[asked.pk]))
    assert second.status_code == 409
    assert f"{asked.reference} was already accepted by Otto Oncall." in second.text
    asked.refresh_from_db()
    assert asked.accepted_by == responder and asked.accepted_at is not None


def test_resolving_with_removed_from_class_records_the_removal_and_the_times(
    world: Any, client: Any, responder: Any
) -> None:
    asked = oncall_request(world.school, world.user("staff"), learner=world.learner9)
    sign_in(client, responder)
    client.post(reverse("behaviour:oncall-accept", args=[asked.pk]))
    response = client.post(
        reverse("behaviour:oncall-resolve", args=[asked.pk]),
        {"outcome": "removed", "where_to": "Room B4", "minutes": "40"},
    )
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.status == "resolved" and asked.outcome == "removed"
    assert asked.requested_at <= asked.accepted_at <= asked.resolved_at
    gone = Removal.objects.get()
    assert (gone.learner, gone.where_to, gone.minutes, gone.request) == (
        world.learner9,
        "Room B4",
        40,
        asked,
    )
    assert gone.removed_by == world.user("staff") and gone.lesson == "P3"
    page = client.get(reverse("behaviour:oncall-detail", args=[asked.pk]))
    assert "Removed from class" in page.text and "to Room B4 for 40 minutes" in page.text
    # Resolved twice: the second is told.
    client.logout()
    sign_in(client, world.user("dsl"))
    again = client.post(
        reverse("behaviour:oncall-resolve", args=[asked.pk]), {"outcome": "returned"}
    )
    assert again.status_code == 409 and "already resolved by Otto Oncall" in again.text
    assert Removal.objects.count() == 1


def test_a_removal_outcome_needs_a_named_learner_and_saves_nothing(world: Any, client: Any) -> None:
    asked = oncall_request(world.school, world.user("staff"))
    sign_in(client, world.user("dsl"))
    response = client.post(
        reverse("behaviour:oncall-resolve", args=[asked.pk]), {"outcome": "isolation"}
    )
    assert response.status_code == 422
    assert "Name the learner to record a removal from class." in response.text
    asked.refresh_from_db()
    assert asked.status == "open" and not Removal.objects.exists()
    # The responder names the learner the teacher had no time to name.
    named = client.post(
        reverse("behaviour:oncall-resolve", args=[asked.pk]),
        {"outcome": "isolation", "learner": world.learner10.pk, "minutes": "100"},
    )
    assert named.status_code == 302
    gone = Removal.objects.get()
    assert (gone.learner, gone.where_to, gone.minutes) == (world.learner10, "Isolation", 100)


def test_the_third_removal_in_five_school_days_alerts_the_head_of_year_once(
    world: Any,
) -> None:
    staff = world.user("staff")
    scope = _scope(world, "staff")
    kwargs = {"lesson": "P1", "reason": "Disruption", "where_to": "On-call room", "minutes": 20}
    for _ in range(2):
        svc.removal_record(scope=scope, learner=world.learner9, **kwargs)
    assert not Notification.objects.filter(kind="behaviour.removals").exists()
    third = svc.removal_record(scope=scope, learner=world.learner9, **kwargs)
    alert = Notification.objects.get(kind="behaviour.removals")
    assert alert.recipient == world.user("hoy") and third.alerted
    assert "3 times in 5 school days" in alert.title
    assert "Nina" not in alert.title and "Nine" not in alert.title
    assert alert.url == reverse("behaviour:learner", args=[world.learner9.pk])
    # A fourth removal is past the crossing: no second alert.
    svc.removal_record(scope=scope, learner=world.learner9, **kwargs)
    assert Notification.objects.filter(kind="behaviour.removals").count() == 1
    assert staff not in [n.recipient for n in Notification.objects.all()]


def test_removals_before_the_window_do_not_count(world: Any) -> None:
    staff = world.user("staff")
    old = timezone.now() - dt.timedelta(days=14)
    removal(world.learner9, staff, when=old)
    removal(world.learner9, staff, when=old)
    svc.removal_record(
        scope=_scope(world, "staff"),
        learner=world.learner9,
        lesson="P1",
        reason="Disruption",
        where_to="On-call room",
        minutes=20,
    )
    assert not Notification.objects.filter(kind="behaviour.removals").exists()


def test_the_school_sets_its_own_threshold(world: Any, client: Any) -> None:
    sign_in(client, world.user("senco"))
    bad = client.post(
        reverse("behaviour:oncall-settings"),
        {"form": "policy", "removal_threshold": "0", "removal_window_days": "5"},
    )
    assert bad.status_code == 422 and "Ensure this value is greater than or equal to 1." in bad.text
    assert not OnCallPolicy.objects.exists()
    client.post(
        reverse("behaviour:oncall-settings"),
        {"form": "policy", "removal_threshold": "2", "removal_window_days": "10"},
    )
    policy = OnCallPolicy.objects.get(school=world.school)
    assert (policy.removal_threshold, policy.removal_window_days) == (2, 10)
    removal(world.learner9, world.user("staff"))
    svc.removal_record(
        scope=_scope(world, "staff"),
        learner=world.learner9,
        lesson="P1",
        reason="Disruption",
        where_to="On-call room",
        minutes=20,
    )
    alert = Notification.objects.get(kind="behaviour.removals")
    assert "2 times in 10 school days" in alert.title


def test_the_rota_is_kept_by_the_leads(world: Any, client: Any) -> None:
    teacher = world.user("staff")
    sign_in(client, world.user("dsl"))
    client.post(reverse("behaviour:oncall-settings"), {"form": "rota", "user": teacher.pk})
    assert OnCallMember.objects.filter(school=world.school, user=teacher).exists()
    again = client.post(reverse("behaviour:oncall-settings"), {"form": "rota", "user": teacher.pk})
    assert again.status_code == 422 and "is already on the rota." in again.text


def test_the_learner_page_counts_removals_and_a_removal_by_hand(world: Any, client: Any) -> None:
    removal(world.learner9, world.user("staff"))
    sign_in(client, world.user("hoy"))
    bad = client.post(
        reverse("behaviour:learner-removal", args=[world.learner9.pk]),
        {"lesson": "P4", "reason": "Swearing", "where_to": "Isolation", "minutes": ""},
    )
    assert bad.status_code == 422 and "This field is required." in bad.text
    assert Removal.objects.count() == 1
    done = client.post(
        reverse("behaviour:learner-removal", args=[world.learner9.pk]),
        {"lesson": "P4 <b>Art</b>", "reason": "Swearing", "where_to": "Isolation", "minutes": "50"},
    )
    assert done.status_code == 302
    page = client.get(reverse("behaviour:learner", args=[world.learner9.pk]))
    assert "Removed from class 2 times in the last 5 school days" in page.text
    assert "P4 &lt;b&gt;Art&lt;/b&gt;" in page.text


def test_removals_list_is_scoped_and_exports(world: Any, client: Any) -> None:
    removal(world.learner9, world.user("staff"), lesson="P2 Maths")
    removal(world.learner10, world.user("dsl"), lesson="P5 History")
    sign_in(client, world.user("hoy"))
    page = client.get(reverse("behaviour:removals"))
    assert "P2 Maths" in page.text and "P5 History" not in page.text
    csv = client.get(reverse("behaviour:removals") + "?export=csv")
    body = b"".join(csv.streaming_content).decode()
    assert "P2 Maths" in body and "P5 History" not in body and "Where to" in body


def test_requests_list_filters_open_and_closed_and_exports(world: Any, client: Any) -> None:
    oncall_request(world.school, world.user("staff"), room="OPEN1")
    done = oncall_request(world.school, world.user("staff"), room="DONE1")
    OnCallRequest.objects.filter(pk=done.pk).update(
        status="resolved", outcome="returned", resolved_at=timezone.now()
    )
    sign_in(client, world.user("dsl"))
    closed = client.get(reverse("behaviour:oncall-requests") + "?state=closed")
    assert "DONE1" in closed.text and "OPEN1" not in closed.text
    csv = client.get(reverse("behaviour:oncall-requests") + "?state=open&export=csv")
    body = b"".join(csv.streaming_content).decode()
    assert "OPEN1" in body and "DONE1" not in body


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("behaviour:removals", "removal"),
        ("behaviour:oncall-requests", "request"),
        ("behaviour:oncall-live", "request"),
    ],
)
def test_list_pages_take_the_same_queries_for_few_or_many(
    world: Any, client: Any, django_assert_num_queries: Any, url: str, make: str
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n: int) -> None:
        for _ in range(n):
            learner = LearnerFactory(year_group=world.year9, reg_group=world.learner9.reg_group)
            if make == "removal":
                removal(learner, world.user("staff"))
            else:
                oncall_request(world.school, world.user("staff"), learner=learner)

    sign_in(client, world.user("dsl"))
    add(2)
    client.get(reverse(url))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(url)).status_code == 200
    add(20)
    with django_assert_num_queries(len(few)):
        assert client.get(reverse(url)).status_code == 200
    assert len(few) == PINNED[url], len(few)


PINNED = {"behaviour:removals": 5, "behaviour:oncall-requests": 5, "behaviour:oncall-live": 3}


def test_isolation_session_placement_and_register(world: Any, client: Any) -> None:
    supervisor = world.user("staff")
    sign_in(client, world.user("hoy"))
    past = client.post(
        reverse("behaviour:isolation"),
        {"date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(), "room": "Iso"},
    )
    assert past.status_code == 422 and "That day has passed" in past.text
    session = isolation_session(world.school, world.user("hoy"), supervisor=supervisor)
    bad = client.post(
        reverse("behaviour:isolation-session", args=[session.pk]),
        {"form": "place", "learner": world.learner9.pk, "reason": "Fighting", "periods": "9"},
    )
    assert bad.status_code == 422 and "Ensure this value is less than or equal to 8." in bad.text
    client.post(
        reverse("behaviour:isolation-session", args=[session.pk]),
        {"form": "place", "learner": world.learner9.pk, "reason": "Fighting", "periods": "3"},
    )
    place = IsolationPlace.objects.get()
    assert (place.learner, place.periods, place.status) == (world.learner9, 3, "expected")
    # The supervisor sees the session in their list and takes the register.
    client.logout()
    sign_in(client, supervisor)
    listing = client.get(reverse("behaviour:isolation"))
    assert "Isolation 1" in listing.text
    client.post(
        reverse("behaviour:isolation-session", args=[session.pk]),
        {"place": place.pk, "status": "attended"},
    )
    place.refresh_from_db()
    assert place.status == "attended" and place.marked_by == supervisor


def test_a_future_isolation_register_is_not_open_yet(world: Any) -> None:
    session = isolation_session(world.school, world.user("hoy"), date=next_weekday(3))
    place = IsolationPlace.objects.create(
        school=world.school,
        session=session,
        learner=world.learner9,
        reason="Fighting",
        periods=2,
        placed_by=world.user("hoy"),
    )
    with pytest.raises(ValidationError) as err:
        svc.isolation_mark(scope=_scope(world, "hoy"), place=place, status="attended")
    assert err.value.message_dict["status"] == ["The register opens on the day of the session."]


def test_the_alert_names_the_learner_only_in_the_head_of_years_list(
    world: Any, client: Any
) -> None:
    for _ in range(2):
        removal(world.learner9, world.user("staff"))
    svc.removal_record(
        scope=_scope(world, "staff"),
        learner=world.learner9,
        lesson="P1",
        reason="Disruption",
        where_to="On-call room",
        minutes=20,
    )
    sign_in(client, world.user("hoy"))
    page = client.get(reverse("notifications:list"))
    assert "Repeated removals from class" in page.text and "Nina Nine" in page.text


def test_a_lead_takes_someone_off_the_rota_and_they_no_longer_see_requests(
    world: Any, client: Any, responder: Any
) -> None:
    oncall_request(world.school, world.user("staff"), room="M6")
    member_row = OnCallMember.objects.get(user=responder)
    sign_in(client, world.user("dsl"))
    client.post(reverse("behaviour:oncall-settings"), {"form": "remove", "member": member_row.pk})
    assert not OnCallMember.objects.filter(user=responder).exists()
    client.logout()
    sign_in(client, responder)
    assert "M6" not in client.get(reverse("behaviour:oncall-live")).text


def test_any_teacher_records_a_removal_from_their_lesson_and_sees_it(
    world: Any, client: Any
) -> None:
    sign_in(client, world.user("staff"))
    done = client.post(
        reverse("behaviour:learner-removal", args=[world.learner10.pk]),
        {
            "lesson": "P5 Drama",
            "reason": "Throwing props",
            "where_to": "On-call room",
            "minutes": "25",
        },
    )
    assert done.status_code == 302 and done["Location"] == reverse("behaviour:removals")
    assert "P5 Drama" in client.get(reverse("behaviour:removals")).text
    # The learner's behaviour page stays theirs who follow the learner.
    assert client.get(reverse("behaviour:learner", args=[world.learner10.pk])).status_code == 404
