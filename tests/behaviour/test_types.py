"""Behaviour types: the defaults a new school gets, and the settings page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from behaviour.models import BehaviourSettings, BehaviourType, DetentionType, Kind
from pastoral.models import AuditEvent
from tests.conftest import sign_in
from tests.factories import SchoolFactory


def test_a_new_school_starts_with_dfe_shaped_defaults(db: Any) -> None:
    school = SchoolFactory()
    types = {t.name: t for t in BehaviourType.objects.filter(school=school)}
    assert sum(t.kind == Kind.POSITIVE for t in types.values()) >= 4
    assert sum(t.kind == Kind.NEGATIVE for t in types.values()) >= 8
    bullying = types["Bullying"]
    assert bullying.needs_follow_up and bullying.notify_hoy and bullying.notify_senco_if_sen
    assert all(-5 <= t.min_points <= t.default_points <= t.max_points <= 5 for t in types.values())
    rule = DetentionType.objects.get(school=school, name="Lunch detention").escalates_to
    assert rule is not None and rule.name == "After-school detention"
    assert BehaviourSettings.objects.get(school=school).detention_notice_hours == 24


def test_the_senco_changes_a_types_range_and_it_is_audited(world: Any, client: Any) -> None:
    kind = BehaviourType.objects.get(school=world.school, name="Excellent work")
    sign_in(client, world.user("senco"))
    data = {
        "name": "Excellent work",
        "kind": "positive",
        "category": "Learning",
        "default_points": "3",
        "min_points": "1",
        "max_points": "4",
        "severity": "0",
        "notify_tutor": "on",
        "active": "on",
    }
    response = client.post(reverse("behaviour:type-edit", args=[kind.pk]), data)
    assert response.status_code == 302
    kind.refresh_from_db()
    assert (kind.default_points, kind.max_points, kind.notify_tutor) == (3, 4, True)
    event = AuditEvent.objects.filter(action="behaviour.type.changed").get()
    assert event.changes["max_points"] == {"from": 5, "to": 4}


def test_a_range_that_does_not_hold_its_usual_points_is_refused_beside_the_field(
    world: Any, client: Any
) -> None:
    sign_in(client, world.user("dsl"))
    response = client.post(
        reverse("behaviour:settings"),
        {
            "form": "type",
            "name": "Helping at parents' evening",
            "kind": "positive",
            "default_points": "6",
            "min_points": "1",
            "max_points": "5",
            "severity": "0",
            "active": "on",
        },
    )
    assert response.status_code == 422
    assert "The usual points must be between 1 and 5." in response.text
    assert not BehaviourType.objects.filter(name="Helping at parents' evening").exists()


def test_a_negative_type_cannot_give_points(world: Any, client: Any) -> None:
    sign_in(client, world.user("senco"))
    response = client.post(
        reverse("behaviour:settings"),
        {
            "form": "type",
            "name": "Swearing",
            "kind": "negative",
            "default_points": "-1",
            "min_points": "-2",
            "max_points": "2",
            "severity": "1",
            "active": "on",
        },
    )
    assert response.status_code == 422 and "A negative type cannot give points." in response.text


def test_settings_are_for_the_behaviour_leads_only(world: Any, client: Any) -> None:
    for role, status in [("staff", 404), ("hoy", 404), ("admin", 404), ("senco", 200)]:
        sign_in(client, world.user(role))
        assert client.get(reverse("behaviour:settings")).status_code == status, role


def test_the_leaderboard_can_be_turned_off(world: Any, client: Any) -> None:
    sign_in(client, world.user("dsl"))
    assert client.get(reverse("behaviour:leaderboard")).status_code == 200
    response = client.post(
        reverse("behaviour:settings"),
        {"form": "settings", "milestones": "50, 100", "detention_notice_hours": "24"},
    )
    assert response.status_code == 302
    assert client.get(reverse("behaviour:leaderboard")).status_code == 404


def test_the_defaults_command_fills_a_school_without_types(world: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    BehaviourType.objects.filter(school=world.school).delete()
    DetentionType.objects.filter(school=world.school).delete()
    out = StringIO()
    call_command("behaviour_defaults", stdout=out)
    assert "Defaults given to 1 school(s). Oakfield Test School" in out.getvalue()
    assert BehaviourType.objects.filter(school=world.school).count() == 17
    call_command("behaviour_defaults", stdout=out)
    assert BehaviourType.objects.filter(school=world.school).count() == 17


def test_the_menu_offers_behaviour_to_members_but_not_to_an_administrator(
    world: Any, client: Any
) -> None:
    sign_in(client, world.user("staff"))
    assert 'href="/behaviour/"' in client.get(reverse("home")).text
    sign_in(client, world.user("admin"))
    assert 'href="/behaviour/"' not in client.get(reverse("home")).text
