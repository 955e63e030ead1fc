"""The contacts log and its agreed actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from caseload.models import AgreedAction, ContactLog
from caseload.services._common import reach
from pastoral import audit
from pastoral.access import Cap, Scope
from pastoral.models import Learner, Membership


@transaction.atomic
def contact_log_create(
    *,
    scope: Scope,
    learner: Learner,
    fields: dict[str, Any],
    actions: Sequence[dict[str, Any]] = (),
) -> ContactLog:
    """Log a contact (call, meeting, visit, conference...) and its agreed actions."""
    learner = reach(scope, learner.pk, Cap.RECORD_CONTACTS)
    entry = ContactLog(school=scope.school, learner=learner, recorded_by=scope.user, **fields)
    entry.full_clean()
    if entry.when > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"when": "A contact is logged after it happened."})
    if entry.colleague_id is not None:
        _check_colleague = Membership.objects.filter(
            user_id=entry.colleague_id, school=scope.school
        )
        if not _check_colleague.exists():
            raise ValidationError({"colleague": "Choose a colleague from this school."})
    entry.save()
    rows = []
    errors: dict[str, list[str]] = {}
    owners = set(
        Membership.objects.filter(
            school=scope.school, user_id__in=[a.get("owner").pk for a in actions if a.get("owner")]
        ).values_list("user_id", flat=True)
    )
    for i, data in enumerate(actions):
        action = AgreedAction(contact=entry, **data)
        try:
            action.full_clean()
            if action.owner_id not in owners:
                raise ValidationError({"owner": "Choose someone from this school."})
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors[f"actions-{i}-{name}"] = messages
        rows.append(action)
    if errors:
        raise ValidationError(errors)
    AgreedAction.objects.bulk_create(rows)
    audit.record(
        "caseload.contact.created",
        actor=scope.user,
        school=scope.school,
        obj=entry,
        learner=learner,
        changes={
            "kind": entry.kind,
            "with": entry.with_whom,
            "when": entry.when,
            "actions": len(rows),
        },
    )
    return entry


@transaction.atomic
def action_complete(*, scope: Scope, action: AgreedAction) -> AgreedAction:
    """Mark an agreed action done (today)."""
    contact = action.contact
    reach(scope, contact.learner_id, Cap.RECORD_CONTACTS)
    if action.done_on is None:
        action.done_on = timezone.localdate()
        action.save(update_fields=["done_on"])
        audit.record(
            "caseload.action.completed",
            actor=scope.user,
            school=scope.school,
            obj=action,
            learner=contact.learner,
            changes={"done_on": action.done_on},
        )
    return action
