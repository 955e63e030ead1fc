"""Invitations: the administrator's list, invite (one or a CSV), resend, revoke,
reset a lost second factor; and the invitee's one-time link (choose a
password, enrol an authenticator, signed in)."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from pastoral.access import Cap, require
from pastoral.accounts import selectors, services
from pastoral.accounts.forms import (
    ChoosePasswordForm,
    CurrentPasswordForm,
    EnrolForm,
    InvitationCsvForm,
    InvitationForm,
    TwoFactorResetForm,
)
from pastoral.accounts.models import Invitation
from pastoral.accounts.otp import mark_verified, seconds_since_verified
from pastoral.accounts.qr import qr_data_uri
from pastoral.accounts.services import invitations as invite_services
from pastoral.accounts.views import SESSION_NEW_RECOVERY_CODES
from pastoral.forms import INVALID_STATUS, apply_errors, render_invalid
from pastoral.imports.staff import StaffImporter

PAGE_SIZE = 50
# The invitee's progress between the two steps: {"id", "token_hash", "password"}
# (the password as a Django hash, never as typed).
SESSION_INVITATION = "pastoral_invitation"


# --- the administrator -------------------------------------------------------


@require_GET
def invitation_list(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_USERS)  # type: ignore[attr-defined]
    state = request.GET.get("state", "")
    if state not in Invitation.State.values:
        state = ""
    page = Paginator(selectors.invitations_for(scope, state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/invitations/list.html",
        {
            "page": page,
            "state": state,
            "states": Invitation.State.choices,
            "query": f"state={state}" if state else "",
            "days": settings.INVITATION_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
def invitation_create(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_USERS)  # type: ignore[attr-defined]
    form = InvitationForm(request.POST or None, school=scope.school)
    csv_form = InvitationCsvForm()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = invite_services.invitation_create(
                scope=scope,
                email=data["email"],
                full_name=data["full_name"],
                job_title=data["job_title"],
                role=data["role"],
                year_groups=data["year_groups"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email}. The link works for "
                f"{settings.INVITATION_DAYS} days.",
            )
            return redirect("accounts:invitation-list")
    context = {"form": form, "csv_form": csv_form, "days": settings.INVITATION_DAYS}
    if form.errors:
        return render_invalid(request, "accounts/invitations/new.html", context)
    return render(request, "accounts/invitations/new.html", context)


@require_POST
def invitation_csv(request: HttpRequest) -> HttpResponse:
    """Import staff from a CSV (the staff import: all or nothing, roles that
    reach case data requested for a DSL's approval) and invite everyone in it
    who has not set a password yet, in one transaction."""
    scope = require(request.scope, Cap.MANAGE_USERS)  # type: ignore[attr-defined]
    csv_form = InvitationCsvForm(request.POST, request.FILES)
    context: dict[str, Any] = {
        "form": InvitationForm(school=scope.school),
        "csv_form": csv_form,
        "days": settings.INVITATION_DAYS,
    }
    if not csv_form.is_valid():
        return render_invalid(request, "accounts/invitations/new.html", context)
    uploaded = csv_form.cleaned_data["file"]
    importer = StaffImporter(
        school=scope.school, actor=scope.user, filename=(uploaded.name or "staff.csv")[:200]
    )
    with transaction.atomic():
        outcome = importer.run(uploaded)
        invited = []
        if outcome.applied and outcome.plan is not None:
            invited = invite_services.invitations_for_new_staff(
                scope=scope, users=[outcome.plan.users[row.email] for row in outcome.plan.rows]
            )
    if not outcome.applied:
        context["csv_errors"] = outcome.errors
        return render_invalid(request, "accounts/invitations/new.html", context)
    messages.success(
        request,
        f"{len(invited)} invitation{'' if len(invited) == 1 else 's'} sent; "
        f"{outcome.counts['create']} new, {outcome.counts['update']} updated, "
        f"{outcome.counts['unchanged']} unchanged. Roles that reach case data await a DSL's "
        "approval.",
    )
    return redirect("accounts:invitation-list")


@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_USERS)  # type: ignore[attr-defined]
    invitation = selectors.invitation_or_404(scope, pk)
    try:
        invite_services.invitation_resend(scope=scope, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"A new link was sent to {invitation.email}; the old one no longer works."
        )
    return redirect("accounts:invitation-list")


@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_USERS)  # type: ignore[attr-defined]
    invitation = selectors.invitation_or_404(scope, pk)
    try:
        invite_services.invitation_revoke(scope=scope, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The link sent to {invitation.email} no longer works.")
    return redirect("accounts:invitation-list")


@require_http_methods(["GET", "POST"])
def two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Reset a member's lost second factor, with the administrator's own fresh code."""
    scope = require(request.scope, Cap.MANAGE_USERS)  # type: ignore[attr-defined]
    person = selectors.staff_member_or_404(scope, pk)
    form = TwoFactorResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.two_factor_reset(
                scope=scope,
                user=person,
                code=form.cleaned_data["code"],
                seconds_since_second_factor=seconds_since_verified(request),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"{person.full_name}'s two-factor sign-in was reset. A link to set it up again "
                "was e-mailed to them; the school's DSLs were told.",
            )
            return redirect("accounts:user-detail", pk=person.pk)
    context = {
        "person": person,
        "form": form,
        "enrolled": selectors.has_second_factor(person),
        "is_self": person.pk == scope.user.pk,
    }
    if form.errors:
        return render_invalid(request, "accounts/invitations/reset.html", context)
    return render(request, "accounts/invitations/reset.html", context)


# --- the invitee (public: the token is the credential) ------------------------


def _usable(invitation: Invitation) -> bool:
    return invitation.usable and invitation.user.is_active


def _dead_link(request: HttpRequest, invitation: Invitation | None) -> HttpResponse:
    """The clear page for a link that cannot be used; nothing changes."""
    state = "unknown"
    if invitation is not None:
        state = invitation.state if not invitation.usable else "inactive"
    if request.method == "POST":
        services.invitation_refused(invitation=invitation, reason=state)
    return render(
        request,
        "accounts/invitations/dead_link.html",
        {"state": state, "invitation": invitation},
        status=404 if invitation is None else 410,
    )


def _signed_in_elsewhere(request: HttpRequest, invitation: Invitation) -> HttpResponse | None:
    if request.user.is_authenticated:
        return render(
            request,
            "accounts/invitations/signed_in.html",
            {"invitation": invitation},
            status=409,
        )
    return None


def _progress(request: HttpRequest, invitation: Invitation) -> dict[str, Any] | None:
    state = request.session.get(SESSION_INVITATION)
    if (
        isinstance(state, dict)
        and state.get("id") == invitation.pk
        and state.get("token_hash") == invitation.token_hash
    ):
        return state
    return None


@sensitive_post_parameters("password", "password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Step 1: choose a password (an invitation) or confirm it (a re-enrolment)."""
    invitation = selectors.invitation_for_token(token)
    if invitation is None or not _usable(invitation):
        return _dead_link(request, invitation)
    if (elsewhere := _signed_in_elsewhere(request, invitation)) is not None:
        return elsewhere
    user = invitation.user
    reenrol = invitation.purpose == Invitation.Purpose.REENROL
    form: ChoosePasswordForm | CurrentPasswordForm = (
        CurrentPasswordForm(request.POST or None)
        if reenrol
        else ChoosePasswordForm(request.POST or None, user=user)
    )
    if request.method == "POST" and form.is_valid():
        if reenrol and not user.check_password(form.cleaned_data["password"]):
            if services.reenrol_password_failed(invitation=invitation):
                invitation.refresh_from_db()
                return _dead_link(request, invitation)
            form.add_error("password", "That is not your password. Try again.")
        else:
            request.session[SESSION_INVITATION] = {
                "id": invitation.pk,
                "token_hash": invitation.token_hash,
                "password": None if reenrol else make_password(form.cleaned_data["password1"]),
            }
            services.two_factor_device_for_enrolment(user=user)
            return redirect("accounts:invitation-authenticator", token=token)
    return render(
        request,
        "accounts/invitations/accept.html",
        {"form": form, "invitation": invitation, "person": user, "reenrol": reenrol},
        status=INVALID_STATUS if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_authenticator(request: HttpRequest, token: str) -> HttpResponse:
    """Step 2: add Pastoral to an authenticator app and prove it with a code;
    then the account is set up, the person signed in and shown recovery codes."""
    invitation = selectors.invitation_for_token(token)
    if invitation is None or not _usable(invitation):
        return _dead_link(request, invitation)
    if (elsewhere := _signed_in_elsewhere(request, invitation)) is not None:
        return elsewhere
    progress = _progress(request, invitation)
    if progress is None:
        return redirect("accounts:invitation-accept", token=token)
    user = invitation.user
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        return redirect("accounts:invitation-accept", token=token)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", "Too many wrong codes in a row: wait a minute and try again.")
        elif device.verify_token(form.cleaned_data["code"]):
            try:
                codes = services.invitation_accept(
                    invitation=invitation, device=device, password_hash=progress["password"]
                )
            except services.LinkUsed:
                invitation.refresh_from_db()
                return _dead_link(request, invitation)
            request.session.pop(SESSION_INVITATION, None)
            user.refresh_from_db()
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            mark_verified(request, device)
            services.signin_succeeded(user=user, second_factor="totp")
            request.session[SESSION_NEW_RECOVERY_CODES] = codes
            messages.success(request, "Your account is ready: you are signed in.")
            return redirect(f"{reverse('accounts:recovery-codes')}?next={reverse('home')}")
        else:
            form.add_error(
                "code",
                "That code did not match. Check the app shows Pastoral and enter the code it "
                "shows now.",
            )
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/invitations/authenticator.html",
        {
            "form": form,
            "invitation": invitation,
            "qr": qr_data_uri(device.config_url),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        },
        status=INVALID_STATUS if form.errors else 200,
    )
