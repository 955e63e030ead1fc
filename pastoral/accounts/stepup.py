"""Step-up: a fresh second factor before restricted records and exports.

Decorate a view with `@step_up_required`. When the person last proved their
second factor more than settings.STEP_UP_MINUTES ago (or never, in this
session), they are sent to "confirm your code" and brought back afterwards:
a GET returns to the same URL; a POST (an export button) returns to the page
the button was on, because a form submission cannot be replayed safely.

    from pastoral.accounts.stepup import step_up_required

    @step_up_required
    def concern_detail(request, pk): ...
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from pastoral.accounts.otp import seconds_since_verified

View = Callable[..., HttpResponse]


def has_recent_second_factor(request: HttpRequest) -> bool:
    """True when the session proved a second factor within STEP_UP_MINUTES."""
    elapsed = seconds_since_verified(request)
    return elapsed is not None and elapsed <= settings.STEP_UP_MINUTES * 60


def _return_to(request: HttpRequest) -> str:
    if request.method in ("GET", "HEAD") and not getattr(request, "htmx", False):
        return request.get_full_path()
    # A POST or an htmx fragment: go back to the page the person was looking at.
    referer = request.headers.get("HX-Current-URL") or request.headers.get("Referer") or ""
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return reverse("home")


def step_up_url(request: HttpRequest) -> str:
    return f"{reverse('accounts:step-up')}?{urlencode({'next': _return_to(request)})}"


def step_up_required(view: View) -> View:
    """Ask for a fresh second factor before running the view (see module docstring)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if has_recent_second_factor(request):
            return view(request, *args, **kwargs)
        url = step_up_url(request)
        if getattr(request, "htmx", False):
            response = HttpResponse(status=401)
            response["HX-Redirect"] = url
            return response
        return redirect(url)

    return wrapper
