"""Half-termly review reminders: to the placement's owner, once per half term."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from pastoral.models import AcademicYear, Closure, Term
from pastoral.notifications import registry, services
from pastoral.notifications.models import Notification
from provision.halfterms import half_terms
from provision.models import Review
from provision.reminders import placement_reviews_due
from tests.provision.factories import make_placement, make_provider

DAYS = dt.timedelta(days=1)


def _calendar(world: Any, today: dt.date) -> tuple[dt.date, dt.date]:
    """A term around today with a week's holiday starting a week from today:
    the current half term ends the day before it."""
    year = AcademicYear.objects.create(
        school=world.school,
        name="test",
        start=today - 100 * DAYS,
        end=today + 200 * DAYS,
    )
    Term.objects.create(
        academic_year=year, name="Term", start=today - 40 * DAYS, end=today + 60 * DAYS
    )
    holiday = today + 7 * DAYS
    for i in range(7):
        Closure.objects.create(
            school=world.school, date=holiday + i * DAYS, kind=Closure.Kind.HOLIDAY
        )
    return today - 40 * DAYS, holiday - DAYS


def test_half_terms_split_a_term_at_its_holiday(world: Any) -> None:
    today = timezone.localdate()
    first, last = _calendar(world, today)
    periods = half_terms(world.school, today - 100 * DAYS, today + 100 * DAYS)
    assert periods == [(first, last), (today + 14 * DAYS, today + 60 * DAYS)]


def test_the_kind_is_registered() -> None:
    assert registry.get_kind("provision.placement_review_due") is not None


def test_the_owner_hears_once_until_a_review_is_recorded(world: Any) -> None:
    today = timezone.localdate()
    _first, last = _calendar(world, today)
    owner = world.user("hoy")
    provider = make_provider(world.school, recorded_by=owner)
    placement = make_placement(world.learner9, provider, owner, start=today - 30 * DAYS)
    dues = list(placement_reviews_due(world.school, today))
    assert [(d.recipient_id, d.object_id, d.due_date) for d in dues] == [
        (owner.pk, placement.pk, last)
    ]
    assert world.learner9.legal_last_name not in dues[0].title
    services.reminders_run(today=today)
    services.reminders_run(today=today)
    assert (
        Notification.objects.filter(recipient=owner, kind="provision.placement_review_due").count()
        == 1
    )
    Review.objects.create(placement=placement, date=today, notes="ok", recorded_by=owner)
    assert list(placement_reviews_due(world.school, today)) == []


def test_drafts_ended_and_newly_started_placements_are_not_due(world: Any) -> None:
    today = timezone.localdate()
    _calendar(world, today)
    owner = world.user("senco")
    provider = make_provider(world.school, recorded_by=owner)
    make_placement(world.learner9, provider, owner, status="draft", start=today - 30 * DAYS)
    make_placement(world.learner9, provider, owner, status="ended", start=today - 30 * DAYS)
    # Started a few days before the half term ends: first reviewed next half term.
    make_placement(world.learner10, provider, owner, start=today - 2 * DAYS)
    assert list(placement_reviews_due(world.school, today)) == []


def test_without_term_dates_reviews_fall_every_six_weeks(world: Any) -> None:
    today = timezone.localdate()
    owner = world.user("senco")
    provider = make_provider(world.school, recorded_by=owner)
    placement = make_placement(world.learner9, provider, owner, start=today - 40 * DAYS)
    dues = list(placement_reviews_due(world.school, today))
    assert [(d.object_id, d.due_date) for d in dues] == [
        (placement.pk, placement.start + 42 * DAYS - DAYS)
    ]


@pytest.mark.parametrize("count", [1, 8])
def test_finding_them_costs_the_same_queries_for_any_number(
    world: Any, django_assert_num_queries: Any, count: int
) -> None:
    today = timezone.localdate()
    _calendar(world, today)
    owner = world.user("senco")
    provider = make_provider(world.school, recorded_by=owner)
    for _ in range(count):
        make_placement(world.learner9, provider, owner, start=today - 30 * DAYS)
    # placements, terms, holidays, reviews, one calendar load for the notice period
    with django_assert_num_queries(5):
        dues = list(placement_reviews_due(world.school, today))
    assert len(dues) == count
