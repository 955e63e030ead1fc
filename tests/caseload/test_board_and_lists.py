"""The caseload board, my caseload and the learner profile: what they show,
scope, and query counts that do not grow with the number of learners."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from caseload import selectors
from caseload.models import Need
from pastoral.models import AuditEvent
from tests.caseload.factories import (
    allocate,
    make_contact,
    make_group,
    make_plan,
    make_session,
    today,
)
from tests.conftest import sign_in
from tests.factories import ContactFactory, LearnerFactory


def _load(world: Any, worker: Any, n: int, year: Any = None) -> list[Any]:
    """n more learners on the worker's caseload, each with plans, contacts, sessions."""
    learners = [LearnerFactory(year_group=year or world.year9) for _ in range(n)]
    group = make_group(worker, learners, name=f"Group {n}")
    make_session(group, dict.fromkeys(learners, "present"))
    for x in learners:
        allocate(x, worker)
        make_plan(x, next_review=today() + dt.timedelta(days=3))
        make_plan(x, next_review=today() - dt.timedelta(days=2))
        make_contact(x, owner=worker, due_days=-1)
        ContactFactory(learner=x)
    return learners


def _count(client: Any, url: str) -> tuple[int, Any]:
    # A first request may create the audit chain head or refresh the session:
    # warm up so both measurements see the same fixed costs.
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


def test_board_aggregates_per_worker(world: Any, scope_of: Any) -> None:
    support, dsl = world.user("support"), world.user("dsl")
    # learner9 (support's, from the world): one plan overdue, one due in 5 days, one later.
    make_plan(world.learner9, next_review=today() - dt.timedelta(days=1))
    make_plan(world.learner9, next_review=today() + dt.timedelta(days=5))
    make_plan(world.learner9, next_review=today() + dt.timedelta(days=40))
    make_plan(world.learner9, status="closed", next_review=today() - dt.timedelta(days=9))
    contact = make_contact(world.learner9, days_ago=3)
    allocate(world.learner10, dsl)
    rows = {
        r["worker_id"]: r
        for r in selectors.board_workers_for(scope_of("senco"), selectors.BoardFilters())
    }
    assert rows[support.pk]["learners"] == 1
    assert rows[support.pk]["open_plans"] == 3
    assert rows[support.pk]["reviews_overdue"] == 1
    assert rows[support.pk]["reviews_soon"] == 1
    assert rows[support.pk]["last_contact"] == contact.when
    assert rows[dsl.pk]["learners"] == 1 and rows[dsl.pk]["open_plans"] == 0
    # A head of year sees only their years' learners on the board.
    hoy_rows = selectors.board_workers_for(scope_of("hoy"), selectors.BoardFilters())
    assert [r["worker_id"] for r in hoy_rows] == [support.pk]


def test_board_rag_and_filters(world: Any, scope_of: Any) -> None:
    make_plan(world.learner9, next_review=today() - dt.timedelta(days=1))
    quiet = LearnerFactory(year_group=world.year10)
    allocate(quiet, world.user("dsl"))
    make_plan(quiet, next_review=today() + dt.timedelta(days=40))
    make_contact(quiet, days_ago=1)
    need = Need.objects.create(school=world.school, name="Mental health")
    quiet.plans.get().needs.add(need)
    board = selectors.decorate(
        list(selectors.board_learners_for(scope_of("senco"), selectors.BoardFilters()))
    )
    by_pk = {x.pk: x for x in board}
    assert by_pk[world.learner9.pk].rag == "red"
    assert by_pk[world.learner9.pk].next_step.startswith("Plan review overdue")
    assert by_pk[quiet.pk].rag == "green"
    assert board[0].pk == world.learner9.pk  # most urgent first
    only_need = selectors.board_learners_for(
        scope_of("senco"), selectors.BoardFilters(need=need.pk)
    )
    assert list(only_need) == [quiet]
    only_year = selectors.board_learners_for(
        scope_of("senco"), selectors.BoardFilters(year=world.year9.pk)
    )
    assert list(only_year) == [world.learner9]
    only_worker = selectors.board_learners_for(
        scope_of("senco"), selectors.BoardFilters(worker=world.user("dsl").pk)
    )
    assert list(only_worker) == [quiet]


def test_my_caseload_is_sorted_by_urgency(world: Any, scope_of: Any) -> None:
    support = world.user("support")
    fine, soon = LearnerFactory(year_group=world.year9), LearnerFactory(year_group=world.year9)
    for x in (fine, soon):
        allocate(x, support, kind="supporting")
        make_contact(x, days_ago=2)
    make_plan(fine, next_review=today() + dt.timedelta(days=50))
    make_plan(soon, next_review=today() + dt.timedelta(days=4))
    make_plan(world.learner9, next_review=today() - dt.timedelta(days=3))
    rows = selectors.decorate(list(selectors.my_caseload_for(scope_of("support"))))
    assert [x.pk for x in rows] == [world.learner9.pk, soon.pk, fine.pk]
    assert [x.rag for x in rows] == ["red", "amber", "green"]
    assert rows[1].next_step.startswith("Plan review due")


