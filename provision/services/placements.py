"""Writes to placements, their reviews and the provider's attendance reports.

The case roles, for the learners in their case scope; the placement and the
learner come from the scoped selectors (provision/selectors) or
learner_or_404, so a service never fetches them again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from pastoral import audit
from pastoral.access import Scope, learner_filter
from pastoral.models import Learner
from provision.access import PLACEMENTS, require_placements
from provision.models import Placement, Provider, Report, Review
from provision.selectors.providers import confirmation_problem
from provision.services.common import plain, snapshot

PLACEMENT_FIELDS = (
    "provider",
    "start",
    "end",
    "sessions",
    "times",
    "reason",
    "reason_detail",
    "cost",
)


def _check_learner(scope: Scope | None, learner: Learner) -> Scope:
    scope = require_placements(scope)
    if (
        learner.school_id != scope.school.pk
        or not Learner.objects.filter(learner_filter(scope, PLACEMENTS), pk=learner.pk).exists()
    ):
        raise Http404("Not found")
    return scope


def _check_placement(scope: Scope | None, placement: Placement) -> Scope:
    scope = require_placements(scope)
    if placement.school_id != scope.school.pk:
        raise Http404("Not found")
    return scope


def _start_problem(placement: Placement) -> str:
    """Why the placement may not start now ("" when it may)."""
    on = max(timezone.localdate(), placement.start)
    return confirmation_problem(placement.provider, on)


def _apply(scope: Scope, placement: Placement, values: dict[str, Any]) -> None:
    provider = values.get("provider", placement.provider if placement.provider_id else None)
    if isinstance(provider, Provider) and provider.school_id != scope.school.pk:
        raise ValidationError({"provider": "Choose a provider from the school's directory."})
    for name in PLACEMENT_FIELDS:
        if name in values:
            value = values[name]
            setattr(placement, name, value.strip() if isinstance(value, str) else value)
    placement.full_clean()


def _activate(scope: Scope, placement: Placement) -> None:
    if placement.status != Placement.Status.DRAFT:
        raise ValidationError("Only a draft placement can be started.")
    problem = _start_problem(placement)
    if problem:
        raise ValidationError({"provider": problem})
    if placement.last_day < timezone.localdate():
        raise ValidationError({"end": "The placement's last day has passed: change it first."})
    placement.status = Placement.Status.ACTIVE
    placement.started_at = timezone.now()


def _record(scope: Scope, action: str, placement: Placement, changes: dict[str, Any]) -> None:
    audit.record(
        action,
        actor=scope.user,
        school=scope.school,
        obj=placement,
        learner=placement.learner,
        changes=changes,
    )


@transaction.atomic
def placement_create(
    *, scope: Scope, learner: Learner, values: dict[str, Any], start: bool = False
) -> Placement:
    """A placement for a learner, saved as a draft; with `start`, started at once
    (refused, nothing saved, when the provider's safer-recruitment confirmation
    is missing or expired)."""
    scope = _check_learner(scope, learner)
    placement = Placement(
        school=scope.school, learner=learner, owner=scope.user, created_by=scope.user
    )
    _apply(scope, placement, values)
    if start:
        _activate(scope, placement)
    placement.save()
    _record(
        scope,
        "provision.placement.created",
        placement,
        {**snapshot(placement, PLACEMENT_FIELDS), "status": placement.status},
    )
    return placement


@transaction.atomic
def placement_update(
    *, scope: Scope, placement: Placement, values: dict[str, Any], start: bool = False
) -> Placement:
    """Change a draft or active placement (an ended one is kept as it was)."""
    scope = _check_placement(scope, placement)
    if placement.status == Placement.Status.ENDED:
        raise ValidationError("An ended placement cannot be changed.")
    before = snapshot(placement, PLACEMENT_FIELDS)
    _apply(scope, placement, values)
    if start:
        _activate(scope, placement)
    placement.save()
    changes: dict[str, Any] = audit.diff(before, snapshot(placement, PLACEMENT_FIELDS))
    if start:
        changes["status"] = {"from": Placement.Status.DRAFT, "to": Placement.Status.ACTIVE}
    _record(scope, "provision.placement.updated", placement, changes)
    return placement


@transaction.atomic
def placement_start(*, scope: Scope, placement: Placement) -> Placement:
    """Start a draft placement: only with a provider whose written confirmation
    of safer-recruitment checks is on record and current."""
    scope = _check_placement(scope, placement)
    _activate(scope, placement)
    placement.save(update_fields=["status", "started_at"])
    _record(
        scope,
        "provision.placement.started",
        placement,
        {"status": {"from": Placement.Status.DRAFT, "to": Placement.Status.ACTIVE}},
    )
    return placement


@transaction.atomic
def placement_end(
    *, scope: Scope, placement: Placement, on: dt.date | None, reason: str
) -> Placement:
    """End an active placement on a day (its last day at the provider)."""
    scope = _check_placement(scope, placement)
    if placement.status != Placement.Status.ACTIVE:
        raise ValidationError("Only an active placement can be ended.")
    errors: dict[str, str] = {}
    if on is None:
        errors["on"] = "Give the last day at the provider."
    elif on < placement.start:
        errors["on"] = "The last day cannot be before the placement's first day."
    elif on > placement.end:
        errors["on"] = "The last day cannot be after the planned last day."
    if not (reason or "").strip():
        errors["reason"] = "Say why the placement ends."
    if errors:
        raise ValidationError(errors)
    assert on is not None
    placement.status = Placement.Status.ENDED
    placement.ended_on = on
    placement.end_reason = reason.strip()
    placement.save(update_fields=["status", "ended_on", "end_reason"])
    _record(
        scope,
        "provision.placement.ended",
        placement,
        {"status": {"from": "active", "to": "ended"}, "on": str(on), "reason": reason.strip()},
    )
    return placement


@transaction.atomic
def review_record(*, scope: Scope, placement: Placement, values: dict[str, Any]) -> Review:
    """Record a (half-termly) review of a placement; it stops that half term's reminder."""
    scope = _check_placement(scope, placement)
    if placement.status == Placement.Status.DRAFT:
        raise ValidationError("A draft placement has not started: there is nothing to review.")
    review = Review(
        placement=placement,
        date=values.get("date"),
        notes=(values.get("notes") or "").strip(),
        continue_placement=bool(values.get("continue_placement", True)),
        recorded_by=scope.user,
    )
    review.full_clean()
    if review.date > timezone.localdate():
        raise ValidationError({"date": "A review cannot be recorded before it happens."})
    if review.date < placement.start:
        raise ValidationError({"date": "The review is before the placement's first day."})
    review.save()
    _record(
        scope,
        "provision.review.recorded",
        placement,
        {"review": review.pk, "date": str(review.date), "continues": review.continue_placement},
    )
    return review


