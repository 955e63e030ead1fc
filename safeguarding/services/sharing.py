"""Sharing a restricted concern with a named member of staff, and withdrawing it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pastoral.access import Cap, Scope
from pastoral.notifications.services import notifications_create
from safeguarding import selectors
from safeguarding.models import Concern, ConcernShare
from safeguarding.services.common import check_concern, record_each


@transaction.atomic
def share_create(
    *,
    scope: Scope,
    concern: Concern,
    user_id: int,
    reason: str,
    expires_at: dt.datetime | None = None,
) -> ConcernShare:
    """A DSL shares one restricted concern with a named member of staff."""
    scope = check_concern(scope, concern, Cap.TRIAGE_CONCERNS)
    if not concern.is_restricted:
        raise ValidationError(
            {
                "user": "Only restricted concerns are shared; pastoral ones follow the learner's team."
            }
        )
    user = selectors.colleagues_for(scope).filter(pk=user_id).first()
    if user is None:
        raise ValidationError({"user": "Choose a member of staff of this school."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why they need to see it."})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    if selectors.shares_active_for(concern).filter(user=user).exists():
        raise ValidationError({"user": f"Already shared with {user}."})
    share = ConcernShare(
        concern=concern,
        user=user,
        reason=reason.strip(),
        expires_at=expires_at,
        created_by=scope.user,
    )
    share.full_clean()
    share.save()
    record_each(
        "safeguarding.concern.shared",
        scope=scope,
        concern=concern,
        obj=share,
        changes={"with": user.email, "reason": share.reason, "expires_at": expires_at},
    )
    notifications_create(
        recipients=[user],
        school=scope.school,
        kind="safeguarding.share",
        title=f"Concern {concern.reference} shared with you",
        url=reverse("safeguarding:concern-detail", kwargs={"pk": concern.pk}),
        obj=concern,
    )
    return share


@transaction.atomic
def share_withdraw(*, scope: Scope, share: ConcernShare) -> ConcernShare:
    """Withdraw a share (from selectors.share_for): from this moment the person
    no longer sees the concern."""
    scope = check_concern(scope, share.concern, Cap.TRIAGE_CONCERNS)
    share.withdrawn_at = timezone.now()
    share.withdrawn_by = scope.user
    share.save(update_fields=["withdrawn_at", "withdrawn_by"])
    record_each(
        "safeguarding.concern.share_withdrawn",
        scope=scope,
        concern=share.concern,
        obj=share,
        changes={"with": share.user.email},
    )
    return share
