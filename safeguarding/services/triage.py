"""The DSL's decisions on a concern: triage, links, close and reopen.

Triage, close and reopen carry the `version` the DSL saw; if another DSL
changed the concern meanwhile the update matches no row and StaleConcern is
raised -- nothing is overwritten, and the second DSL is told.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pastoral import audit
from pastoral.access import Cap, Scope
from safeguarding import selectors
from safeguarding.models import Concern, ConcernDecision, ConcernEntry, ConcernLink
from safeguarding.services.common import (
    StaleConcern,
    check_concern,
    record_each,
    versioned_update,
)
from safeguarding.services.decisions import _decision, has_referral


@transaction.atomic
def concern_triage(
    *,
    scope: Scope,
    concern: Concern,
    version: int,
    level: str,
    owner_id: int | None,
    category_ids: Sequence[int],
    next_action: str,
    due_date: dt.date | None,
    level_reason: str = "",
) -> Concern:
    """A DSL sets level, owner, categories, next action and due date.

    Lowering to pastoral a concern that is restricted, or that has a category
    restricted by default, needs `level_reason` (ACCESS.md: "Only a DSL lowers
    a level, with a reason"); the reason goes into the audit event and the
    concern's history."""
    scope = check_concern(scope, concern, Cap.TRIAGE_CONCERNS)
    if version != concern.version:
        # Another DSL saved first: tell this one before judging what they chose.
        raise StaleConcern(concern.reference)
    if level not in Concern.Level.values:
        raise ValidationError({"level": "Choose pastoral or restricted."})
    owner = selectors.colleagues_for(scope).filter(pk=owner_id).first() if owner_id else None
    if owner_id and owner is None:
        raise ValidationError({"owner": "Choose a member of staff of this school."})
    categories = list(
        selectors.categories_for(scope, active_only=False).filter(pk__in=category_ids)
    )
    level_reason = level_reason.strip()
    # Restricted categories the concern did not have: a pastoral concern a DSL
    # already lowered keeps its categories without being asked again.
    had = {c.pk for c in concern.categories.all()}
    restricting = [c.name for c in categories if c.is_restricted and c.pk not in had]
    lowering = level == Concern.Level.PASTORAL and (concern.is_restricted or bool(restricting))
    if lowering and not level_reason:
        raise ValidationError(
            {
                "level_reason": "Give a reason for lowering this concern to pastoral: "
                "it will then be seen beyond the DSL team."
            }
        )
    if len(level_reason) > 300:
        raise ValidationError({"level_reason": "Keep the reason under 300 characters."})
    before = {
        "level": concern.level,
        "owner": concern.owner_id,
        "next_action": concern.next_action,
        "due_date": concern.due_date,
        "status": concern.status,
        "categories": sorted(c.name for c in concern.categories.all()),
    }
    fields: dict[str, Any] = {
        "level": level,
        "owner": owner,
        "next_action": next_action.strip(),
        "due_date": due_date,
    }
    if concern.status == Concern.Status.NEW:
        fields["status"] = Concern.Status.OPEN
        fields["triaged_at"] = timezone.now()
    versioned_update(concern, version, **fields)
    concern.categories.set(categories)
    after = {
        "level": level,
        "owner": owner.pk if owner else None,
        "next_action": fields["next_action"],
        "due_date": due_date,
        "status": fields.get("status", concern.status),
        "categories": sorted(c.name for c in categories),
    }
    changes = audit.diff(before, after)
    if lowering:
        changes["level_reason"] = level_reason
    summary = triage_summary(changes, owner=owner)
    ConcernEntry.objects.create(
        concern=concern,
        kind=ConcernEntry.Kind.TRIAGE,
        author=scope.user,
        text=summary or "Reviewed, no change",
        reason=level_reason if lowering else "",
    )
    record_each(
        "safeguarding.concern.triaged", scope=scope, concern=concern, obj=concern, changes=changes
    )
    concern.refresh_from_db()
    return concern


def _uk_date(value: Any) -> str:
    if isinstance(value, dt.date):
        return f"{value.day} {value:%b %Y}"
    return str(value)


def triage_summary(changes: dict[str, Any], *, owner: Any = None) -> str:
    """What a triage changed, in words for the concern's history ("Level: Restricted
    (child protection). Due: 12 Jan 2027."), never the raw field names."""
    levels = dict(Concern.Level.choices)
    statuses = dict(Concern.Status.choices)
    parts = []
    if "status" in changes:
        parts.append(f"Status: {statuses.get(changes['status']['to'], changes['status']['to'])}.")
    if "level" in changes:
        parts.append(f"Level: {levels.get(changes['level']['to'], changes['level']['to'])}.")
    if "owner" in changes:
        parts.append(f"Owner: {owner.full_name if owner else 'nobody'}.")
    if "categories" in changes:
        names = changes["categories"]["to"] or []
        parts.append(f"Categories: {', '.join(names) if names else 'none'}.")
    if "next_action" in changes:
        parts.append(f"Next action: {changes['next_action']['to'] or 'none'}.")
    if "due_date" in changes:
        due = changes["due_date"]["to"]
        parts.append(f"Due: {_uk_date(due) if due else 'no date'}.")
    return " ".join(parts)


@transaction.atomic
def concern_link(*, scope: Scope, concern: Concern, other_reference: str) -> ConcernLink:
    """Link two related concerns of the school."""
    scope = check_concern(scope, concern, Cap.TRIAGE_CONCERNS)
    other = selectors.concern_by_reference(scope, other_reference)
    if other is None or other.pk == concern.pk:
        raise ValidationError({"reference": "No other concern of this school has that reference."})
    a, b = sorted([concern.pk, other.pk])
    link, created = ConcernLink.objects.get_or_create(
        a_id=a, b_id=b, defaults={"created_by": scope.user}
    )
    if not created:
        raise ValidationError({"reference": f"Already linked to {other.reference}."})
    ConcernEntry.objects.create(
        concern=concern,
        kind=ConcernEntry.Kind.LINKED,
        author=scope.user,
        text=f"Linked to {other.reference}",
    )
    record_each(
        "safeguarding.concern.linked",
        scope=scope,
        concern=concern,
        obj=concern,
        changes={"linked": other.reference},
    )
    return link


def _status_change(
    *,
    scope: Scope,
    concern: Concern,
    version: int,
    reason: str,
    kind: str,
    action: str,
    **fields: Any,
) -> Concern:
    """Close or reopen: the versioned update, its entry with the reason, its audit."""
    versioned_update(concern, version, **fields)
    ConcernEntry.objects.create(
        concern=concern, kind=kind, author=scope.user, reason=reason.strip()[:300]
    )
    record_each(
        action, scope=scope, concern=concern, obj=concern, changes={"reason": reason.strip()}
    )
    concern.refresh_from_db()
    return concern


@transaction.atomic
def concern_close(
    *, scope: Scope, concern: Concern, version: int, reason: str, rationale: str = ""
) -> Concern:
    """Close a concern. Without a referral on record, closing is itself a decision:
    the reason is the decision and `rationale` is required (kept as a ConcernDecision)."""
    scope = check_concern(scope, concern, Cap.TRIAGE_CONCERNS)
    if concern.status == Concern.Status.CLOSED:
        raise ValidationError({"reason": "This concern is already closed."})
    errors = {}
    if not reason.strip():
        errors["reason"] = "Say why it is being closed."
    referred = has_referral(concern)
    if not referred and not rationale.strip():
        errors["rationale"] = "No referral is recorded: give the rationale for closing without one."
    if errors:
        raise ValidationError(errors)
    # The versioned update first: a stale close writes nothing, not even the decision.
    concern = _status_change(
        scope=scope,
        concern=concern,
        version=version,
        reason=reason,
        kind=ConcernEntry.Kind.CLOSED,
        action="safeguarding.concern.closed",
        status=Concern.Status.CLOSED,
        closed_at=timezone.now(),
        close_reason=reason.strip()[:300],
    )
    if not referred:
        _decision(
            scope=scope,
            concern=concern,
            kind=ConcernDecision.Kind.CLOSE_NO_REFERRAL,
            decision=reason,
            rationale=rationale,
        )
    return concern


@transaction.atomic
def concern_reopen(*, scope: Scope, concern: Concern, version: int, reason: str) -> Concern:
    scope = check_concern(scope, concern, Cap.TRIAGE_CONCERNS)
    if concern.status != Concern.Status.CLOSED:
        raise ValidationError({"reason": "This concern is not closed."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why it is being reopened."})
    return _status_change(
        scope=scope,
        concern=concern,
        version=version,
        reason=reason,
        kind=ConcernEntry.Kind.REOPENED,
        action="safeguarding.concern.reopened",
        status=Concern.Status.OPEN,
        closed_at=None,
        close_reason="",
    )
