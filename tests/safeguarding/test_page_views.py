"""A page view is audited once, on success only; a refused form answers 422 and
is not a view; a GET writes nothing (the categories exist before the first page)."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from pastoral.models import AuditEvent
from safeguarding import selectors, services
from safeguarding.models import DEFAULT_CATEGORIES, RESTRICTED_CATEGORIES, Category
from tests.conftest import sign_in
from tests.factories import SchoolFactory
from tests.safeguarding.helpers import EXE_BYTES, log_concern, pdf, scope_of

VIEWED = "safeguarding.concern.viewed"


def _views(concern: Any) -> int:
    return AuditEvent.objects.filter(action=VIEWED, object_id=str(concern.pk)).count()


def test_the_concern_page_records_one_view_per_learner(world: Any, client: Any) -> None:
    concern = log_concern(world, learners=[world.learner9, world.learner10])
    sign_in(client, world.user("dsl"), school=world.school)
    assert client.get(reverse("safeguarding:concern-detail", args=[concern.pk])).status_code == 200
    events = AuditEvent.objects.filter(action=VIEWED, object_id=str(concern.pk))
    assert sorted(e.learner_id for e in events) == sorted([world.learner9.pk, world.learner10.pk])
    assert {e.changes["view"] for e in events} == {"full"}


@pytest.mark.parametrize(
    "data",
    [
        {"text": ""},  # refused by the form
        {"text": "See attached", "attachments": [pdf("notes.pdf", EXE_BYTES)]},  # by the service
    ],
)
def test_an_invalid_follow_up_answers_422_and_records_no_view(
    world: Any, client: Any, data: dict[str, Any]
) -> None:
    concern = log_concern(world)
    sign_in(client, world.user("staff"), school=world.school)
    response = client.post(reverse("safeguarding:concern-follow-up", args=[concern.pk]), data)
    assert response.status_code == 422
    assert response.context["follow_up_form"].errors
    assert _views(concern) == 0
    assert not concern.entries.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"corrects": "original", "text": "Tuesday", "reason": ""}, "Say why it needs correcting."),
        ({"corrects": "999", "text": "Tuesday", "reason": "x"}, "Choose something you wrote."),
    ],
)
def test_an_invalid_correction_answers_422_and_records_no_view(
    world: Any, client: Any, data: dict[str, str], message: str
) -> None:
    concern = log_concern(world)
    sign_in(client, world.user("staff"), school=world.school)
    response = client.post(reverse("safeguarding:concern-correct", args=[concern.pk]), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert _views(concern) == 0
    assert not concern.entries.exists()


def test_an_invalid_triage_answers_422_and_records_no_view(world: Any, client: Any) -> None:
    concern = log_concern(world)
    sign_in(client, world.user("dsl"), school=world.school)
    url = reverse("safeguarding:concern-triage", args=[concern.pk])
    assert client.get(url).status_code == 200
    assert _views(concern) == 1
    response = client.post(url, {"version": concern.version, "level": "secret"})
    assert response.status_code == 422
    assert _views(concern) == 1


def test_a_new_school_has_the_default_categories(world: Any) -> None:
    school = SchoolFactory(name="Brand New Academy")
    names = list(Category.objects.filter(school=school).values_list("name", flat=True))
    assert names == DEFAULT_CATEGORIES


def test_the_concern_form_offers_the_categories_and_a_get_writes_nothing(
    world: Any, client: Any
) -> None:
    sign_in(client, world.user("dsl"), school=world.school)
    before = Category.objects.count()
    page = client.get(reverse("safeguarding:concern-new"))
    assert [name for _pk, name in page.context["form"].fields["categories"].choices] == [
        f"{name} (DSL team only)" if name in RESTRICTED_CATEGORIES else name
        for name in DEFAULT_CATEGORIES
    ]
    Category.objects.filter(school=world.school).delete()
    for name in ("safeguarding:concern-new", "safeguarding:categories"):
        assert client.get(reverse(name)).status_code == 200
    assert Category.objects.count() == before - len(DEFAULT_CATEGORIES)


def test_the_migration_gives_schools_without_categories_the_defaults(world: Any) -> None:
    migration = importlib.import_module("safeguarding.migrations.0003_default_categories")
    Category.objects.filter(school=world.school).delete()
    Category.objects.create(school=world.school, name="County lines")  # the school's own list
    Category.objects.filter(school=world.other_school).delete()
    migration.add_defaults(apps, None)
    own = Category.objects.filter(school=world.school).values_list("name", flat=True)
    assert list(own) == ["County lines"]
    made = Category.objects.filter(school=world.other_school).values_list("name", flat=True)
    assert list(made) == migration.DEFAULT_CATEGORIES


def test_a_refused_outcome_or_investigation_answers_422_and_records_no_view(
    world: Any, client: Any
) -> None:
    concern = log_concern(world)
    dsl = scope_of(world, "dsl")
    action = services.action_record(
        scope=dsl,
        concern=selectors.concern_for(dsl, concern.pk),
        kind="parent",
        details="Rang mum",
        outcome="",
        taken_on=timezone.localdate(),
        follow_up_due=timezone.localdate() + dt.timedelta(days=3),
    )
    sign_in(client, world.user("dsl"), school=world.school)
    outcome = client.post(reverse("safeguarding:action-outcome", args=[action.pk]), {})
    assert outcome.status_code == 422 and "Write the outcome." in outcome.content.decode()
    investigation = client.post(
        reverse("safeguarding:investigation-new", args=[concern.pk]), {"title": ""}
    )
    assert investigation.status_code == 422
    assert investigation.context["investigation_form"].errors
    assert _views(concern) == 0
