"""On-call (ask in two taps; the live list; accept; resolve), removals from
class (list, by hand, on the learner's page), isolation sessions and their
register, and the on-call settings (rota, removal threshold)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from behaviour import columns_oncall
from behaviour.access import is_lead, require_lead, require_log, runs_sessions
from behaviour.forms_oncall import (
    IsolationSessionForm,
    OnCallForm,
    PlaceForm,
    PolicyForm,
    RemovalForm,
    ResolveForm,
    RotaForm,
)
from behaviour.models import OnCallMember
from behaviour.models.oncall import Reason, Urgency
from behaviour.selectors import may_see_learner
from behaviour.selectors import oncall as sel
from behaviour.services import oncall as svc
from behaviour.views.common import int_or_none, page_of
from pastoral import audit
from pastoral.exports import export_format, export_response
from pastoral.forms import apply_errors, render_invalid

POLL_SECONDS = 5
CONFLICT = 409


def _oncall_context(scope: Any, form: OnCallForm) -> dict[str, Any]:
    responder = sel.is_responder(scope)
    return {
        "form": form,
        "reasons": Reason.choices,
        "responder": responder,
        "open": sel.open_requests_for(scope, responder=responder),
        "poll_seconds": POLL_SECONDS,
        "lead": is_lead(scope),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def oncall(request: HttpRequest) -> HttpResponse:
    """Ask for on-call (room and lesson remembered from the last request: one
    tap on a reason sends it); responders see the open requests live."""
    scope = require_log(request.scope)
    learners = sel.request_learners(scope)
    if request.method == "POST":
        form = OnCallForm(request.POST, learners=learners)
        if form.is_valid():
            data = form.cleaned_data
            urgency = (
                Urgency.URGENT
                if data["reason"] == Reason.SAFETY
                else (data["urgency"] or Urgency.ROUTINE)
            )
            try:
                made = svc.oncall_request_create(
                    scope=scope,
                    room=data["room"],
                    lesson=data["lesson"],
                    reason=data["reason"],
                    urgency=urgency,
                    note=data["note"],
                    learner=sel.request_learner(scope, data["learner"]),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, f"On-call asked to {made.room} ({made.reference}): help is coming."
                )
                return redirect("behaviour:oncall-detail", pk=made.pk)
        return render_invalid(request, "behaviour/oncall.html", _oncall_context(scope, form))
    place = sel.last_place_of(scope)
    form = OnCallForm(
        learners=learners,
        initial={
            "room": request.GET.get("room", "")[:30] or place["room"],
            "lesson": request.GET.get("lesson", "")[:30] or place["lesson"],
            "learner": int_or_none(request.GET.get("learner")),
        },
    )
    context = _oncall_context(scope, form)
    response = render(request, "behaviour/oncall.html", context)
    if context["open"]:
        audit.viewed(scope, action="behaviour.oncall.listed", count=len(context["open"]))
    return response


@never_cache
@require_GET
def oncall_live(request: HttpRequest) -> HttpResponse:
    """The htmx partial polled by the on-call page (the page itself audits the list)."""
    scope = require_log(request.scope)
    responder = sel.is_responder(scope)
    return render(
        request,
        "behaviour/_oncall_list.html",
        {
            "open": sel.open_requests_for(scope, responder=responder),
            "responder": responder,
            "poll_seconds": POLL_SECONDS,
        },
    )


@never_cache
@require_GET
def oncall_requests(request: HttpRequest) -> HttpResponseBase:
    """Open or closed requests (all the school's for responders; own for others)."""
    scope = require_log(request.scope)
    state = request.GET.get("state", "")
    state = state if state in ("open", "closed") else ""
    rows = sel.requests_for(scope, state=state)
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=rows,
            columns=columns_oncall.REQUESTS,
            filename="oncall-requests",
            fmt=fmt,
            audit_action="behaviour.oncall.exported",
            filters={"state": state},
        )
    page = page_of(request, rows)
    response = render(
        request,
        "behaviour/oncall_requests.html",
        {"page": page, "state": state, "query": urlencode({"state": state} if state else {})},
    )
    audit.viewed(scope, action="behaviour.oncall.listed", page=page.number, state=state)
    return response


