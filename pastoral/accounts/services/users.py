"""The school administrator's staff accounts: create, deactivate, reactivate, unlock."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.core.exceptions import ValidationError
from django.db import transaction

from pastoral import audit
from pastoral.access import Scope
from pastoral.accounts import selectors
from pastoral.accounts.services._common import _admin, _end_sessions
from pastoral.models import Membership, Role, User

# --- users (school administrator) ----------------------------------------


@transaction.atomic
def user_create(
    *,
    scope: Scope,
    full_name: str,
    email: str,
    job_title: str = "",
    password: str,
) -> User:
    """Add a person to the school as staff, creating their account if it is new.

    Someone who already has an account (they work at another school of the
    trust) keeps their password; they are only added to this school.
    """
    scope = _admin(scope)
    email = email.strip().lower()
    user = selectors.account_for_email(email)
    if user is None:
        user = User(email=email, full_name=full_name, job_title=job_title)
        user.set_password(password)
        user.full_clean()
        user.save()
        audit.record(
            "pastoral.user.created",
            actor=scope.user,
            school=scope.school,
            obj=user,
            changes={"email": email, "full_name": full_name, "job_title": job_title},
        )
    elif selectors.is_member(scope, user):
        raise ValidationError({"email": "This person already works at this school."})
    membership = Membership(user=user, school=scope.school, role=Role.STAFF)
    membership.full_clean()
    membership.save()
    audit.record(
        "pastoral.membership.created",
        actor=scope.user,
        school=scope.school,
        obj=membership,
        changes={"user": email, "role": Role.STAFF.value},
    )
    return user


@transaction.atomic
def user_deactivate(*, scope: Scope, user: User) -> int:
    """Switch the account off and end every session it has, at once.

    Returns the number of sessions ended. The person's roles stay on record
    (for the audit trail and to reactivate later) but give no access.
    """
    scope = _admin(scope, user)
    if user.pk == scope.user.pk:
        raise ValidationError("You cannot deactivate your own account.")
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = _end_sessions(user)
    audit.record(
        "pastoral.user.deactivated",
        actor=scope.user,
        school=scope.school,
        obj=user,
        changes={"is_active": {"from": True, "to": False}, "sessions_ended": ended},
    )
    return ended


@transaction.atomic
def user_reactivate(*, scope: Scope, user: User) -> None:
    """Let a deactivated member sign in again."""
    scope = _admin(scope, user)
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(
        "pastoral.user.reactivated",
        actor=scope.user,
        school=scope.school,
        obj=user,
        changes={"is_active": {"from": False, "to": True}},
    )


@transaction.atomic
def user_unlock(*, scope: Scope, user: User) -> int:
    """Clear the failed sign-ins that locked the person out (django-axes).
    Same effect as `manage.py axes_reset_username EMAIL`."""
    scope = _admin(scope, user)
    cleared = axes_reset(username=user.email)
    audit.record(
        "accounts.user.unlocked",
        actor=scope.user,
        school=scope.school,
        obj=user,
        changes={"attempts_cleared": cleared},
    )
    return cleared
