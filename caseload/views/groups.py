"""Intervention groups, their rosters and registers, and 1:1 sessions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from caseload import columns, forms, selectors, services
from caseload.views._common import page_of, render_form
from pastoral import audit
from pastoral.access import Cap, learner_or_404, learners_for, require
from pastoral.exports import export_format, export_response
from pastoral.forms import apply_errors


@require_http_methods(["GET", "POST"])
def one_to_one_session(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    learner = learner_or_404(scope, pk, Cap.RECORD_CONTACTS)
    form = forms.OneToOneSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.one_to_one_session_record(scope=scope, learner=learner, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Session recorded.")
            return redirect("caseload:profile", pk=learner.pk)
    return render_form(request, "caseload/session_form.html", {"form": form, "learner": learner})


@require_GET
def intervention_list(request: HttpRequest) -> HttpResponseBase:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    qs = selectors.interventions_for(scope).order_by("one_to_one", "name", "id")
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=qs,
            columns=columns.INTERVENTIONS,
            filename="interventions",
            fmt=fmt,
            audit_action="caseload.interventions.exported",
        )
    page = page_of(request, qs)
    response = render(request, "caseload/intervention_list.html", {"page": page})
    audit.viewed(scope, action="caseload.interventions.listed", page=page.number)
    return response


@require_http_methods(["GET", "POST"])
def intervention_create(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    form = forms.InterventionForm(
        request.POST or None,
        leaders=selectors.key_workers_for(scope),
        initial={"leader": scope.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            group = services.intervention_create(scope=scope, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Group created: add learners to its roster.")
            return redirect("caseload:intervention-detail", pk=group.pk)
    return render_form(request, "caseload/intervention_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def intervention_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    group = selectors.intervention_or_404(scope, pk)
    can_run = selectors.can_run(scope, group)
    if request.method == "GET" and (fmt := export_format(request)) is not None:
        roster = selectors.roster_for(scope, group)
        return export_response(
            request,
            scope,
            rows=roster,
            columns=columns.GROUP_REGISTER,
            filename=f"group-{group.pk}-register",
            fmt=fmt,
            audit_action="caseload.intervention.exported",
            obj=group,
            count=len(roster),
        )
    form = forms.RosterAddForm(
        request.POST or None, learners=learners_for(scope, Cap.RECORD_CONTACTS)
    )
    if request.method == "POST":
        if not can_run:
            raise Http404("Not found")
        if form.is_valid():
            try:
                services.roster_add(
                    scope=scope, intervention=group, learner=form.cleaned_data["learner"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{form.cleaned_data['learner']} added to the group.")
                return redirect("caseload:intervention-detail", pk=group.pk)
    response = render_form(
        request,
        "caseload/intervention_detail.html",
        {
            "group": group,
            "roster": selectors.roster_for(scope, group),
            "sessions": page_of(request, selectors.sessions_of(group), 20),
            "can_run": can_run,
            "form": form,
        },
    )
    if request.method == "GET":
        audit.viewed(scope, group)
    return response


@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    group = selectors.intervention_or_404(scope, pk)
    if not selectors.can_run(scope, group):
        raise Http404("Not found")
    roster = [e for e in selectors.roster_for(scope, group) if e.left is None]
    form = forms.RegisterForm(
        request.POST or None,
        roster=roster,
        learners=learners_for(scope, Cap.RECORD_CONTACTS),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_record(
                scope=scope,
                intervention=group,
                date=data["date"],
                marks=form.marks(),
                notes=data["notes"],
                outcomes=data["outcomes"],
                duration_minutes=data["duration_minutes"],
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            if data.get("also_present") and "register" in errors:
                # The extra learner is the one not on the roster: say so beside that field.
                form.add_error("also_present", errors.pop("register"))
            if errors:
                apply_errors(form, ValidationError(errors))
        else:
            messages.success(request, "Session and register recorded.")
            return redirect("caseload:session-detail", pk=session.pk)
    return render_form(request, "caseload/register_form.html", {"form": form, "group": group})


@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    session = selectors.session_or_404(scope, pk)
    marks = selectors.session_marks_for(scope, session)
    audit.viewed(
        scope, session, action="caseload.session.viewed", learners=[m.learner for m in marks]
    )
    return render(request, "caseload/session_detail.html", {"session": session, "marks": marks})
