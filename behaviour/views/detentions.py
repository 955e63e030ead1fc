"""Detention sessions, issuing a place, the register, one detention and the parents' letter."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from behaviour import selectors, services
from behaviour.access import require_log, require_sessions
from behaviour.forms import IssueForm, SessionForm
from behaviour.models import Detention, Incident
from behaviour.views.common import int_or_none, page_of
from pastoral import audit
from pastoral.forms import apply_errors, render_invalid
from pastoral.models import Learner
from pastoral.reports.pdf import render_pdf


@never_cache
@require_http_methods(["GET", "POST"])
def sessions(request: HttpRequest) -> HttpResponse:
    """Sessions the person runs or supervises; heads of year and leads open new ones."""
    scope = require_log(request.scope)
    form = None
    if request.method == "POST" or selectors_runs(scope):
        form = SessionForm(
            request.POST or None,
            kinds=selectors.detention_types_for(scope),
            staff=list(selectors.supervisors_for(scope)),
        )
    if request.method == "POST":
        require_sessions(scope)
        assert form is not None
        if form.is_valid():
            data = form.cleaned_data
            kinds = {k.pk: k for k in selectors.detention_types_for(scope)}
            staff = {u.pk: u for u in selectors.supervisors_for(scope)}
            try:
                session = services.session_create(
                    scope=scope,
                    kind=kinds[data["kind"]],
                    date=data["date"],
                    start=data["start"],
                    room=data["room"],
                    supervisor=staff.get(data["supervisor"]) if data["supervisor"] else None,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Session opened: {session}.")
                return redirect("behaviour:sessions")
    page = page_of(request, selectors.sessions_for(scope))
    context = {"page": page, "form": form}
    if request.method == "POST":
        return render_invalid(request, "behaviour/sessions.html", context)
    return render(request, "behaviour/sessions.html", context)


def selectors_runs(scope: Any) -> bool:
    from behaviour.access import runs_sessions

    return runs_sessions(scope)


@never_cache
@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The register: attended, missed (escalates unless off school that day), absent."""
    scope = require_log(request.scope)
    session = selectors.session_for(scope, pk)
    error = ""
    if request.method == "POST":
        place = selectors.session_place_for(session, int_or_none(request.POST.get("place")) or 0)
        try:
            marked = services.detention_mark(
                scope=scope, detention=place, status=request.POST.get("status", "")
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            note = marked.get_status_display().lower()
            escalated = getattr(marked, "escalated_to", None) if marked.status == "missed" else None
            if escalated is not None:
                note += f": escalated to {escalated.session}"
            messages.success(request, f"{marked.learner.display_name}: {note}.")
            return redirect("behaviour:session-detail", pk=session.pk)
    places = selectors.session_places(session)
    context = {
        "session": session,
        "places": places,
        "error": error,
        "can_mark": services.may_take_register(scope, session),
        "open": timezone.localdate() >= session.date,
    }
    if error:
        return render_invalid(request, "behaviour/session_detail.html", context)
    response = render(request, "behaviour/session_detail.html", context)
    audit.viewed(
        scope,
        session,
        action="behaviour.detention_session.viewed",
        learners=[p.learner for p in places],
    )
    return response


def _issue(
    request: HttpRequest, scope: Any, learner: Learner, incident: Incident | None
) -> HttpResponse:
    upcoming = selectors.upcoming_sessions_for(scope)
    form = IssueForm(
        request.POST or None,
        sessions=upcoming,
        initial={"reason": incident.type.name if incident else ""},
    )
    if request.method == "POST" and form.is_valid():
        chosen = {s.pk: s for s in upcoming}.get(form.cleaned_data["session"])
        try:
            if chosen is None:
                raise ValidationError({"session": "Choose a session from the list."})
            detention = services.detention_issue(
                scope=scope,
                learner=learner,
                session=chosen,
                reason=form.cleaned_data["reason"],
                incident=incident,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Detention {detention.reference} set: {chosen}.")
            return redirect("behaviour:detention-detail", pk=detention.pk)
    context = {"form": form, "learner": learner, "incident": incident}
    if request.method == "POST":
        return render_invalid(request, "behaviour/detention_issue.html", context)
    return render(request, "behaviour/detention_issue.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def issue_for_incident(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require_log(request.scope)
    incident = selectors.incident_for(scope, pk)
    return _issue(request, scope, incident.learner, incident)


@never_cache
@require_http_methods(["GET", "POST"])
def issue_for_learner(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require_log(request.scope)
    return _issue(request, scope, selectors.learner_in_reach(scope, pk), None)


@never_cache
@require_GET
def detention_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require_log(request.scope)
    detention = selectors.detention_for(scope, pk)
    escalated = (
        Detention.objects.filter(escalated_from=detention).select_related("session__type").first()
    )
    response = render(
        request,
        "behaviour/detention_detail.html",
        {"d": detention, "escalated": escalated},
    )
    audit.viewed(scope, detention, learners=[detention.learner])
    return response


@never_cache
@require_GET
def detention_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter to parents (WeasyPrint), from templates/pdf/behaviour_detention_letter.html."""
    scope = require_log(request.scope)
    detention = selectors.detention_for(scope, pk)
    policy = services.settings_of(scope.school.pk)
    _html, pdf = render_pdf(
        "pdf/behaviour_detention_letter.html",
        {
            "d": detention,
            "school": scope.school,
            "parent": selectors.parent_of(detention.learner),
            "notice_hours": policy.detention_notice_hours,
            "today": timezone.localdate(),
        },
    )
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="detention-{detention.reference}.pdf"'
    audit.viewed(
        scope,
        detention,
        action="behaviour.detention_letter.viewed",
        learners=[detention.learner],
    )
    return response
