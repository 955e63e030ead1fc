"""What the DSL did about a concern: referrals, calls, monitoring, NFA..."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pastoral.access import Cap, Scope
from safeguarding.models import Concern, ConcernAction
from safeguarding.services.common import check_concern, record_each


@transaction.atomic
def action_record(
    *,
    scope: Scope,
    concern: Concern,
    kind: str,
    details: str,
    outcome: str,
    taken_on: dt.date,
    follow_up_due: dt.date | None = None,
) -> ConcernAction:
    """A DSL records an action (referral, call, monitoring, NFA...) with its outcome."""
    scope = check_concern(scope, concern, Cap.TRIAGE_CONCERNS)
    action = ConcernAction(
        concern=concern,
        kind=kind,
        details=details,
        outcome=outcome,
        taken_on=taken_on,
        follow_up_due=follow_up_due,
        recorded_by=scope.user,
        completed_at=timezone.now() if outcome.strip() and not follow_up_due else None,
    )
    if taken_on and taken_on > timezone.localdate():
        raise ValidationError({"taken_on": "This date is in the future."})
    action.full_clean()
    action.save()
    if concern.status == Concern.Status.NEW:
        Concern.objects.filter(pk=concern.pk).update(
            status=Concern.Status.OPEN, triaged_at=timezone.now(), version=F("version") + 1
        )
    record_each(
        "safeguarding.action.created",
        scope=scope,
        concern=concern,
        obj=action,
        changes={"kind": kind, "taken_on": taken_on, "follow_up_due": follow_up_due},
    )
    return action


@transaction.atomic
def action_complete(*, scope: Scope, action: ConcernAction, outcome: str) -> ConcernAction:
    """Record the outcome of an action that was awaiting one (the details stay as written).
    `action` comes from selectors.action_for (with its concern and learners)."""
    concern = action.concern
    scope = check_concern(scope, concern, Cap.TRIAGE_CONCERNS)
    if action.completed_at is not None:
        raise ValidationError({"outcome": "This action already has its outcome."})
    if not outcome.strip():
        raise ValidationError({"outcome": "Write the outcome."})
    extra = f"\n\nOutcome ({timezone.localdate():%d/%m/%Y}): {outcome.strip()}"
    ConcernAction.objects.filter(pk=action.pk).update(
        outcome=(action.outcome + extra).strip(), completed_at=timezone.now()
    )
    record_each(
        "safeguarding.action.completed",
        scope=scope,
        concern=concern,
        obj=action,
        changes={"outcome": "recorded"},
    )
    action.refresh_from_db()
    return action
