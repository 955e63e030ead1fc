"""Learner search and the learner list: scope, name order, UPN, pinned query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pastoral import selectors
from pastoral import views as core_views
from pastoral.access import scope_for
from tests.conftest import World, sign_in
from tests.factories import LearnerFactory

HX = {"HTTP_HX_REQUEST": "true"}


def names(learners: list[Any]) -> set[str]:
    return {f"{learner.legal_first_name} {learner.legal_last_name}" for learner in learners}


@pytest.mark.parametrize("query", ["nina nine", "Nine Nina", "NIN", "  nina   ", "nine"])
def test_search_finds_a_name_in_any_order_and_case(world: World, query: str) -> None:
    scope = scope_for(world.user("staff"), world.school)
    assert names(selectors.learner_search_for(scope, query)) == {"Nina Nine"}


def test_search_finds_the_preferred_name(world: World) -> None:
    world.learner10.preferred_first_name = "Tessa"
    world.learner10.save()
    scope = scope_for(world.user("staff"), world.school)
    assert names(selectors.learner_search_for(scope, "tessa ten")) == {"Tess Ten"}


def test_search_finds_a_upn_exactly(world: World) -> None:
    scope = scope_for(world.user("staff"), world.school)
    found = selectors.learner_search_for(scope, world.learner10.upn.lower())
    assert [learner.pk for learner in found] == [world.learner10.pk]


def test_search_never_returns_a_learner_of_another_school(world: World) -> None:
    for role in ("staff", "dsl", "admin"):
        scope = scope_for(world.user(role), world.school)
        assert selectors.learner_search_for(scope, "oscar") == []
        assert selectors.learner_search_for(scope, world.other_learner.upn) == []
    # ...nor to someone of no school at all.
    assert selectors.learner_search_for(None, "nina") == []


def test_quick_search_fragment_lists_only_own_school(client: Client, world: World) -> None:
    sign_in(client, world.user("dsl"), school=world.school)
    html = client.get(reverse("pastoral:learner-search"), {"q": "o"}, **HX).content.decode()
    assert "Other" not in html
    html = client.get(reverse("pastoral:learner-search"), {"q": "nine"}, **HX).content.decode()
    assert "Nine" in html


def test_the_list_filter_searches_names_in_any_order(client: Client, world: World) -> None:
    sign_in(client, world.user("staff"), school=world.school)
    html = client.get(reverse("pastoral:learner-list"), {"q": "ten tess"}).content.decode()
    assert "Ten, Tess" in html and "Nine, Nina" not in html and "Other" not in html


# Session, user, device, memberships with their schools, the page's count and rows, the
# filter's year and reg-group choices. (The session row is rewritten only on the first
# request and then at most every SEEN_RESOLUTION seconds, not on every page.)
LIST_QUERIES = 6


@pytest.mark.parametrize(("learners", "page_size"), [(3, 50), (60, 7)])
def test_the_learner_list_query_count_is_pinned(
    client: Client,
    world: World,
    django_assert_num_queries: Any,
    monkeypatch: pytest.MonkeyPatch,
    learners: int,
    page_size: int,
) -> None:
    LearnerFactory.create_batch(learners, year_group=world.year9)
    monkeypatch.setattr(core_views, "PAGE_SIZE", page_size)
    sign_in(client, world.user("senco"), school=world.school)
    client.get(reverse("home"))  # the first request of a session records its start
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("pastoral:learner-list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(page_size, learners + 2)
    # A chosen year group is looked up once to validate the filter.
    with django_assert_num_queries(LIST_QUERIES + 1):
        client.get(reverse("pastoral:learner-list"), {"page": 2, "year_group": world.year9.pk})
