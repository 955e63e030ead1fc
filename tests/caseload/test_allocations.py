"""Allocating learners, ending allocations and bulk reallocation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from caseload import services
from caseload.models import Allocation
from pastoral.models import AuditEvent
from tests.caseload.factories import allocate, today
from tests.conftest import sign_in
from tests.factories import LearnerFactory


def test_it_allocates_and_audits(world: Any, scope_of: Any) -> None:
    allocation = services.allocation_create(
        scope=scope_of("senco"),
        learner=world.learner10,
        worker=world.user("support"),
        kind="lead",
        reason="Low attendance",
        start=today(),
    )
    assert allocation.worker == world.user("support")
    event = AuditEvent.objects.filter(action="caseload.allocation.created").get()
    assert event.learner_id == world.learner10.pk
    # The support officer's scope now reaches learner10.
    assert Allocation.objects.current().filter(worker=world.user("support")).count() == 2


def test_it_refuses_an_overlapping_lead_with_a_message_on_start(world: Any, scope_of: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        services.allocation_create(
            scope=scope_of("senco"),
            learner=world.learner9,
            worker=world.user("dsl"),
            kind="lead",
            reason="second lead",
            start=today() + dt.timedelta(days=5),
        )
    assert "Kim Keyworker is already the lead key worker" in raised.value.message_dict["start"][0]
    # A supporting worker alongside the lead is fine.
    services.allocation_create(
        scope=scope_of("senco"),
        learner=world.learner9,
        worker=world.user("dsl"),
        kind="supporting",
        reason="Family work",
        start=today(),
    )


def test_it_allows_a_new_lead_after_the_old_one_ends(world: Any, scope_of: Any) -> None:
    old = Allocation.objects.get(learner=world.learner9)
    services.allocation_end(scope=scope_of("senco"), allocation=old, end=today(), reason="Leaving")
    services.allocation_create(
        scope=scope_of("senco"),
        learner=world.learner9,
        worker=world.user("dsl"),
        kind="lead",
        reason="Takes over",
        start=today() + dt.timedelta(days=1),
    )
    assert Allocation.objects.filter(learner=world.learner9).count() == 2  # history kept


def test_a_head_of_year_allocates_only_within_their_years(world: Any, scope_of: Any) -> None:
    with pytest.raises(Http404):
        services.allocation_create(
            scope=scope_of("hoy"),
            learner=world.learner10,
            worker=world.user("support"),
            kind="lead",
            reason="x",
            start=today(),
        )


def test_the_form_shows_the_overlap_beside_the_start_field(world: Any, client: Any) -> None:
    sign_in(client, world.user("senco"), school=world.school)
    response = client.post(
        "/caseload/allocations/new/",
        {
            "learner": world.learner9.pk,
            "worker": world.user("dsl").pk,
            "kind": "lead",
            "reason": "again",
            "start": today().isoformat(),
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="error_1_id_start"' in html
    assert "already the lead key worker" in html


def test_bulk_reallocation_moves_everyone_in_one_step(world: Any, scope_of: Any) -> None:
    support, dsl = world.user("support"), world.user("dsl")
    extra = LearnerFactory(year_group=world.year10)
    allocate(extra, support, kind="supporting")
    moved = services.allocations_reallocate(
        scope=scope_of("senco"),
        from_worker=support,
        to_worker=dsl,
        learner_ids=[world.learner9.pk, extra.pk],
        start=today(),
        reason="Kim is leaving",
    )
    assert {(a.learner_id, a.kind) for a in moved} == {
        (world.learner9.pk, "lead"),
        (extra.pk, "supporting"),
    }
    assert not Allocation.objects.current().filter(worker=support).exists()
    ended = Allocation.objects.filter(worker=support)
    assert {a.end for a in ended} == {today() - dt.timedelta(days=1)}
    assert AuditEvent.objects.filter(action="caseload.allocation.reallocated").count() == 2


def test_bulk_reallocation_is_all_or_nothing(world: Any, scope_of: Any) -> None:
    """One learner that cannot move (their allocation starts today) stops the whole move."""
    support, dsl = world.user("support"), world.user("dsl")
    fresh = LearnerFactory(year_group=world.year10)
    Allocation.objects.create(
        school=world.school, learner=fresh, worker=support, kind="lead", reason="new", start=today()
    )
    with pytest.raises(ValidationError) as raised:
        services.allocations_reallocate(
            scope=scope_of("senco"),
            from_worker=support,
            to_worker=dsl,
            learner_ids=[world.learner9.pk, fresh.pk],
            start=today(),
            reason="Kim is leaving",
        )
    assert "choose a later date" in raised.value.message_dict["start"][0]
    # learner9 was processed first in the loop but nothing was kept.
    assert Allocation.objects.current().filter(worker=support).count() == 2
    assert not Allocation.objects.filter(worker=dsl).exists()
    assert Allocation.objects.get(learner=world.learner9).end is None
    assert not AuditEvent.objects.filter(action="caseload.allocation.reallocated").exists()


def test_bulk_reallocation_of_a_learner_outside_hoy_years_is_404(world: Any, scope_of: Any) -> None:
    allocate(world.learner10, world.user("support"), kind="supporting")
    with pytest.raises(Http404):
        services.allocations_reallocate(
            scope=scope_of("hoy"),
            from_worker=world.user("support"),
            to_worker=world.user("dsl"),
            learner_ids=[world.learner9.pk, world.learner10.pk],
            start=today(),
            reason="x",
        )
    assert Allocation.objects.get(learner=world.learner9).end is None


def test_the_board_reallocates_a_whole_caseload(world: Any, client: Any) -> None:
    sign_in(client, world.user("senco"), school=world.school)
    response = client.post(
        "/caseload/board/reallocate/",
        {
            "from_worker": world.user("support").pk,
            "to_worker": world.user("dsl").pk,
            "start": today().isoformat(),
            "reason": "Maternity leave",
            "all_of_worker": "on",
        },
    )
    assert response.status_code == 302
    assert Allocation.objects.current().get(learner=world.learner9).worker == world.user("dsl")
