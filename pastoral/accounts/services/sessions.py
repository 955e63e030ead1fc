"""Ending sessions without closing the account: a person's own other sessions
(a phone left signed in), or all of a staff member's, by the administrator."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.db import transaction

from pastoral import audit
from pastoral.access import Scope
from pastoral.accounts.models import UserSession
from pastoral.accounts.services._common import _admin, _end_sessions
from pastoral.models import User


@transaction.atomic
def sessions_end_others(*, user: User, keep_session_key: str) -> int:
    """End every session of the person except the one they are using.
    Returns how many were ended. (No scope: it is their own account, in no school.)"""
    keys = list(
        UserSession.objects.filter(user=user)
        .exclude(session_key=keep_session_key)
        .values_list("session_key", flat=True)
    )
    ended, _ = Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    audit.record(
        "accounts.sessions.ended",
        actor=user,
        school=None,
        obj=user,
        changes={"sessions_ended": ended, "by": "self", "kept_current": True},
    )
    return ended


@transaction.atomic
def user_sessions_end(*, scope: Scope, user: User) -> int:
    """The administrator signs a staff member out everywhere, leaving the
    account open (a lost laptop, a shared computer). Returns how many ended."""
    scope = _admin(scope, user)
    ended = _end_sessions(user)
    audit.record(
        "pastoral.user.sessions_ended",
        actor=scope.user,
        school=scope.school,
        obj=user,
        changes={"sessions_ended": ended},
    )
    return ended
