"""The school administrator's screens: staff list, add a person, roles, deactivate."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pastoral.access import Cap, require
from pastoral.accounts import selectors, services
from pastoral.accounts.forms import RoleGrantForm, UserCreateForm, YearGroupsForm
from pastoral.forms import INVALID_STATUS, apply_errors
from pastoral.models import Role, User

PAGE_SIZE = 50


@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_USERS)  # type: ignore[attr-defined]
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.staff_with_roles_for(scope, query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "q": query, "query": f"q={query}" if query else ""},
    )


@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_USERS)  # type: ignore[attr-defined]
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(scope=scope, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{user.full_name} was added as staff.")
            return redirect("accounts:user-detail", pk=user.pk)
    return render(
        request,
        "accounts/user_create.html",
        {"form": form},
        status=INVALID_STATUS if form.errors else 200,
    )


def _detail(
    request: HttpRequest, user: User, grant_form: RoleGrantForm | None = None, status: int = 200
) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    memberships = user.school_memberships  # type: ignore[attr-defined]
    held = {m.role for m in memberships}
    pending = selectors.pending_role_requests_for_user(scope, user)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": user,
            "memberships": memberships,
            "grant_form": grant_form or RoleGrantForm(school=scope.school),
            "can_grant": any(
                r not in held or r == Role.HEAD_OF_YEAR for r, _ in Role.choices if r != Role.STAFF
            ),
            "pending_requests": pending,
            "years_forms": {
                m.pk: YearGroupsForm(
                    membership=m, initial={"year_groups": list(m.year_groups.all())}
                )
                for m in memberships
                if m.role == Role.HEAD_OF_YEAR
            },
            "locked_out": selectors.is_locked_out(user),
            "is_self": user.pk == scope.user.pk,
        },
        status=status,
    )


@require_GET
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.staff_member_or_404(request.scope, pk)  # type: ignore[attr-defined]
    return _detail(request, user)


@require_POST
def role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a role that reaches no case data at once; request any other one
    (it takes effect when a DSL approves it)."""
    scope = require(request.scope, Cap.MANAGE_USERS)  # type: ignore[attr-defined]
    user = selectors.staff_member_or_404(scope, pk)
    form = RoleGrantForm(request.POST, school=scope.school)
    if form.is_valid():
        role = form.cleaned_data["role"]
        try:
            if services.widens_case_access(role):
                role_request = services.role_request_create(
                    scope=scope, user=user, role=role, year_groups=form.cleaned_data["year_groups"]
                )
            else:
                membership = services.membership_grant(scope=scope, user=user, role=role)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if services.widens_case_access(role):
                messages.success(
                    request,
                    f"Requested: {role_request.get_role_display()} for {user.full_name}. "
                    "It takes effect when a DSL of the school approves it; the DSLs were told.",
                )
            else:
                messages.success(
                    request, f"{user.full_name} is now {membership.get_role_display()}."
                )
            return redirect("accounts:user-detail", pk=user.pk)
    return _detail(request, user, grant_form=form, status=INVALID_STATUS)


@require_POST
def role_years(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_USERS)  # type: ignore[attr-defined]
    user = selectors.staff_member_or_404(scope, pk)
    membership = selectors.membership_or_404(scope, user, membership_pk)
    form = YearGroupsForm(request.POST, membership=membership)
    if form.is_valid():
        try:
            role_request = services.membership_set_years(
                scope=scope, membership=membership, year_groups=form.cleaned_data["year_groups"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if role_request is not None:
                messages.success(
                    request,
                    "Year groups saved. The added years take effect when a DSL approves them; "
                    "the DSLs were told.",
                )
            else:
                messages.success(request, "Year groups saved.")
    else:
        messages.error(request, "Choose at least one year group.")
    return redirect("accounts:user-detail", pk=user.pk)


@require_POST
def role_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_USERS)  # type: ignore[attr-defined]
    user = selectors.staff_member_or_404(scope, pk)
    membership = selectors.membership_or_404(scope, user, membership_pk)
    label = membership.get_role_display()
    try:
        services.membership_revoke(scope=scope, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{user.full_name} is no longer {label}.")
    return redirect("accounts:user-detail", pk=user.pk)


@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_USERS)  # type: ignore[attr-defined]
    user = selectors.staff_member_or_404(scope, pk)
    try:
        ended = services.user_deactivate(scope=scope, user=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"{user.full_name} can no longer sign in; {ended} open session"
            f"{'' if ended == 1 else 's'} ended.",
        )
    return redirect("accounts:user-detail", pk=user.pk)


@require_POST
def user_sessions_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign a staff member out everywhere, leaving the account open."""
    scope = require(request.scope, Cap.MANAGE_USERS)  # type: ignore[attr-defined]
    user = selectors.staff_member_or_404(scope, pk)
    ended = services.user_sessions_end(scope=scope, user=user)
    messages.success(
        request,
        f"{user.full_name} is signed out everywhere ({ended} session"
        f"{'' if ended == 1 else 's'} ended). The account stays open.",
    )
    return redirect("accounts:user-detail", pk=user.pk)


@require_POST
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_USERS)  # type: ignore[attr-defined]
    user = selectors.staff_member_or_404(scope, pk)
    services.user_reactivate(scope=scope, user=user)
    messages.success(request, f"{user.full_name} can sign in again.")
    return redirect("accounts:user-detail", pk=user.pk)


@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_USERS)  # type: ignore[attr-defined]
    user = selectors.staff_member_or_404(scope, pk)
    services.user_unlock(scope=scope, user=user)
    messages.success(request, f"{user.full_name}'s failed sign-ins were cleared.")
    return redirect("accounts:user-detail", pk=user.pk)
