"""Detentions: refused sessions and places (with the reason), the register,
escalation by the school's rule unless the learner was off school, and the
parents' letter."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from attendance.models import Mark
from behaviour import services
from behaviour.models import Detention, DetentionSession, DetentionType
from pastoral.access import scope_for
from pastoral.models import Closure
from tests.behaviour.conftest import pdf_text
from tests.behaviour.helpers import incident, next_weekday, session
from tests.conftest import sign_in
from tests.factories import ContactFactory


def _scope(world: Any, role: str = "hoy") -> Any:
    return scope_for(world.user(role), world.school)


def _type(world: Any, name: str) -> DetentionType:
    return DetentionType.objects.get(school=world.school, name=name)


def test_a_session_in_the_past_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as err:
        services.session_create(
            scope=_scope(world),
            kind=_type(world, "Lunch detention"),
            date=timezone.localdate() - dt.timedelta(days=1),
        )
    assert err.value.message_dict["date"] == ["That time has passed: choose a later date or time."]


def test_a_session_on_a_closure_day_is_refused_with_the_closure(world: Any, client: Any) -> None:
    day = next_weekday(5)
    Closure.objects.create(school=world.school, date=day, kind=Closure.Kind.INSET, name="INSET day")
    sign_in(client, world.user("hoy"))
    response = client.post(
        reverse("behaviour:sessions"),
        {"kind": _type(world, "Lunch detention").pk, "date": day.isoformat(), "room": "H1"},
    )
    assert response.status_code == 422
    assert f"The school is closed on {day:%d/%m/%Y} (INSET day)." in response.text
    assert not DetentionSession.objects.exists()


def test_a_place_with_less_notice_than_the_policy_gives_is_refused(world: Any) -> None:
    # 23 hours ahead: not started, but less than the policy's 24 hours (at any
    # time of day: "tomorrow at an hour ago" is in the past just after midnight).
    when = timezone.localtime() + dt.timedelta(hours=23)
    soon = DetentionSession.objects.create(
        school=world.school,
        type=_type(world, "After-school detention"),
        date=when.date(),
        start=when.time().replace(microsecond=0),
        room="S1",
        created_by=world.user("hoy"),
    )
    with pytest.raises(ValidationError) as err:
        services.detention_issue(
            scope=_scope(world), learner=world.learner9, session=soon, reason="Rudeness"
        )
    assert "gives parents 24 hours' notice" in err.value.message_dict["session"][0]


def test_a_place_in_a_session_already_started_is_refused(world: Any) -> None:
    started = DetentionSession.objects.create(
        school=world.school,
        type=_type(world, "Lunch detention"),
        date=timezone.localdate() - dt.timedelta(days=2),
        start=dt.time(12, 50),
        room="S1",
        created_by=world.user("hoy"),
    )
    with pytest.raises(ValidationError) as err:
        services.detention_issue(
            scope=_scope(world), learner=world.learner9, session=started, reason="x"
        )
    assert err.value.message_dict["session"] == ["That session has already started."]


def test_a_clash_with_the_learners_other_detention_is_refused(world: Any, client: Any) -> None:
    day = next_weekday(3)
    first = session(world.school, world.user("hoy"), date=day)
    services.detention_issue(
        scope=_scope(world), learner=world.learner9, session=first, reason="Late"
    )
    second = session(
        world.school, world.user("hoy"), name="Extended after-school detention", date=day
    )
    found = incident(world.learner9, world.user("hoy"))
    sign_in(client, world.user("hoy"))
    response = client.post(
        reverse("behaviour:incident-detention", args=[found.pk]),
        {"session": second.pk, "reason": "Rudeness"},
    )
    assert response.status_code == 422
    assert "That clashes with the learner&#x27;s After-school detention at 15:15" in response.text


def _missed_today(world: Any) -> Detention:
    today = DetentionSession.objects.create(
        school=world.school,
        type=_type(world, "Lunch detention"),
        date=timezone.localdate(),
        start=dt.time(12, 50),
        room="H1",
        supervisor=world.user("staff"),
        created_by=world.user("hoy"),
    )
    return Detention.objects.create(
        school=world.school,
        learner=world.learner9,
        session=today,
        reason="Homework not done",
        issued_by=world.user("hoy"),
    )


def test_a_missed_detention_escalates_by_the_schools_rule(world: Any, client: Any) -> None:
    place = _missed_today(world)
    sign_in(client, world.user("staff"))  # the supervisor takes the register
    response = client.post(
        reverse("behaviour:session-detail", args=[place.session_id]),
        {"place": place.pk, "status": "missed"},
    )
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.status == Detention.Status.MISSED
    longer = Detention.objects.get(escalated_from=place)
    assert longer.session.type.name == "After-school detention"
    assert longer.session.starts_at >= timezone.now() + dt.timedelta(hours=24)
    assert longer.session.date.weekday() < 5
    assert longer.reason.startswith("Missed Lunch detention")


def test_the_school_changes_its_rule(world: Any) -> None:
    lunch = _type(world, "Lunch detention")
    services.detention_type_update(
        scope=_scope(world, "senco"),
        kind=lunch,
        escalates_to=_type(world, "Extended after-school detention"),
    )
    place = _missed_today(world)
    services.detention_mark(scope=_scope(world), detention=place, status="missed")
    assert place.escalated_to.session.type.name == "Extended after-school detention"


def test_a_rule_in_a_circle_is_refused(world: Any) -> None:
    after = _type(world, "Extended after-school detention")
    with pytest.raises(ValidationError) as err:
        services.detention_type_update(
            scope=_scope(world, "senco"), kind=after, escalates_to=_type(world, "Break detention")
        )
    assert "circle" in err.value.message_dict["escalates_to"][0]


def test_a_learner_off_school_that_day_is_absent_not_missed(world: Any) -> None:
    place = _missed_today(world)
    Mark.objects.create(
        school=world.school,
        learner=world.learner9,
        date=timezone.localdate(),
        session="PM",
        code="I",
    )
    services.detention_mark(scope=_scope(world), detention=place, status="missed")
    place.refresh_from_db()
    assert place.status == Detention.Status.ABSENT
    assert not Detention.objects.filter(escalated_from=place).exists()


def test_only_the_supervisor_or_a_head_of_year_takes_the_register(world: Any) -> None:
    place = _missed_today(world)
    place.session.supervisor = None
    place.session.save()
    with pytest.raises(ValidationError):
        services.detention_mark(
            scope=scope_for(world.user("staff"), world.school), detention=place, status="attended"
        )


def test_the_parents_letter_says_when_where_and_why(world: Any, client: Any) -> None:
    ContactFactory(learner=world.learner9, name="Pat <Nine>")
    day = next_weekday(3)
    place = services.detention_issue(
        scope=_scope(world),
        learner=world.learner9,
        session=session(world.school, world.user("hoy"), date=day),
        reason="Rude to a <supply> teacher",
    )
    sign_in(client, world.user("hoy"))
    response = client.get(reverse("behaviour:detention-letter", args=[place.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Dear Pat <Nine>," in text
    assert "Nina Nine (9A) has been given a after-school detention of 60 minutes" in text
    assert f"{day:%A} {day.day} {day:%B %Y}" in text
    assert "15:15 to 16:15" in text and "S12" in text
    assert "Rude to a <supply> teacher" in text
    assert "at least 24 hours' notice" in text
