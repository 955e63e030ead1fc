"""Issue 14, hole 3: categories carry a default level and alert groups; a
restricted category restricts the concern whatever the author ticked; only a
DSL lowers it, with a reason; alerts never tell anyone outside the DSL team of
a restricted concern."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from pastoral.models import AuditEvent, Role
from pastoral.notifications.models import Notification
from safeguarding import selectors, services
from safeguarding.models import RESTRICTED_CATEGORIES, Category, Concern, ConcernEntry
from tests.conftest import sign_in
from tests.factories import SchoolFactory, UserFactory, member
from tests.safeguarding.helpers import category, log_concern, scope_of

CASE_ROLES = ("hoy", "senco", "support")


def _sees(world: Any, role: str, concern: Concern) -> bool:
    return selectors.concerns_for(scope_of(world, role)).filter(pk=concern.pk).exists()


def _triage(world: Any, concern: Concern, *, role: str = "dsl", **changes: Any) -> Concern:
    concern.refresh_from_db()
    scope = scope_of(world, role)
    fields: dict[str, Any] = {
        "level": concern.level,
        "owner_id": None,
        "category_ids": [c.pk for c in concern.categories.all()],
        "next_action": "",
        "due_date": None,
        **changes,
    }
    return services.concern_triage(
        scope=scope,
        concern=selectors.concern_for(scope, concern.pk),
        version=concern.version,
        **fields,
    )


# --- Service: the level follows the categories --------------------------------------


@pytest.mark.parametrize("name", sorted(RESTRICTED_CATEGORIES))
def test_a_restricted_category_restricts_the_concern_whatever_the_author_ticked(
    world: Any, name: str
) -> None:
    concern = log_concern(world, categories=[name, "Family"], restricted=False)
    assert concern.level == Concern.Level.RESTRICTED
    for role in CASE_ROLES:
        assert not _sees(world, role, concern), role
    assert _sees(world, "dsl", concern)
    created = AuditEvent.objects.get(action="safeguarding.concern.created")
    assert created.changes["level"] == "restricted"
    assert created.changes["restricted_by"] == [f"category: {name}"]


def test_a_pastoral_category_stays_pastoral_unless_the_author_ticks(world: Any) -> None:
    assert log_concern(world, categories=["Family"]).level == Concern.Level.PASTORAL
    ticked = log_concern(world, categories=["Family"], restricted=True)
    assert ticked.level == Concern.Level.RESTRICTED


def test_a_category_a_dsl_makes_restricted_restricts_concerns_from_then_on(world: Any) -> None:
    earlier = log_concern(world, categories=["Bullying"])
    services.category_update(
        scope=scope_of(world, "dsl"),
        category=category(world, "Bullying"),
        default_level="restricted",
        alert_groups=[],
    )
    later = log_concern(world, categories=["Bullying"])
    earlier.refresh_from_db()
    assert (earlier.level, later.level) == ("pastoral", "restricted")
    event = AuditEvent.objects.get(action="safeguarding.category.changed")
    assert event.changes["default_level"] == {"from": "pastoral", "to": "restricted"}


def test_another_schools_or_a_retired_category_is_refused(world: Any) -> None:
    elsewhere = Category.objects.filter(school=world.other_school).first()
    retired = category(world, "Other")
    services.category_toggle(scope=scope_of(world, "dsl"), category=retired)
    for bad in (elsewhere, retired):
        with pytest.raises(ValidationError) as caught:
            services.concern_create(
                scope=scope_of(world, "staff"),
                learner_ids=[world.learner9.pk],
                occurred_at=timezone.now() - dt.timedelta(hours=1),
                location="",
                description="Something happened",
                category_ids=[bad.pk],
            )
        assert "categories" in caught.value.message_dict
    assert not Concern.objects.exists()


# --- Service: lowering needs a DSL and a reason ------------------------------------------


def test_only_a_dsl_lowers_a_restricted_concern_and_only_with_a_reason(world: Any) -> None:
    concern = log_concern(world, categories=["Sexual abuse"])
    for role in CASE_ROLES:
        with pytest.raises(Http404):
            _triage(world, concern, role=role, level="pastoral", level_reason="Because")
    with pytest.raises(ValidationError) as caught:
        _triage(world, concern, level="pastoral", level_reason="   ")
    assert "level_reason" in caught.value.message_dict
    concern.refresh_from_db()
    assert concern.level == "restricted" and concern.version == 1
    assert not ConcernEntry.objects.filter(concern=concern).exists()

    _triage(world, concern, level="pastoral", level_reason="Disclosure was about a TV drama")
    concern.refresh_from_db()
    assert concern.level == "pastoral"
    assert _sees(world, "hoy", concern)
    event = AuditEvent.objects.get(action="safeguarding.concern.triaged")
    assert event.changes["level"] == {"from": "restricted", "to": "pastoral"}
    assert event.changes["level_reason"] == "Disclosure was about a TV drama"
    entry = ConcernEntry.objects.get(concern=concern, kind=ConcernEntry.Kind.TRIAGE)
    assert entry.reason == "Disclosure was about a TV drama"
    # Triaged again later (a due date): not asked for the reason a second time.
    _triage(world, concern, next_action="Check in on Friday")


def test_adding_a_restricted_category_at_triage_and_keeping_pastoral_needs_a_reason(
    world: Any,
) -> None:
    concern = log_concern(world, categories=["Family"])
    ids = [category(world, "Family").pk, category(world, "FGM").pk]
    with pytest.raises(ValidationError):
        _triage(world, concern, category_ids=ids)
    _triage(world, concern, category_ids=ids, level="restricted")
    concern.refresh_from_db()
    assert concern.level == "restricted"
    assert not _sees(world, "hoy", concern)


# --- Service: alerts ------------------------------------------------------------------------


def _alert(world: Any, groups: list[str], *, categories: list[str], people: Any = ()) -> Concern:
    return services.concern_create(
        scope=scope_of(world, "staff"),
        learner_ids=[world.learner9.pk],
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        location="",
        description="Was upset at lunch",
        category_ids=[category(world, n).pk for n in categories],
        alert_groups=groups,
        alerted_ids=[u.pk for u in people],
    )


def _told(concern: Concern) -> set[int]:
    return set(
        Notification.objects.filter(object_id=str(concern.pk)).values_list(
            "recipient_id", flat=True
        )
    )


def test_alert_groups_reach_the_learners_head_of_year_sen_team_and_key_worker(
    world: Any,
) -> None:
    other_hoy = member(UserFactory(), world.school, Role.HEAD_OF_YEAR, years=[world.year10])
    concern = _alert(world, ["hoy", "sen", "keyworker"], categories=["Family"])
    ids = {world.user(r).pk for r in ("hoy", "senco", "support", "dsl")}
    assert _told(concern) == ids
    assert other_hoy.pk not in _told(concern)
    attendance = _alert(world, ["attendance"], categories=["Attendance"])
    assert _told(attendance) == {world.user(r).pk for r in ("hoy", "senco", "dsl")}


def test_a_restricted_concern_alerts_nobody_outside_the_dsl_team(world: Any) -> None:
    concern = _alert(
        world,
        ["hoy", "sen", "attendance", "keyworker"],
        categories=["Domestic abuse"],
        people=[world.user("support")],
    )
    assert concern.level == "restricted"
    assert _told(concern) == {world.user("dsl").pk}
    # What the author asked for is kept for the DSL, who may share it.
    assert concern.alert_groups == ["hoy", "sen", "attendance", "keyworker"]
    assert list(concern.alerted.all()) == [world.user("support")]


def test_an_unknown_alert_group_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError):
        _alert(world, ["everyone"], categories=["Family"])
    assert not Concern.objects.exists()


# --- Defaults -----------------------------------------------------------------------------


def test_a_new_school_starts_with_the_restricted_categories(world: Any) -> None:
    school = SchoolFactory(name="Brand New Academy")
    restricted = set(
        Category.objects.filter(school=school, default_level="restricted").values_list(
            "name", flat=True
        )
    )
    assert restricted == set(RESTRICTED_CATEGORIES)
    for c in Category.objects.filter(school=school):
        assert "dsl" in c.alert_groups
    assert category(world, "Attendance").alert_groups == ["dsl", "attendance", "keyworker"]


def test_the_migration_restricts_existing_schools_categories_and_adds_missing_ones(
    world: Any,
) -> None:
    migration = importlib.import_module("safeguarding.migrations.0004_category_levels")
    Category.objects.filter(school=world.school).delete()
    for i, name in enumerate(["Prevent", "Sexual harassment", "Sexual abuse", "Bullying"]):
        Category.objects.create(school=world.school, name=name, order=i)
    migration.forwards(apps, None)
    rows = dict(Category.objects.filter(school=world.school).values_list("name", "default_level"))
    assert rows["Prevent"] == rows["Sexual harassment"] == rows["Sexual abuse"] == "restricted"
    assert rows["Bullying"] == "pastoral"
    # The missing restricted categories were added, but not a second Prevent.
    assert "Prevent / radicalisation" not in rows
    assert {"FGM", "CSE / CCE", "Honour-based abuse", "Child protection"} <= set(rows)


# --- Pages --------------------------------------------------------------------------------


def test_the_form_restricts_a_sexual_abuse_concern_left_unticked(world: Any, client: Any) -> None:
    sign_in(client, world.user("staff"), school=world.school)
    page = client.get(reverse("safeguarding:concern-new")).content.decode()
    abuse = category(world, "Sexual abuse")
    assert "Sexual abuse (DSL team only)" in page
    assert "data-people-picker" in page and 'data-alert-groups="dsl hoy"' in page
    response = client.post(
        reverse("safeguarding:concern-new"),
        {
            "learners": [world.learner9.pk],
            "occurred_at": (timezone.localtime() - dt.timedelta(hours=1)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "categories": [abuse.pk],
            "description": "Disclosed abuse by an adult at home",
            "alert_groups": ["hoy", "keyworker"],
        },
        follow=True,
    )
    assert "Only the DSL team has been told" in response.content.decode()
    concern = Concern.objects.get()
    assert concern.level == "restricted"
    url = reverse("safeguarding:concern-detail", args=[concern.pk])
    for role in CASE_ROLES:
        sign_in(client, world.user(role), school=world.school)
        assert client.get(url).status_code == 404, role
    # The DSL sees whom the author wanted told, and that they were not.
    sign_in(client, world.user("dsl"), school=world.school)
    page = client.get(url).content.decode()
    assert "Author asked to alert" in page
    assert "The learner&#x27;s head of year, Key worker(s)" in page and "(not told" in page


def test_triage_refuses_lowering_without_a_reason_beside_the_field(world: Any, client: Any) -> None:
    concern = log_concern(world, categories=["Child protection"])
    sign_in(client, world.user("dsl"), school=world.school)
    url = reverse("safeguarding:concern-triage", args=[concern.pk])
    data = {"version": concern.version, "level": "pastoral", "owner": ""}
    response = client.post(url, data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Give a reason for lowering this concern to pastoral" in body
    assert 'id="error_1_id_level_reason"' in body or "id_level_reason" in body
    concern.refresh_from_db()
    assert concern.level == "restricted"
    response = client.post(url, {**data, "level_reason": "Historic, already known to MASH"})
    assert response.status_code == 302
    page = client.get(reverse("safeguarding:concern-detail", args=[concern.pk])).content.decode()
    assert "Historic, already known to MASH" in page


def test_a_dsl_sets_a_categorys_level_and_alert_groups(world: Any, client: Any) -> None:
    sign_in(client, world.user("dsl"), school=world.school)
    bullying = category(world, "Bullying")
    page = client.get(reverse("safeguarding:categories")).content.decode()
    assert f'name="cat{bullying.pk}-default_level"' in page
    response = client.post(
        reverse("safeguarding:category-update", args=[bullying.pk]),
        {
            f"cat{bullying.pk}-default_level": "restricted",
            f"cat{bullying.pk}-alert_groups": ["sen"],
        },
    )
    assert response.status_code == 302
    bullying.refresh_from_db()
    assert (bullying.default_level, bullying.alert_groups) == ("restricted", ["dsl", "sen"])
    refused = client.post(
        reverse("safeguarding:category-update", args=[bullying.pk]),
        {f"cat{bullying.pk}-default_level": "secret"},
    )
    assert refused.status_code == 422
    assert "Select a valid choice" in refused.content.decode()
    response = client.post(
        reverse("safeguarding:categories"),
        {"name": "County lines", "default_level": "restricted"},
    )
    assert response.status_code == 302
    assert Category.objects.get(school=world.school, name="County lines").is_restricted
