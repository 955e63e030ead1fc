"""Keep UserSession in step with Django's sign-in and sign-out.

Django rotates the session key on sign-in and flushes it on sign-out; these
receivers only mirror that into UserSession so sessions can be ended per
person. Audit events are written by the views, not here.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from pastoral.accounts.models import UserSession


@receiver(user_logged_in, dispatch_uid="pastoral_accounts_session_in")
def _remember_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    UserSession.objects.update_or_create(session_key=session.session_key, defaults={"user": user})


@receiver(user_logged_out, dispatch_uid="pastoral_accounts_session_out")
def _forget_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()
