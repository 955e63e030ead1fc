""" "Where is this learner right now?": at a provider, in school, or not expected."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from pastoral.access import scope_for
from pastoral.models import AuditEvent, Closure
from provision import selectors
from provision.selectors.whereabouts import Where
from tests.conftest import sign_in
from tests.provision.factories import make_placement, make_provider


def _next(weekday: int) -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7)


def _ask(world: Any, day: dt.date, session: str, role: str = "senco") -> Any:
    scope = scope_for(world.user(role), world.school)
    return selectors.whereabouts_for(scope, world.learner9, day, session)


def _placed(world: Any, **kwargs: Any) -> Any:
    senco = world.user("senco")
    provider = make_provider(world.school, recorded_by=senco)
    start = timezone.localdate() - dt.timedelta(days=7)
    return make_placement(
        world.learner9, provider, senco, start=start, sessions=["MON-AM", "WED-PM"], **kwargs
    )


def test_a_planned_session_of_an_active_placement_is_at_the_provider(world: Any) -> None:
    placement = _placed(world)
    where = _ask(world, _next(0), "AM")
    assert where.where == Where.PROVIDER
    assert where.placement == placement
    assert where.headline == "At Riverside Learning Centre"


def test_other_sessions_are_in_school(world: Any) -> None:
    _placed(world)
    assert _ask(world, _next(0), "PM").where == Where.SCHOOL
    assert _ask(world, _next(1), "AM").where == Where.SCHOOL


def test_a_draft_placement_does_not_take_the_learner_out_of_school(world: Any) -> None:
    _placed(world, status="draft")
    assert _ask(world, _next(0), "AM").where == Where.SCHOOL


def test_after_the_placement_ends_the_learner_is_in_school(world: Any) -> None:
    placement = _placed(world)
    monday = _next(0)
    placement.status = "ended"
    placement.ended_on = monday - dt.timedelta(days=1)
    placement.save()
    assert _ask(world, monday, "AM").where == Where.SCHOOL


def test_weekends_and_closures_are_not_expected(world: Any) -> None:
    _placed(world)
    saturday = _next(5)
    where = _ask(world, saturday, "AM")
    assert where.where == Where.NOT_EXPECTED and where.reason == "It is a weekend."
    monday = _next(0) + dt.timedelta(days=7)
    Closure.objects.create(
        school=world.school, date=monday, kind=Closure.Kind.INSET, name="INSET day"
    )
    where = _ask(world, monday, "AM")
    assert where.where == Where.NOT_EXPECTED and "INSET day" in where.reason


def test_the_page_answers_the_provider_with_its_phone_and_records_the_view(
    world: Any, client: Any
) -> None:
    _placed(world)
    sign_in(client, world.user("hoy"), school=world.school)
    monday = _next(0)
    response = client.get(
        f"{reverse('provision:where', args=[world.learner9.pk])}?date={monday.isoformat()}&session=AM"
    )
    assert response.status_code == 200
    assert "At Riverside Learning Centre" in response.text
    assert "01632 960123" in response.text
    event = AuditEvent.objects.get(action="provision.whereabouts.viewed")
    assert event.learner_id == world.learner9.pk and event.actor == world.user("hoy")


def test_a_bad_date_answers_422_and_records_no_view(world: Any, client: Any) -> None:
    sign_in(client, world.user("dsl"), school=world.school)
    response = client.get(
        f"{reverse('provision:where', args=[world.learner9.pk])}?date=31-31-2026&session=AM"
    )
    assert response.status_code == 422
    assert not AuditEvent.objects.filter(action="provision.whereabouts.viewed").exists()


def test_the_learner_page_shows_where_now_and_the_placements(world: Any, client: Any) -> None:
    placement = _placed(world)
    sign_in(client, world.user("support"), school=world.school)
    response = client.get(reverse("provision:learner", args=[world.learner9.pk]))
    assert response.status_code == 200
    assert f"Where is {world.learner9.first_name}?" in response.text
    assert placement.reference in response.text


def test_the_learner_card_links_to_it(world: Any, client: Any) -> None:
    sign_in(client, world.user("senco"), school=world.school)
    response = client.get(reverse("pastoral:learner-detail", args=[world.learner9.pk]))
    assert reverse("provision:learner", args=[world.learner9.pk]) in response.text