def test_the_board_answers_in_a_constant_number_of_queries(world: Any, client: Any) -> None:
    sign_in(client, world.user("senco"), school=world.school)
    _load(world, world.user("support"), 2)
    small, _ = _count(client, "/caseload/board/")
    _load(world, world.user("dsl"), 8, year=world.year10)
    large, response = _count(client, "/caseload/board/")
    assert small == large
    assert "Kim Keyworker" in response.content.decode()


def test_the_board_selectors_are_pinned(
    world: Any, scope_of: Any, django_assert_num_queries: Any
) -> None:
    for n in (2, 7):
        _load(world, world.user("dsl"), n, year=world.year10)
        scope = scope_of("senco")
        # One query for the page of learners (with every annotation), one for the
        # per-worker summary, whatever the number of learners, plans and contacts.
        with django_assert_num_queries(2):
            rows = list(selectors.board_learners_for(scope, selectors.BoardFilters())[:25])
            selectors.decorate(rows)
            selectors.board_workers_for(scope, selectors.BoardFilters())


def test_my_caseload_answers_in_a_constant_number_of_queries(world: Any, client: Any) -> None:
    sign_in(client, world.user("support"), school=world.school)
    _load(world, world.user("support"), 2)
    small, _ = _count(client, "/caseload/")
    _load(world, world.user("support"), 9)
    large, response = _count(client, "/caseload/")
    assert small == large
    assert response.content.decode().count('href="/caseload/learners/') == 12


def test_the_profile_answers_in_a_constant_number_of_queries(world: Any, client: Any) -> None:
    support = world.user("support")
    sign_in(client, support, school=world.school)
    make_plan(world.learner9)
    make_contact(world.learner9, owner=support)
    ContactFactory(learner=world.learner9)
    url = f"/caseload/learners/{world.learner9.pk}/"
    small, _ = _count(client, url)
    for i in range(6):
        make_plan(world.learner9, targets=3)
        make_contact(world.learner9, days_ago=i, owner=support)
        ContactFactory(learner=world.learner9, name=f"Carer {i}")
        make_session(
            make_group(support, [world.learner9], name=f"G{i}"), {world.learner9: "absent"}
        )
    large, response = _count(client, url)
    assert small == large
    html = response.content.decode()
    assert "Kim Keyworker" in html and "Carer 5" in html


def test_the_profile_selector_is_pinned(
    world: Any, scope_of: Any, django_assert_num_queries: Any
) -> None:
    support = world.user("support")
    for i in range(3):
        make_plan(world.learner9, targets=3)
        make_contact(world.learner9, days_ago=i, owner=support)
        ContactFactory(learner=world.learner9, name=f"Carer {i}")
        make_session(
            make_group(support, [world.learner9], name=f"G{i}"), {world.learner9: "present"}
        )
        scope = scope_of("support")
        with django_assert_num_queries(PROFILE_QUERIES):
            profile = selectors.learner_profile_for(scope, world.learner9.pk)
        assert len(profile.plans) == i + 1


def test_my_caseload_selector_is_pinned(
    world: Any, scope_of: Any, django_assert_num_queries: Any
) -> None:
    for n in (1, 6):
        _load(world, world.user("support"), n)
        scope = scope_of("support")
        with django_assert_num_queries(1):
            rows = selectors.decorate(list(selectors.my_caseload_for(scope)[:25]))
        assert rows


def test_viewing_the_profile_is_audited(world: Any, client: Any) -> None:
    sign_in(client, world.user("hoy"), school=world.school)
    client.get(f"/caseload/learners/{world.learner9.pk}/")
    event = AuditEvent.objects.get(action="caseload.learner.viewed")
    assert event.actor == world.user("hoy") and event.learner_id == world.learner9.pk


def test_the_profile_merges_a_timeline(world: Any, client: Any) -> None:
    support = world.user("support")
    make_plan(world.learner9)
    entry = make_contact(world.learner9, days_ago=2)
    entry.summary = "Spoke to <script>alert(1)</script> mum"
    entry.save()
    sign_in(client, support, school=world.school)
    html = client.get(f"/caseload/learners/{world.learner9.pk}/").content.decode()
    assert "Timeline" in html
    assert "Plan created (version 1)" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html


def test_a_support_officer_cannot_open_a_learner_outside_their_caseload(
    world: Any, client: Any
) -> None:
    sign_in(client, world.user("support"), school=world.school)
    assert client.get(f"/caseload/learners/{world.learner10.pk}/").status_code == 404
    assert client.get(f"/caseload/learners/{world.other_learner.pk}/").status_code == 404


def test_the_directory_card_links_to_the_profile_when_in_scope(world: Any, client: Any) -> None:
    sign_in(client, world.user("support"), school=world.school)
    card9 = client.get(f"/learners/{world.learner9.pk}/").content.decode()
    card10 = client.get(f"/learners/{world.learner10.pk}/").content.decode()
    assert f'href="/caseload/learners/{world.learner9.pk}/"' in card9
    assert "/caseload/learners/" not in card10


# Learner (scoped, casework annotations, allocate right) 1, key workers 1, open plans
# with target counts 1, sessions 1, contacts 1, open actions 1, parents 1 (and their
# restrictions 1), plan
# versions 1; attendance summary 2; the safeguarding stream (also the concerns
# section), attendance stream and imported entries: the rest. Was 25.
PROFILE_QUERIES = 19
