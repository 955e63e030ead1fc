"""Providers, confirmations, placements, reviews and reports through the services, with bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from pastoral.access import scope_for
from pastoral.models import AuditEvent
from provision import selectors, services
from provision.models import Confirmation, Placement, Provider, Report
from tests.provision.factories import PDF, make_placement, make_provider

DAYS = dt.timedelta(days=1)


def scope_of(world: Any, role: str) -> Any:
    return scope_for(world.user(role), world.school)


def _provider_values(**overrides: Any) -> dict[str, Any]:
    values = {
        "name": "Hillside Farm School",
        "registration": Provider.Registration.AP,
        "urn": "143210",
        "ukprn": "",
        "address": "",
        "contact_name": "",
        "phone": "01632 960999",
        "email": "",
    }
    values.update(overrides)
    return values


def _placement_values(provider: Provider, **overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "provider": provider,
        "start": today,
        "end": today + 40 * DAYS,
        "sessions": ["MON-AM", "TUE-PM"],
        "times": "",
        "reason": Placement.Reason.HEALTH,
        "reason_detail": "Medical needs: small-group provision.",
        "cost": None,
    }
    values.update(overrides)
    return values


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"urn": "12345"}, "urn"),
        ({"urn": "12345a"}, "urn"),
        ({"ukprn": "20012345"}, "ukprn"),
        ({"ukprn": "1001234"}, "ukprn"),
        ({"urn": "", "registration": Provider.Registration.INDEPENDENT}, "urn"),
        ({"phone": ""}, "phone"),
    ],
)
def test_a_provider_with_bad_references_is_refused_beside_the_field(
    world: Any, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.provider_create(
            scope=scope_of(world, "admin"), values=_provider_values(**overrides)
        )
    assert field in caught.value.message_dict
    assert not Provider.objects.exists()


def test_an_unregistered_provider_needs_no_urn_and_the_write_is_audited(world: Any) -> None:
    provider = services.provider_create(
        scope=scope_of(world, "dsl"),
        values=_provider_values(
            registration=Provider.Registration.UNREGISTERED, urn="", ukprn=" 10012345 "
        ),
    )
    assert provider.ukprn == "10012345"
    event = AuditEvent.objects.get(action="provision.provider.created")
    assert event.actor == world.user("dsl") and event.changes["ukprn"] == "10012345"


@pytest.mark.parametrize("role", ["staff", "support", "hoy", "senco"])
def test_only_the_admin_and_dsl_keep_the_directory(world: Any, role: str) -> None:
    with pytest.raises(Http404):
        services.provider_create(scope=scope_of(world, role), values=_provider_values())


def test_a_confirmation_that_expires_before_it_was_given_or_is_dated_ahead_is_refused(
    world: Any,
) -> None:
    provider = make_provider(world.school, confirmed="missing")
    today = timezone.localdate()
    scope = scope_of(world, "admin")
    with pytest.raises(ValidationError) as caught:
        services.confirmation_record(
            scope=scope,
            provider=provider,
            confirmed_by="Jo",
            confirmed_on=today,
            expires_on=today - DAYS,
        )
    assert "expires_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.confirmation_record(
            scope=scope,
            provider=provider,
            confirmed_by="Jo",
            confirmed_on=today + DAYS,
            expires_on=today + 300 * DAYS,
        )
    assert "confirmed_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.confirmation_record(
            scope=scope,
            provider=provider,
            confirmed_by="  ",
            confirmed_on=today,
            expires_on=today + 300 * DAYS,
        )
    assert "confirmed_by" in caught.value.message_dict
    assert not Confirmation.objects.exists()


def test_a_letter_that_is_not_what_its_name_says_is_refused_and_nothing_is_kept(
    world: Any,
) -> None:
    provider = make_provider(world.school, confirmed="missing")
    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        services.confirmation_record(
            scope=scope_of(world, "admin"),
            provider=provider,
            confirmed_by="Jo",
            confirmed_on=today,
            expires_on=today + 300 * DAYS,
            letter=SimpleUploadedFile("letter.pdf", b"#!/bin/sh\necho hello\n"),
        )
    assert "letter" in caught.value.message_dict
    assert not Confirmation.objects.exists()


def test_the_scanned_letter_is_stored_privately_and_its_download_is_audited(world: Any) -> None:
    provider = make_provider(world.school, confirmed="missing")
    today = timezone.localdate()
    confirmation = services.confirmation_record(
        scope=scope_of(world, "admin"),
        provider=provider,
        confirmed_by="Jo Rivers, manager",
        confirmed_on=today,
        expires_on=today + 300 * DAYS,
        letter=SimpleUploadedFile("signed letter.pdf", PDF),
    )
    assert confirmation.letter_type == "application/pdf"
    scope = scope_of(world, "hoy")
    handle = services.confirmation_letter_open(
        scope=scope, confirmation=selectors.confirmation_or_404(scope, confirmation.pk)
    )
    assert handle.read() == PDF
    assert AuditEvent.objects.filter(
        action="provision.confirmation.downloaded", actor=world.user("hoy")
    ).exists()


def test_a_placement_with_a_provider_without_confirmation_is_saved_as_draft_but_not_started(
    world: Any,
) -> None:
    provider = make_provider(world.school, confirmed="missing")
    scope = scope_of(world, "hoy")
    with pytest.raises(ValidationError) as caught:
        services.placement_create(
            scope=scope, learner=world.learner9, values=_placement_values(provider), start=True
        )
    assert (
        "no written confirmation of safer-recruitment checks"
        in caught.value.message_dict["provider"][0]
    )
    assert not Placement.objects.exists()

    placement = services.placement_create(
        scope=scope, learner=world.learner9, values=_placement_values(provider)
    )
    assert placement.status == Placement.Status.DRAFT
    with pytest.raises(ValidationError) as caught:
        services.placement_start(
            scope=scope, placement=selectors.placement_or_404(scope, placement.pk)
        )
    assert "provider" in caught.value.message_dict
    placement.refresh_from_db()
    assert placement.status == Placement.Status.DRAFT

    today = timezone.localdate()
    services.confirmation_record(
        scope=scope_of(world, "dsl"),
        provider=provider,
        confirmed_by="Jo Rivers",
        confirmed_on=today,
        expires_on=today + 365 * DAYS,
    )
    services.placement_start(scope=scope, placement=selectors.placement_or_404(scope, placement.pk))
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE
    actions = list(
        AuditEvent.objects.filter(action__startswith="provision.placement").values_list(
            "action", "learner_id"
        )
    )
    assert ("provision.placement.started", world.learner9.pk) in actions


def test_an_expired_confirmation_refuses_the_start_and_says_when_it_expired(world: Any) -> None:
    provider = make_provider(world.school, confirmed="expired")
    scope = scope_of(world, "senco")
    placement = make_placement(world.learner10, provider, world.user("senco"), status="draft")
    with pytest.raises(ValidationError) as caught:
        services.placement_start(
            scope=scope, placement=selectors.placement_or_404(scope, placement.pk)
        )
    assert "expired on" in caught.value.message_dict["provider"][0]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end": timezone.localdate() - 3 * DAYS}, "end"),
        ({"sessions": []}, "sessions"),
        ({"sessions": ["SAT-AM"]}, "sessions"),
        ({"reason_detail": "  "}, "reason_detail"),
        ({"cost": -5}, "cost"),
    ],
)
def test_a_placement_with_bad_input_is_refused_beside_the_field(
    world: Any, overrides: dict[str, Any], field: str
) -> None:
    provider = make_provider(world.school)
    with pytest.raises(ValidationError) as caught:
        services.placement_create(
            scope=scope_of(world, "support"),
            learner=world.learner9,
            values=_placement_values(provider, **overrides),
        )
    assert field in caught.value.message_dict


def test_another_schools_provider_is_refused(world: Any) -> None:
    theirs = make_provider(world.other_school, "Their Centre")
    with pytest.raises(ValidationError) as caught:
        services.placement_create(
            scope=scope_of(world, "dsl"),
            learner=world.learner9,
            values=_placement_values(theirs),
        )
    assert "provider" in caught.value.message_dict


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_the_admin_cannot_place_a_learner(world: Any, role: str) -> None:
    provider = make_provider(world.school)
    with pytest.raises(Http404):
        services.placement_create(
            scope=scope_of(world, role), learner=world.learner9, values=_placement_values(provider)
        )


def test_a_support_officer_cannot_place_a_learner_off_their_caseload(world: Any) -> None:
    provider = make_provider(world.school)
    with pytest.raises(Http404):
        services.placement_create(
            scope=scope_of(world, "support"),
            learner=world.learner10,
            values=_placement_values(provider),
        )


def test_provider_reports_refuse_the_future_days_outside_the_placement_and_drafts(
    world: Any,
) -> None:
    provider = make_provider(world.school)
    senco = world.user("senco")
    scope = scope_of(world, "senco")
    today = timezone.localdate()
    placement = make_placement(world.learner9, provider, senco, start=today - 10 * DAYS)
    for day in (today + DAYS, today - 11 * DAYS):
        with pytest.raises(ValidationError) as caught:
            services.report_record(
                scope=scope,
                placement=placement,
                values={"date": day, "session": "AM", "outcome": "attended"},
            )
        assert "date" in caught.value.message_dict
    draft = make_placement(world.learner9, provider, senco, status="draft")
    with pytest.raises(ValidationError):
        services.report_record(
            scope=scope,
            placement=draft,
            values={"date": today, "session": "AM", "outcome": "absent"},
        )
    with pytest.raises(ValidationError) as caught:
        services.report_record(
            scope=scope, placement=placement, values={"date": today, "session": "AM", "outcome": ""}
        )
    assert "outcome" in caught.value.message_dict


def test_reporting_a_session_again_corrects_it(world: Any) -> None:
    provider = make_provider(world.school)
    scope = scope_of(world, "senco")
    placement = make_placement(world.learner9, provider, world.user("senco"))
    today = timezone.localdate()
    for outcome in ("absent", "late"):
        services.report_record(
            scope=scope,
            placement=placement,
            values={"date": today, "session": "PM", "outcome": outcome, "note": "bus"},
        )
    assert list(Report.objects.values_list("outcome", flat=True)) == ["late"]
    last = AuditEvent.objects.filter(action="provision.report.recorded").order_by("-pk").first()
    assert last is not None and last.changes["outcome"] == {"from": "absent", "to": "late"}


def test_ending_needs_a_reason_and_a_day_inside_the_placement(world: Any) -> None:
    provider = make_provider(world.school)
    scope = scope_of(world, "dsl")
    placement = make_placement(world.learner9, provider, world.user("dsl"))
    with pytest.raises(ValidationError) as caught:
        services.placement_end(scope=scope, placement=placement, on=placement.end + DAYS, reason="")
    assert set(caught.value.message_dict) == {"on", "reason"}
    services.placement_end(
        scope=scope, placement=placement, on=timezone.localdate(), reason="Back full time."
    )
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ENDED and placement.last_day == timezone.localdate()


def test_a_review_cannot_be_dated_ahead_or_before_the_placement(world: Any) -> None:
    provider = make_provider(world.school)
    scope = scope_of(world, "dsl")
    placement = make_placement(world.learner9, provider, world.user("dsl"))
    today = timezone.localdate()
    for day in (today + DAYS, placement.start - DAYS):
        with pytest.raises(ValidationError) as caught:
            services.review_record(
                scope=scope, placement=placement, values={"date": day, "notes": "ok"}
            )
        assert "date" in caught.value.message_dict
    review = services.review_record(
        scope=scope, placement=placement, values={"date": today, "notes": "Going well."}
    )
    assert review.recorded_by == world.user("dsl")