def _detail(
    request: HttpRequest, scope: Any, found: Any, form: ResolveForm | None, status: int = 200
) -> HttpResponse:
    responder = sel.is_responder(scope)
    if form is None and responder and found.is_open:
        form = ResolveForm(learners=[] if found.learner_id else sel.request_learners(scope))
    context = {
        "r": found,
        "responder": responder,
        "form": form,
        "removal": getattr(found, "removal", None) if found.outcome else None,
        "error": getattr(request, "_oncall_error", ""),
    }
    return render(request, "behaviour/oncall_detail.html", context, status=status)


@never_cache
@require_GET
def oncall_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require_log(request.scope)
    found = sel.request_for(scope, pk)
    response = _detail(request, scope, found, None)
    audit.viewed(scope, found, learners=[found.learner] if found.learner else [])
    return response


@never_cache
@require_POST
def oncall_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the request; a second acceptor gets 409 and who has it."""
    scope = sel.require_responder(request.scope)
    found = sel.request_for(scope, pk)
    try:
        taken = svc.oncall_accept(scope=scope, request=found)
    except svc.AlreadyTaken as exc:
        found.refresh_from_db()
        request._oncall_error = exc.message  # type: ignore[attr-defined]
        return _detail(request, scope, found, None, status=CONFLICT)
    messages.success(request, f"You accepted {taken.reference}: go to {taken.room}.")
    return redirect("behaviour:oncall-detail", pk=taken.pk)


@never_cache
@require_POST
def oncall_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    scope = sel.require_responder(request.scope)
    found = sel.request_for(scope, pk)
    form = ResolveForm(
        request.POST, learners=[] if found.learner_id else sel.request_learners(scope)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = svc.oncall_resolve(
                scope=scope,
                request=found,
                outcome=data["outcome"],
                note=data["note"],
                where_to=data["where_to"],
                minutes=data["minutes"],
                learner=sel.request_learner(scope, data.get("learner")),
            )
        except svc.AlreadyTaken as exc:
            found.refresh_from_db()
            request._oncall_error = exc.message  # type: ignore[attr-defined]
            return _detail(request, scope, found, form, status=CONFLICT)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{done.reference} resolved: {done.get_outcome_display()}.")
            return redirect("behaviour:oncall-detail", pk=done.pk)
    return _detail(request, scope, found, form, status=422)


@never_cache
@require_GET
def removals(request: HttpRequest) -> HttpResponseBase:
    """Removals from class the person may see (their learners', and their own)."""
    scope = require_log(request.scope)
    rows = sel.removals_for(scope)
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=rows,
            columns=columns_oncall.REMOVALS,
            filename="removals",
            fmt=fmt,
            audit_action="behaviour.removals.exported",
        )
    page = page_of(request, rows)
    response = render(request, "behaviour/removals.html", {"page": page, "query": ""})
    audit.viewed(scope, action="behaviour.removals.listed", page=page.number)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def learner_removal(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a removal from class by hand: any teacher, for any learner of the
    school (directory fields only on this page); afterwards they see it in
    their removals list, and the learner's page if they follow the learner."""
    scope = require_log(request.scope)
    learner = sel.request_learner(scope, pk)
    if learner is None:
        raise Http404("Not found")
    form = RemovalForm(request.POST or None, initial={"where_to": "On-call room", "minutes": 60})
    if request.method == "POST":
        if form.is_valid():
            try:
                made = svc.removal_record(scope=scope, learner=learner, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Removal {made.reference} recorded.")
                if may_see_learner(scope, learner):
                    return redirect("behaviour:learner", pk=learner.pk)
                return redirect("behaviour:removals")
        return render_invalid(
            request, "behaviour/removal_form.html", {"form": form, "learner": learner}
        )
    return render(request, "behaviour/removal_form.html", {"form": form, "learner": learner})


@never_cache
@require_http_methods(["GET", "POST"])
def oncall_settings(request: HttpRequest) -> HttpResponse:
    """The on-call rota and the removal threshold (behaviour leads)."""
    scope = require_lead(request.scope)
    staff = sel.staff_of(scope)
    policy = sel.oncall_policy_of(scope.school.pk)
    policy_form = PolicyForm(
        initial={
            "removal_threshold": policy.removal_threshold,
            "removal_window_days": policy.removal_window_days,
        }
    )
    rota_form = RotaForm(staff=staff)
    if request.method == "POST":
        which = request.POST.get("form", "")
        form: Any
        if which == "rota":
            form = rota_form = RotaForm(request.POST, staff=staff)
            chosen = {u.pk: u for u in staff}

            def call(d: dict[str, Any]) -> Any:
                user = chosen.get(d["user"])
                if user is None:
                    raise ValidationError({"user": "Choose a member of staff of this school."})
                return svc.rota_add(scope=scope, user=user)

            done = "Added to the on-call rota."
        elif which == "remove":
            member = OnCallMember.objects.filter(
                school=scope.school, pk=int_or_none(request.POST.get("member")) or 0
            ).first()
            if member is not None:
                svc.rota_remove(scope=scope, member=member)
                messages.success(request, "Taken off the on-call rota.")
            return redirect("behaviour:oncall-settings")
        else:
            form = policy_form = PolicyForm(request.POST)

            def call(d: dict[str, Any]) -> Any:
                return svc.oncall_policy_update(scope=scope, **d)

            done = "On-call settings saved."
        if form.is_valid():
            try:
                call(form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, done)
                return redirect("behaviour:oncall-settings")
    context = {"policy_form": policy_form, "rota_form": rota_form, "rota": sel.rota_for(scope)}
    if request.method == "POST":
        return render_invalid(request, "behaviour/oncall_settings.html", context)
    return render(request, "behaviour/oncall_settings.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def isolation(request: HttpRequest) -> HttpResponse:
    """Isolation sessions the person runs or supervises; runners open new ones."""
    scope = require_log(request.scope)
    runs = runs_sessions(scope)
    form = None
    if runs or request.method == "POST":
        form = IsolationSessionForm(request.POST or None, staff=sel.staff_of(scope))
    if request.method == "POST":
        if not runs:
            raise Http404("Not found")
        assert form is not None
        if form.is_valid():
            data = form.cleaned_data
            staff = {u.pk: u for u in sel.staff_of(scope)}
            try:
                made = svc.isolation_session_create(
                    scope=scope,
                    date=data["date"],
                    room=data["room"],
                    supervisor=staff.get(data["supervisor"]) if data["supervisor"] else None,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{made} opened.")
                return redirect("behaviour:isolation-session", pk=made.pk)
    page = page_of(request, sel.isolation_sessions_for(scope))
    context = {"page": page, "form": form, "query": ""}
    if request.method == "POST":
        return render_invalid(request, "behaviour/isolation.html", context)
    return render(request, "behaviour/isolation.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def isolation_session(request: HttpRequest, pk: int) -> HttpResponse:
    """One session: the supervisor's list and register; runners place learners."""
    scope = require_log(request.scope)
    session = sel.isolation_session_for(scope, pk)
    runs = runs_sessions(scope)
    learners = sel.learners_in_reach(scope) if runs else []
    place_form = PlaceForm(learners=learners) if runs else None
    error = ""
    if request.method == "POST":
        if request.POST.get("form") == "place" and runs:
            place_form = PlaceForm(request.POST, learners=learners)
            if place_form.is_valid():
                data = place_form.cleaned_data
                chosen = {lr.pk: lr for lr in learners}.get(data["learner"])
                try:
                    if chosen is None:
                        raise ValidationError({"learner": "Choose one of your learners."})
                    svc.isolation_place(
                        scope=scope,
                        session=session,
                        learner=chosen,
                        reason=data["reason"],
                        periods=data["periods"],
                    )
                except ValidationError as exc:
                    apply_errors(place_form, exc)
                else:
                    messages.success(request, f"{chosen.display_name} placed in {session}.")
                    return redirect("behaviour:isolation-session", pk=session.pk)
        else:
            place = sel.isolation_place_for(session, int_or_none(request.POST.get("place")))
            try:
                marked = svc.isolation_mark(
                    scope=scope, place=place, status=request.POST.get("status", "")
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    f"{marked.learner.display_name}: {marked.get_status_display().lower()}.",
                )
                return redirect("behaviour:isolation-session", pk=session.pk)
    places = sel.isolation_places(session)
    context = {
        "session": session,
        "places": places,
        "place_form": place_form,
        "error": error,
        "can_mark": svc.may_mark_isolation(scope, session),
        "open": timezone.localdate() >= session.date,
    }
    if request.method == "POST":
        return render_invalid(request, "behaviour/isolation_session.html", context)
    response = render(request, "behaviour/isolation_session.html", context)
    audit.viewed(
        scope,
        session,
        action="behaviour.isolation_session.viewed",
        learners=[p.learner for p in places],
    )
    return response