@transaction.atomic
def report_record(*, scope: Scope, placement: Placement, values: dict[str, Any]) -> Report:
    """Record (or correct) the provider's account of one session."""
    scope = _check_placement(scope, placement)
    if placement.status == Placement.Status.DRAFT:
        raise ValidationError("A draft placement has not started: start it first.")
    day = values.get("date")
    session = values.get("session")
    errors: dict[str, str] = {}
    if day is None:
        errors["date"] = "Give the date of the session."
    elif day > timezone.localdate():
        errors["date"] = "The provider cannot report a session that has not happened yet."
    elif not placement.start <= day <= placement.last_day:
        errors["date"] = (
            f"The placement runs from {placement.start:%-d %b %Y} to "
            f"{placement.last_day:%-d %b %Y}."
        )
    if errors:
        raise ValidationError(errors)
    report = Report.objects.filter(placement=placement, date=day, session=session).first()
    before = snapshot(report, ("outcome", "note")) if report else {}
    if report is None:
        report = Report(placement=placement, date=day, session=session)
    report.outcome = values.get("outcome") or ""
    report.note = (values.get("note") or "").strip()
    report.recorded_by = scope.user
    report.recorded_at = timezone.now()
    report.full_clean()
    report.save()
    after = snapshot(report, ("outcome", "note"))
    _record(
        scope,
        "provision.report.recorded",
        placement,
        {
            "date": plain(day),
            "session": session,
            **(audit.diff(before, after) if before else after),
        },
    )
    return report
