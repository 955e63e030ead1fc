"""Sign-in, the second factor (enrolment, code, step-up) and sign-out."""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.forms import BaseForm as Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice

from pastoral.accounts import selectors, services
from pastoral.accounts.forms import CodeForm, EnrolForm, SignInForm
from pastoral.accounts.otp import (
    has_totp,
    mark_verified,
    second_factor_required,
)
from pastoral.accounts.qr import qr_data_uri
from pastoral.forms import INVALID_STATUS

SESSION_NEW_RECOVERY_CODES = "pastoral_new_recovery_codes"
SESSION_OTP_FAILURES = "pastoral_otp_failures"
# Wrong codes in one session before it is ended and the person must start again.
MAX_CODE_FAILURES = 5


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _status(form: Form) -> int:
    """A refused submission answers INVALID_STATUS; the blank page 200."""
    return INVALID_STATUS if form.is_bound and form.errors else 200


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.user.is_authenticated:
        # The middleware sends a person with a pending second factor to it.
        return redirect(next_url)
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            auth_login(request, user)  # a new session key: no fixation
            if has_totp(user):
                return redirect(_with_next("accounts:otp-verify", next_url))
            if second_factor_required(user):
                return redirect(_with_next("accounts:otp-setup", next_url))
            services.signin_succeeded(user=user, second_factor="none")
            return redirect(next_url)
        services.signin_failed(
            email=str(request.POST.get("username", "")).strip().lower(),
            stage="password",
            locked=bool(getattr(request, "axes_locked_out", False)),
        )
    return render(
        request,
        "registration/login.html",
        {
            "form": form,
            "next": next_url,
            "expired": request.GET.get("expired", ""),
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
            "absolute_hours": settings.SESSION_ABSOLUTE_HOURS,
        },
        status=_status(form),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The code page after the password, for anyone with an authenticator app."""
    next_url = _next_url(request)
    user = request.user
    if user.is_verified():  # type: ignore[union-attr]
        return redirect(next_url)
    if not has_totp(user):  # type: ignore[arg-type]
        return redirect(_with_next("accounts:otp-setup", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"])
        if device is not None:
            mark_verified(request, device)
            request.session.pop(SESSION_OTP_FAILURES, None)
            method = "recovery code" if isinstance(device, StaticDevice) else "totp"
            services.signin_succeeded(user=user, second_factor=method)  # type: ignore[arg-type]
            if isinstance(device, StaticDevice):
                left = selectors.recovery_codes_left(device)
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. Each code works only once.",
                )
            return redirect(next_url)
        failures = request.session.get(SESSION_OTP_FAILURES, 0) + 1
        services.signin_failed(email=user.email, stage="second factor")  # type: ignore[union-attr]
        if failures >= MAX_CODE_FAILURES:
            auth_logout(request)
            messages.error(request, "Too many wrong codes. Sign in again.")
            return redirect("login")
        request.session[SESSION_OTP_FAILURES] = failures
        form.add_error(
            "code",
            "That code did not work. Codes change every 30 seconds: wait for a new one "
            "and try again.",
        )
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": next_url, "step_up": False},
        status=_status(form),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: QR code and secret, then one code to confirm."""
    next_url = _next_url(request)
    user = request.user
    if has_totp(user):  # type: ignore[arg-type]
        if not user.is_verified():  # type: ignore[union-attr]
            return redirect(_with_next("accounts:otp-verify", next_url))
        messages.info(request, "Two-factor sign-in is already set up for your account.")
        return redirect(next_url)
    device = services.two_factor_device_for_enrolment(user=user)  # type: ignore[arg-type]
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", "Too many wrong codes in a row: wait a minute and try again.")
        elif device.verify_token(form.cleaned_data["code"]):
            codes = services.two_factor_enrol(user=user, device=device)  # type: ignore[arg-type]
            mark_verified(request, device)
            services.signin_succeeded(user=user, second_factor="totp")  # type: ignore[arg-type]
            request.session[SESSION_NEW_RECOVERY_CODES] = codes
            return redirect(_with_next("accounts:recovery-codes", next_url))
        else:
            form.add_error(
                "code",
                "That code did not match. Check the app shows Pastoral and enter the code it "
                "shows now.",
            )
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr": qr_data_uri(device.config_url),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "required": second_factor_required(user),  # type: ignore[arg-type]
        },
        status=_status(form),
    )


@never_cache
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown exactly once."""
    codes = request.session.pop(SESSION_NEW_RECOVERY_CODES, None)
    if not codes:
        return redirect(_next_url(request))
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def step_up(request: HttpRequest) -> HttpResponse:
    """ "Confirm your code": a fresh second factor before restricted records and exports."""
    next_url = _next_url(request)
    user = request.user
    if not has_totp(user):  # type: ignore[arg-type]
        messages.info(request, "Set up two-factor sign-in first: this page needs it.")
        return redirect(_with_next("accounts:otp-setup", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"])
        if device is not None:
            mark_verified(request, device)
            services.second_factor_event(
                user=user,  # type: ignore[arg-type]
                action="accounts.two_factor.confirmed",
                method="recovery code" if isinstance(device, StaticDevice) else "totp",
            )
            return redirect(next_url)
        services.signin_failed(email=user.email, stage="step-up")  # type: ignore[union-attr]
        form.add_error("code", "That code did not work. Wait for a new code and try again.")
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": next_url, "step_up": True, "minutes": settings.STEP_UP_MINUTES},
        status=_status(form),
    )


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.signout(user=request.user)  # type: ignore[arg-type]
    auth_logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password (Django's validators apply); other sessions stay
    valid only through update_session_auth_hash for this one."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        services.password_changed(user=user)
        messages.success(request, "Your password was changed.")
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "other_sessions": selectors.other_sessions_count(
                request.user,  # type: ignore[arg-type]
                request.session.session_key,
            ),
        },
        status=_status(form),
    )


@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    """Anyone signs themselves out of every other browser and device."""
    ended = services.sessions_end_others(
        user=request.user,  # type: ignore[arg-type]
        keep_session_key=request.session.session_key or "",
    )
    messages.success(
        request,
        f"Signed out of {ended} other session{'' if ended == 1 else 's'}; "
        "this one stays signed in.",
    )
    return redirect("accounts:password-change")
