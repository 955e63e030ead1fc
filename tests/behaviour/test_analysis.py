"""Behaviour analysis: what a head of year, the SENCO and the DSL see in the
breakdowns and patterns, its filters, its export and its audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from behaviour.models import Incident
from pastoral.models import AuditEvent
from tests.behaviour.helpers import incident
from tests.behaviour.oncall_helpers import removal
from tests.conftest import sign_in
from tests.factories import LearnerFactory

URL = "behaviour:analysis"


def _at(days_ago: int, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 15)))


def _log(
    learner: Any,
    by: Any,
    *,
    days_ago: int = 1,
    hour: int = 10,
    name: str = "Rudeness to staff",
    period: str = "",
) -> Incident:
    found = incident(learner, by, name=name)
    Incident.objects.filter(pk=found.pk).update(occurred_at=_at(days_ago, hour), period=period)
    found.refresh_from_db()
    return found


def _range(days: int = 60) -> str:
    today = timezone.localdate()
    return f"?start={today - dt.timedelta(days=days):%Y-%m-%d}&end={today:%Y-%m-%d}"


def _rows(response: Any, key: str) -> dict[str, int]:
    return {r["label"]: r["incidents"] for r in response.context["b"][key]}


def test_breakdowns_count_the_incidents_in_reach(world: Any, client: Any) -> None:
    teacher = world.user("staff")
    _log(world.learner9, teacher, hour=9, period="P1", name="Excellent work")
    _log(world.learner9, teacher, hour=9, period="P1")
    _log(world.learner9, world.user("dsl"), hour=14, period="P5")
    _log(world.learner10, teacher, hour=14, period="P5")
    _log(world.other_learner, world.outsider)

    sign_in(client, world.user("hoy"))
    page = client.get(reverse(URL) + _range())
    assert page.status_code == 200
    assert _rows(page, "year") == {world.year9.name: 3}
    assert _rows(page, "type") == {"Excellent work": 1, "Rudeness to staff": 2}
    assert _rows(page, "teacher") == {teacher.full_name: 2, world.user("dsl").full_name: 1}
    assert _rows(page, "period") == {"P1": 2, "P5": 1}
    assert _rows(page, "hour") == {"09:00–09:59": 2, "14:00–14:59": 1}
    weekday = _at(1).strftime("%A")
    assert _rows(page, "day") == {weekday: 3}
    assert "By time of day" in page.text and "P5" in page.text

    sign_in(client, world.user("senco"))
    page = client.get(reverse(URL) + _range())
    assert sum(_rows(page, "year").values()) == 4


def test_filters_narrow_the_breakdowns_and_bad_dates_are_told(world: Any, client: Any) -> None:
    teacher = world.user("staff")
    _log(world.learner9, teacher, name="Excellent work")
    _log(world.learner9, teacher)
    _log(world.learner9, teacher, days_ago=40)
    sign_in(client, world.user("dsl"))
    page = client.get(reverse(URL) + _range(10) + "&kind=negative")
    assert _rows(page, "type") == {"Rudeness to staff": 1}
    page = client.get(reverse(URL) + _range(10) + f"&year_group={world.year9.pk}")
    assert sum(_rows(page, "year").values()) == 2

    today = timezone.localdate()
    bad = client.get(
        reverse(URL) + f"?start={today:%Y-%m-%d}&end={today - dt.timedelta(days=3):%Y-%m-%d}"
    )
    assert bad.status_code == 200
    assert "The end date must not be before the start date." in bad.text
    assert 'aria-invalid="true"' in bad.text


def test_rising_negatives_lists_learners_with_both_counts(world: Any, client: Any) -> None:
    teacher = world.user("staff")
    for days_ago in (2, 5, 9):
        _log(world.learner9, teacher, days_ago=days_ago)
    _log(world.learner9, teacher, days_ago=35)
    steady = LearnerFactory(
        school=world.school, year_group=world.year9, reg_group=world.learner9.reg_group
    )
    _log(steady, teacher, days_ago=3)
    _log(steady, teacher, days_ago=33)
    for days_ago in (1, 2, 3):
        _log(world.learner10, teacher, days_ago=days_ago)
    quiet = LearnerFactory(
        school=world.school, year_group=world.year9, reg_group=world.learner9.reg_group
    )
    for days_ago in (1, 2):
        _log(quiet, teacher, days_ago=days_ago)  # 2 against 0: below the minimum of 3

    sign_in(client, world.user("hoy"))
    rising = client.get(reverse(URL)).context["rising"]
    assert [(r["learner_id"], r["recent"], r["before"]) for r in rising] == [
        (world.learner9.pk, 3, 1)
    ]
    sign_in(client, world.user("senco"))
    page = client.get(reverse(URL))
    assert {r["learner_id"] for r in page.context["rising"]} == {
        world.learner9.pk,
        world.learner10.pk,
    }
    assert world.learner9.display_name in page.text


def test_many_removals_from_one_lesson(world: Any, client: Any) -> None:
    teacher = world.user("staff")
    for _ in range(3):
        removal(
            world.learner9, teacher, lesson="P2 Maths", when=timezone.now() - dt.timedelta(days=1)
        )
    for _ in range(2):
        removal(
            world.learner9, teacher, lesson="P4 Art", when=timezone.now() - dt.timedelta(days=1)
        )
    sign_in(client, world.user("hoy"))
    page = client.get(reverse(URL) + _range())
    assert [
        (r["lesson"], r["removed_by__full_name"], r["removals"]) for r in page.context["hotspots"]
    ] == [("P2 Maths", teacher.full_name, 3)]
    assert "P4 Art" not in page.text


def test_export_holds_the_filtered_incidents_and_is_audited(world: Any, client: Any) -> None:
    teacher = world.user("staff")
    _log(world.learner9, teacher, name="Excellent work")
    _log(world.learner9, teacher, period="=cmd()")
    _log(world.learner10, teacher)
    sign_in(client, world.user("hoy"))
    response = client.get(reverse(URL) + _range() + "&kind=negative&export=csv")
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert len(lines) == 2 and "Rudeness to staff" in lines[1] and "'=cmd()" in lines[1]
    assert world.learner10.legal_last_name not in body
    event = AuditEvent.objects.filter(action="behaviour.analysis.exported").get()
    assert (
        event.actor == world.user("hoy")
        and event.changes.get("kind", event.changes.get("filters", {}).get("kind")) == "negative"
    )


def test_the_page_is_audited_once(world: Any, client: Any) -> None:
    sign_in(client, world.user("dsl"))
    before = AuditEvent.objects.filter(action="behaviour.analysis.viewed").count()
    assert client.get(reverse(URL)).status_code == 200
    assert AuditEvent.objects.filter(action="behaviour.analysis.viewed").count() == before + 1


def test_the_page_takes_the_same_queries_for_few_or_many(
    world: Any, client: Any, django_assert_num_queries: Any
) -> None:
    teacher = world.user("staff")

    def add(n: int) -> None:
        for i in range(n):
            learner = LearnerFactory(
                school=world.school, year_group=world.year9, reg_group=world.learner9.reg_group
            )
            _log(learner, teacher, days_ago=i % 20, hour=8 + i % 7, period=f"P{i % 6}")
            removal(learner, teacher, when=timezone.now() - dt.timedelta(days=1))

    add(2)
    sign_in(client, world.user("hoy"))
    client.get(reverse(URL))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(URL)).status_code == 200
    add(25)
    with django_assert_num_queries(len(few)):
        assert client.get(reverse(URL)).status_code == 200
    assert len(few) == PINNED, "\n".join(q["sql"][:70] for q in few.captured_queries)


# session, user, 3 filter choices, the term, 6 breakdowns, rising negatives, removal hotspots, audit
PINNED = 15


# Per learner: the points trend ---------------------------------------------------


def test_learner_page_shows_the_weekly_points_trend_as_svg_and_table(
    world: Any, client: Any
) -> None:
    teacher = world.user("staff")
    today = timezone.localdate()
    _log(world.learner9, teacher, days_ago=0, name="Excellent work")
    _log(world.learner9, teacher, days_ago=0, name="Excellent work")
    _log(world.learner9, teacher, days_ago=0)
    sign_in(client, world.user("hoy"))
    page = client.get(reverse("behaviour:learner", args=[world.learner9.pk]))
    assert page.status_code == 200
    weeks = page.context["weeks"]
    this_week = today - dt.timedelta(days=today.weekday())
    assert weeks[-1].start == this_week
    excellent = Incident.objects.filter(type__name="Excellent work").first().points
    rude = Incident.objects.filter(type__name="Rudeness to staff").first().points
    assert (weeks[-1].positive, weeks[-1].negative) == (2 * excellent, rude)
    text = page.text
    assert "<svg" in text and 'role="img"' in text
    assert f"Net behaviour points by week for {world.learner9.display_name}" in text
    assert "Points by week as a table" in text
    assert f"{weeks[-1].net:+d}" in text
    assert "<script" not in text.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_learner_page_takes_the_same_queries_however_many_weeks_are_logged(
    world: Any, client: Any, django_assert_num_queries: Any
) -> None:
    teacher = world.user("staff")
    _log(world.learner9, teacher, days_ago=0)
    sign_in(client, world.user("hoy"))
    url = reverse("behaviour:learner", args=[world.learner9.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for days_ago in range(1, 60, 3):
        _log(world.learner9, teacher, days_ago=days_ago, name="Excellent work")
    with django_assert_num_queries(len(few)):
        assert client.get(url).status_code == 200


# The head of year's home-page panel ---------------------------------------------


def _panel(client: Any) -> dict[str, Any] | None:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    found = [p for p in response.context["panels"] if p.name == "behaviour"]
    return found[0].context if found else None


def test_home_panel_counts_this_week_for_the_heads_years(world: Any, client: Any) -> None:
    from tests.behaviour.helpers import detention

    teacher = world.user("staff")
    _log(world.learner9, teacher, days_ago=0, name="Excellent work")
    _log(world.learner9, teacher, days_ago=0)
    _log(world.learner9, teacher, days_ago=0)
    _log(world.learner10, teacher, days_ago=0)
    removal(world.learner9, teacher)
    removal(world.learner10, teacher)
    detention(world.learner9, world.user("dsl"))
    _log(world.learner9, teacher, days_ago=10)  # last week: rising, not this week

    sign_in(client, world.user("hoy"))
    panel = _panel(client)
    assert panel is not None
    assert (panel["positive"], panel["negative"]) == (1, 2)
    assert (panel["removals"], panel["open_detentions"], panel["rising"]) == (1, 1, 1)
    page = client.get(reverse("home")).text
    assert "Behaviour this week" in page and "Learners with rising negatives" in page

    sign_in(client, world.user("senco"))
    panel = _panel(client)
    assert panel is not None and (panel["negative"], panel["removals"]) == (3, 2)

    for role in ("staff", "support", "admin"):
        sign_in(client, world.user(role))
        assert _panel(client) is None, role
        assert "Behaviour this week" not in client.get(reverse("home")).text


def test_home_panel_takes_the_same_queries_however_much_is_logged(
    world: Any, client: Any, django_assert_num_queries: Any
) -> None:
    teacher = world.user("staff")
    sign_in(client, world.user("hoy"))
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("home")).status_code == 200
    for i in range(15):
        learner = LearnerFactory(
            school=world.school, year_group=world.year9, reg_group=world.learner9.reg_group
        )
        _log(learner, teacher, days_ago=i % 3)
        removal(learner, teacher)
    with django_assert_num_queries(len(few)):
        assert client.get(reverse("home")).status_code == 200
