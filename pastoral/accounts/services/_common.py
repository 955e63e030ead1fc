"""Helpers the account services share."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.http import Http404

from pastoral.access import Cap, Scope, require
from pastoral.accounts import selectors
from pastoral.accounts.models import UserSession
from pastoral.models import User


def _end_sessions(user: User) -> int:
    """Delete every session the person is signed in with. Returns how many."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    deleted, _ = Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return deleted


def _admin(scope: Scope, user: User | None = None) -> Scope:
    """The administrator's scope (404 without Cap.MANAGE_USERS); with `user`,
    also 404 unless that person works at the school."""
    scope = require(scope, Cap.MANAGE_USERS)
    if user is not None and not selectors.is_member(scope, user):
        raise Http404("Not found")
    return scope
