"""Rewards: running totals, milestones with a certificate, houses."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from behaviour import services
from behaviour.models import House, HouseMember, MilestoneAward
from pastoral.access import scope_for
from pastoral.models import Learner
from tests.behaviour.conftest import pdf_text
from tests.behaviour.helpers import kind, negative, positive
from tests.conftest import sign_in


def _give(
    world: Any, learners: list[Learner], name: str, times: int = 1, points: int | None = None
) -> None:
    scope = scope_for(world.user("staff"), world.school)
    learners = list(
        Learner.objects.filter(pk__in=[lr.pk for lr in learners]).select_related("reg_group")
    )
    for _ in range(times):
        services.incidents_log(
            scope=scope, learners=learners, kind=kind(world.school, name), points=points
        )


def test_reaching_fifty_points_earns_a_certificate(world: Any, client: Any) -> None:
    _give(world, [world.learner9], "Excellent work", times=9, points=5)  # 45
    assert not MilestoneAward.objects.exists()
    _give(world, [world.learner9], "Excellent work", points=5)  # 50
    award = MilestoneAward.objects.get()
    assert (award.learner_id, award.points) == (world.learner9.pk, 50)
    sign_in(client, world.user("hoy"))
    page = client.get(reverse("behaviour:learner", args=[world.learner9.pk]))
    assert page.context["s"].positive == 50 and page.context["s"].next_milestone == 100
    response = client.get(reverse("behaviour:certificate", args=[award.pk]))
    text = pdf_text(response.content)
    assert "Certificate of achievement" in text and "Nina Nine" in text
    assert "for reaching 50 positive points" in text


def test_running_totals_keep_positive_and_negative_apart(world: Any, client: Any) -> None:
    _give(world, [world.learner9], positive(world.school).name, times=3)  # +6
    _give(world, [world.learner9], negative(world.school).name)  # -3
    sign_in(client, world.user("dsl"))
    s = client.get(reverse("behaviour:learner", args=[world.learner9.pk])).context["s"]
    assert (s.positive, s.negative, s.net) == (6, -3, 3)


def test_houses_total_their_members_points(world: Any, client: Any) -> None:
    lead = scope_for(world.user("senco"), world.school)
    red = services.house_create(scope=lead, name="Red")
    blue = services.house_create(scope=lead, name="Blue")
    services.houses_assign(scope=lead, house=red, learners=[world.learner9])
    services.houses_assign(scope=lead, house=blue, learners=[world.learner10])
    _give(world, [world.learner9], positive(world.school).name, times=2)
    _give(world, [world.learner10], positive(world.school).name)
    sign_in(client, world.user("senco"))
    client.post(
        reverse("behaviour:settings"),
        {
            "form": "settings",
            "houses_enabled": "on",
            "leaderboard_enabled": "on",
            "milestones": "50",
            "detention_notice_hours": "24",
        },
    )
    board = client.get(reverse("behaviour:leaderboard"))
    assert board.context["houses"] == [{"name": "Red", "points": 4}, {"name": "Blue", "points": 2}]
    assert HouseMember.objects.count() == 2 and House.objects.count() == 2


def test_the_leaderboard_shows_only_the_persons_learners(world: Any, client: Any) -> None:
    _give(world, [world.learner9, world.learner10], positive(world.school).name)
    sign_in(client, world.user("hoy"))
    rows = client.get(reverse("behaviour:leaderboard")).context["rows"]
    assert [r["pk"] for r in rows] == [world.learner9.pk]
