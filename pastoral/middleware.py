"""Request middleware: session lifetime, current school, sign-in and second factor."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware as _OTPMiddleware
from django_otp.models import Device

from pastoral import standing

SESSION_SCHOOL_KEY = "pastoral_school_id"
SESSION_STARTED_KEY = "pastoral_started_at"
SESSION_SEEN_KEY = "pastoral_last_seen"
# Seconds: how often the last-activity time is rewritten (the idle limit is minutes).
SEEN_RESOLUTION = 30
# Sent by htmx elements that poll on a timer (hx-headers='{"X-Pastoral-Background": "1"}'):
# their requests do not count as activity for the idle timeout.
BACKGROUND_HEADER = "X-Pastoral-Background"

# Paths reachable without signing in.
PUBLIC_PREFIXES = (
    "/accounts/login/",
    "/healthz",
    "/static/",
    "/accounts/locked/",
    "/accounts/invitation/",
)
# Paths a signed-in person may reach before proving their second factor.
SECOND_FACTOR_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/healthz")


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect, or tell htmx to load the whole page there (a fragment would be wrong)."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=401)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _with_next(url: str, request: HttpRequest, **extra: str) -> str:
    params = dict(extra)
    if request.method == "GET" and not getattr(request, "htmx", False):
        params["next"] = request.get_full_path()
    return f"{url}?{urlencode(params)}" if params else url


class SessionLifetimeMiddleware:
    """Ends a session after SESSION_IDLE_MINUTES idle or SESSION_ABSOLUTE_HOURS in all.

    Deactivated people never get this far: Django's ModelBackend refuses to load
    an inactive user, and `user_deactivate` deletes their sessions outright.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get(SESSION_STARTED_KEY, now)
            seen = request.session.get(SESSION_SEEN_KEY, now)
            idle = now - seen > settings.SESSION_IDLE_MINUTES * 60
            too_old = now - started > settings.SESSION_ABSOLUTE_HOURS * 3600
            if idle or too_old or not request.user.is_active:
                from pastoral import audit

                user = request.user
                audit.record(
                    "accounts.session.expired",
                    actor=user,  # type: ignore[arg-type]
                    school=None,
                    obj=user,  # type: ignore[arg-type]
                    changes={"reason": "idle" if idle else "lifetime"},
                )
                logout(request)
                # The sign-in page says why ("1": idle, the usual case).
                reason = "1" if idle else ("lifetime" if too_old else "closed")
                return _go(request, _with_next(reverse("login"), request, expired=reason))
            if SESSION_STARTED_KEY not in request.session:
                request.session[SESSION_STARTED_KEY] = started
            # Every request counts as activity except background polling (the
            # notification badge asks every minute): such elements send
            # BACKGROUND_HEADER, or an unattended open tab would never time out.
            # Activity is written at most every SEEN_RESOLUTION seconds, so that
            # most requests do not rewrite the session row.
            if request.headers.get(BACKGROUND_HEADER) != "1" and (
                SESSION_SEEN_KEY not in request.session or now - seen >= SEEN_RESOLUTION
            ):
                request.session[SESSION_SEEN_KEY] = now
        return self.get_response(request)


class OTPMiddleware(_OTPMiddleware):
    """django-otp's middleware (request.user.otp_device, .is_verified()), without
    its query on every request: a device found confirmed and the user's own is
    remembered under the user's access stamp (pastoral/standing.py), which
    changes when any of their devices is saved, reset or removed."""

    def _verify_user_sync(self, request: HttpRequest, user):  # type: ignore[no-untyped-def]
        self._init_user_fields(user)
        persistent_id = (
            request.session.get(DEVICE_ID_SESSION_KEY) if user.is_authenticated else None
        )
        if not persistent_id:
            return user
        if standing.device_verified(user, persistent_id):
            # Loaded only if a page asks for the device itself (is_verified() does not).
            user.otp_device = SimpleLazyObject(
                lambda: Device.from_persistent_id(self._normalize_persistent_id(persistent_id))
            )
            return user
        device = self._device_from_persistent_id(persistent_id)
        user.otp_device = self._finalize_device(request, user, device)
        if user.otp_device is not None:
            standing.remember_device(user, persistent_id)
        return user


class CurrentSchoolMiddleware:
    """Sets request.school and request.scope from the person's chosen school."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.school = None  # type: ignore[attr-defined]
        request.scope = None  # type: ignore[attr-defined]
        request.schools = []  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            schools, school, scope = standing.standing_for(
                request.user,  # type: ignore[arg-type]
                request.session.get(SESSION_SCHOOL_KEY),
            )
            request.school = school  # type: ignore[attr-defined]
            request.schools = schools  # type: ignore[attr-defined]
            request.scope = scope  # type: ignore[attr-defined]
        return self.get_response(request)


class LoginRequiredMiddleware:
    """Every page needs a signed-in person, except the few public paths; and a
    person who has (or must have) a second factor reaches nothing but the
    two-factor pages until they have proved it in this session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(PUBLIC_PREFIXES):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            return _go(request, _with_next(reverse("login"), request))
        if not user.is_verified():  # type: ignore[union-attr]
            from pastoral.accounts.otp import has_totp, second_factor_required

            # Checked on every unverified request (not cached in the session) so
            # that a role granted mid-session takes effect at once.
            pending = (
                "accounts:otp-verify"
                if has_totp(user)  # type: ignore[arg-type]
                else "accounts:otp-setup"
                if second_factor_required(user)  # type: ignore[arg-type]
                else None
            )
            if pending is not None:
                if not request.path.startswith(SECOND_FACTOR_PREFIXES):
                    return _go(request, _with_next(reverse(pending), request))
                # On the two-factor pages themselves: no school, no menu, no
                # search and no polling badge until the code is proved.
                request.school = None  # type: ignore[attr-defined]
                request.schools = []  # type: ignore[attr-defined]
                request.scope = None  # type: ignore[attr-defined]
        return self.get_response(request)
