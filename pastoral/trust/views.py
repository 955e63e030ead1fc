"""The trust pages: the safeguarding lead's dashboard (counts and trends), the
schools of the trust, and the trust administrator's schools, school
administrators and fellow trust administrators. Nobody here sees case content;
every page answers 404 to a person without the trust role it needs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from pastoral.exports import export_format, export_response
from pastoral.forms import apply_errors, render_invalid
from pastoral.trust import columns, selectors, services
from pastoral.trust.forms import FirstDslForm, PersonForm, SchoolForm, TrustAdminForm
from pastoral.trust.models import TrustRole
from pastoral.trust.standing import trust_scope_or_404, trust_scopes_for

LEAD = TrustRole.SAFEGUARDING_LEAD
ADMIN = TrustRole.ADMIN


def _home_of(scope) -> str:  # type: ignore[no-untyped-def]
    return "trust:dashboard" if scope.is_lead else "trust:schools"


@never_cache
def index(request: HttpRequest) -> HttpResponse:
    """The person's trust page; a choice when they hold roles in several trusts."""
    scopes = trust_scopes_for(request.user)  # type: ignore[arg-type]
    if not scopes:
        raise Http404("Not found")
    if len(scopes) == 1:
        return redirect(_home_of(scopes[0]), pk=scopes[0].trust.pk)
    return render(
        request,
        "trust/index.html",
        {"trust_scopes": [(s, _home_of(s)) for s in scopes]},
    )


@never_cache
def dashboard(request: HttpRequest, pk: int) -> HttpResponseBase:
    scope = trust_scope_or_404(request.user, pk, LEAD)  # type: ignore[arg-type]
    member_ids = frozenset(s.pk for s in getattr(request, "schools", []))
    board = selectors.dashboard_for(scope, member_school_ids=member_ids)
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,  # type: ignore[arg-type]
            rows=board.rows,
            columns=columns.school_columns(board.months),
            filename="trust-dashboard",
            fmt=fmt,
            audit_action="trust.dashboard.exported",
            filters={"trust": scope.trust.name, "date": board.today.isoformat()},
            obj=scope.trust,
        )
    return render(
        request,
        "trust/dashboard.html",
        {"trust_scope": scope, "board": board, "bands": selectors.figures.AGE_BANDS},
    )


@never_cache
def schools(request: HttpRequest, pk: int) -> HttpResponse:
    scope = trust_scope_or_404(request.user, pk)  # type: ignore[arg-type]
    return render(
        request,
        "trust/schools.html",
        {"trust_scope": scope, "schools": list(selectors.schools_for(scope))},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def school_create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = trust_scope_or_404(request.user, pk, ADMIN)  # type: ignore[arg-type]
    form = SchoolForm(request.POST or None)
    context = {"trust_scope": scope, "form": form, "title": "Add a school"}
    if request.method == "POST":
        if form.is_valid():
            try:
                school = services.school_create(scope=scope, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, f"{school.name} added. Invite its school administrator next."
                )
                return redirect("trust:schools", pk=pk)
        return render_invalid(request, "trust/form.html", context)
    return render(request, "trust/form.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def school_invite_admin(request: HttpRequest, pk: int, school_pk: int) -> HttpResponse:
    scope = trust_scope_or_404(request.user, pk, ADMIN)  # type: ignore[arg-type]
    school = selectors.school_for(scope, school_pk)
    form = PersonForm(request.POST or None)
    context = {
        "trust_scope": scope,
        "form": form,
        "school": school,
        "title": f"Invite a school administrator for {school.name}",
        "intro": "They are sent a one-time link to set a password and an authenticator, "
        "and hold the school administrator role: users, roles, imports and settings, "
        "no case content.",
    }
    if request.method == "POST":
        if form.is_valid():
            try:
                services.school_admin_invite(scope=scope, school=school, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
                return redirect("trust:schools", pk=pk)
        return render_invalid(request, "trust/form.html", context)
    return render(request, "trust/form.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def school_first_dsl(request: HttpRequest, pk: int, school_pk: int) -> HttpResponse:
    scope = trust_scope_or_404(request.user, pk, LEAD)  # type: ignore[arg-type]
    school = selectors.school_for(scope, school_pk)
    form = FirstDslForm(request.POST or None)
    context = {
        "trust_scope": scope,
        "form": form if not school.has_dsl else None,
        "school": school,
        "title": f"Set the first DSL of {school.name}",
        "intro": (
            f"{school.name} already has a DSL: further DSLs are requested in the school's "
            "Staff and roles and approved by a DSL of the school."
            if school.has_dsl
            else "The school has no DSL yet. The person you name becomes its DSL at once "
            "(ACCESS.md: the first DSL is set on the server or by the trust safeguarding "
            "lead); they, the school's administrators and the trust's other safeguarding "
            "leads are told, and it is recorded in the school's audit trail."
        ),
    }
    if request.method == "POST":
        if form.is_valid():
            try:
                services.school_first_dsl_set(scope=scope, school=school, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{form.cleaned_data['email']} is now the DSL.")
                return redirect("trust:schools", pk=pk)
        if school.has_dsl:
            context["form"] = form
        return render_invalid(request, "trust/form.html", context)
    return render(request, "trust/form.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, pk: int) -> HttpResponse:
    scope = trust_scope_or_404(request.user, pk, ADMIN)  # type: ignore[arg-type]
    form = TrustAdminForm(request.POST or None)
    context = {"trust_scope": scope, "form": form, "members": list(selectors.members_for(scope))}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.trust_admin_grant(scope=scope, email=form.cleaned_data["email"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Trust administrator added.")
                return redirect("trust:members", pk=pk)
        return render_invalid(request, "trust/members.html", context)
    return render(request, "trust/members.html", context)


@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    scope = trust_scope_or_404(request.user, pk, ADMIN)  # type: ignore[arg-type]
    membership = selectors.member_for(scope, member_pk)
    try:
        services.trust_admin_revoke(scope=scope, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Trust administrator removed.")
    return redirect("trust:members", pk=pk)
