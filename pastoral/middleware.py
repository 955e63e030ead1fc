"""Request middleware: current school, sign-in requirement, session lifetime."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from pastoral.access import schools_of, scope_for

SESSION_SCHOOL_KEY = "pastoral_school_id"
SESSION_STARTED_KEY = "pastoral_started_at"
SESSION_SEEN_KEY = "pastoral_last_seen"

# Paths reachable without signing in.
PUBLIC_PREFIXES = ("/accounts/login/", "/healthz", "/static/", "/accounts/locked/")


class SessionLifetimeMiddleware:
    """Ends a session after SESSION_IDLE_MINUTES idle or SESSION_ABSOLUTE_HOURS in all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get(SESSION_STARTED_KEY, now)
            seen = request.session.get(SESSION_SEEN_KEY, now)
            idle_limit = settings.SESSION_IDLE_MINUTES * 60
            absolute_limit = settings.SESSION_ABSOLUTE_HOURS * 3600
            if (
                now - seen > idle_limit
                or now - started > absolute_limit
                or not request.user.is_active
            ):
                logout(request)
                if request.htmx if hasattr(request, "htmx") else False:
                    response = HttpResponse(status=401)
                    response["HX-Redirect"] = f"{reverse('login')}?expired=1"
                    return response
                return redirect(f"{reverse('login')}?expired=1&next={request.path}")
            request.session[SESSION_STARTED_KEY] = started
            # Autosave pings must not keep an unattended session alive for ever,
            # but they do count as activity: someone is typing.
            request.session[SESSION_SEEN_KEY] = now
        return self.get_response(request)


class CurrentSchoolMiddleware:
    """Sets request.school and request.scope from the person's chosen school."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.school = None  # type: ignore[attr-defined]
        request.scope = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            schools = list(schools_of(request.user))  # type: ignore[arg-type]
            chosen = request.session.get(SESSION_SCHOOL_KEY)
            school = next((s for s in schools if s.pk == chosen), schools[0] if schools else None)
            request.school = school  # type: ignore[attr-defined]
            request.schools = schools  # type: ignore[attr-defined]
            request.scope = scope_for(request.user, school)  # type: ignore[attr-defined, arg-type]
        return self.get_response(request)


class LoginRequiredMiddleware:
    """Every page needs a signed-in person, except the few public paths."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            if getattr(request, "htmx", False):
                response = HttpResponse(status=401)
                response["HX-Redirect"] = reverse("login")
                return response
            return redirect(f"{reverse('login')}?next={request.path}")
        return self.get_response(request)
