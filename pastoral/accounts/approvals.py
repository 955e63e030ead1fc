"""The DSL's role requests: approve (with a fresh code) or decline (with a reason).

ACCESS.md: a role that widens access to case data takes effect only when a DSL
or deputy DSL of the school, not the requester, approves it with a fresh
second factor. These pages show staff names and roles only, no case data.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from pastoral.accounts import selectors, services
from pastoral.accounts.forms import RoleApproveForm, RoleDeclineForm
from pastoral.accounts.otp import seconds_since_verified
from pastoral.forms import apply_errors, render_invalid
from pastoral.models import RoleRequest

TEMPLATE = "accounts/role_request.html"


@require_GET
def role_requests(request: HttpRequest) -> HttpResponse:
    pending, decided = selectors.role_requests_for(request.scope)  # type: ignore[attr-defined]
    return render(request, "accounts/role_requests.html", {"pending": pending, "decided": decided})


def _context(
    request: HttpRequest,
    role_request: RoleRequest,
    approve_form: RoleApproveForm | None = None,
    decline_form: RoleDeclineForm | None = None,
) -> dict:
    me = request.user.pk
    return {
        "role_request": role_request,
        "approve_form": approve_form or RoleApproveForm(),
        "decline_form": decline_form or RoleDeclineForm(),
        "own": me in (role_request.requested_by_id, role_request.user_id),
    }


@never_cache
@require_GET
def role_request(request: HttpRequest, pk: int) -> HttpResponse:
    role_request = selectors.role_request_for(request.scope, pk)  # type: ignore[attr-defined]
    return render(request, TEMPLATE, _context(request, role_request))


@require_POST
def role_request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    role_request = selectors.role_request_for(scope, pk)
    form = RoleApproveForm(request.POST)
    if form.is_valid():
        try:
            services.role_request_approve(
                scope=scope,
                role_request=role_request,
                code=form.cleaned_data["code"],
                seconds_since_second_factor=seconds_since_verified(request),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"Approved: {role_request.user} is now {role_request.get_role_display()}.",
            )
            return redirect("accounts:role-requests")
    return render_invalid(request, TEMPLATE, _context(request, role_request, approve_form=form))


@require_POST
def role_request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    role_request = selectors.role_request_for(scope, pk)
    form = RoleDeclineForm(request.POST)
    if form.is_valid():
        try:
            services.role_request_decline(
                scope=scope, role_request=role_request, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"Declined: {role_request.get_role_display()} for {role_request.user}.",
            )
            return redirect("accounts:role-requests")
    return render_invalid(request, TEMPLATE, _context(request, role_request, decline_form=form))
