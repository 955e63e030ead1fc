"""Investigations: opened from a concern by whoever sees all of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from pastoral import audit
from pastoral.access import Cap, Scope, require
from pastoral.forms import apply_errors, render_invalid
from safeguarding import forms, selectors, services
from safeguarding.models import Investigation
from safeguarding.views.common import needs_step_up
from safeguarding.views.concerns import refused

TEMPLATE = "safeguarding/investigation.html"


@require_POST
def investigation_new(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.LOG_CONCERN)
    concern = selectors.concern_for(scope, pk)
    if not concern.full_access:
        raise Http404("Not found")
    form = forms.InvestigationForm(request.POST)
    if form.is_valid():
        try:
            inv = services.investigation_open(
                scope=scope, concern=concern, title=form.cleaned_data["title"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("safeguarding:investigation-detail", pk=inv.pk)
    return refused(request, scope, pk, investigation_form=form)


def _context(inv: Investigation, **bound: Any) -> dict[str, Any]:
    return {
        "inv": inv,
        "participant_form": bound.get("participant_form") or forms.ParticipantForm(),
        "statement_form": bound.get("statement_form") or forms.StatementForm(),
        "evidence_form": bound.get("evidence_form") or forms.EvidenceForm(),
        "outcome_form": bound.get("outcome_form") or forms.ParticipantOutcomeForm(),
        "conclude_form": bound.get("conclude_form") or forms.ConcludeForm(),
    }


@never_cache
@require_GET
def investigation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.LOG_CONCERN)
    inv = selectors.investigation_record_for(scope, pk)
    stepped = needs_step_up(request, inv.concern)
    if stepped is not None:
        return stepped
    response = render(request, TEMPLATE, _context(inv))
    audit.viewed(scope, inv)
    return response


def _inv_post(
    request: HttpRequest,
    pk: int,
    form: django_forms.Form,
    call: Callable[[Scope, Investigation, dict[str, Any]], object],
    success: str,
    key: str,
) -> HttpResponse:
    """A form of the investigation page: the service, then back to the page; a
    refused form comes back with its errors (422), not audited as a view."""
    scope = require(request.scope, Cap.LOG_CONCERN)
    inv = selectors.investigation_for(scope, pk)
    if form.is_valid():
        try:
            call(scope, inv, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("safeguarding:investigation-detail", pk=pk)
    record = selectors.investigation_record_for(scope, pk)
    return render_invalid(request, TEMPLATE, _context(record, **{key: form}))


@require_POST
def investigation_participant(request: HttpRequest, pk: int) -> HttpResponse:
    return _inv_post(
        request,
        pk,
        forms.ParticipantForm(request.POST),
        lambda scope, inv, d: services.participant_add(
            scope=scope, investigation=inv, learner_id=d["learner"], part=d["part"]
        ),
        "Pupil added.",
        "participant_form",
    )


@require_POST
def investigation_statement(request: HttpRequest, pk: int) -> HttpResponse:
    return _inv_post(
        request,
        pk,
        forms.StatementForm(request.POST, request.FILES),
        lambda scope, inv, d: services.statement_add(
            scope=scope,
            participant=selectors.participant_for(scope, inv, d["participant"]),
            text=d["text"],
            files=d["attachments"],
        ),
        "Statement added.",
        "statement_form",
    )


@require_POST
def investigation_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    return _inv_post(
        request,
        pk,
        forms.EvidenceForm(request.POST),
        lambda scope, inv, d: services.evidence_add(
            scope=scope,
            investigation=inv,
            source=d["source"],
            finding=d["finding"],
            reviewed_at=d["reviewed_at"],
        ),
        "Evidence note added.",
        "evidence_form",
    )


@require_POST
def investigation_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    return _inv_post(
        request,
        pk,
        forms.ParticipantOutcomeForm(request.POST),
        lambda scope, inv, d: services.participant_outcome(
            scope=scope,
            participant=selectors.participant_for(scope, inv, d["participant"]),
            outcome=d["outcome"],
        ),
        "Outcome recorded.",
        "outcome_form",
    )


@require_POST
def investigation_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    return _inv_post(
        request,
        pk,
        forms.ConcludeForm(request.POST),
        lambda scope, inv, d: services.investigation_conclude(
            scope=scope, investigation=inv, conclusion=d["conclusion"]
        ),
        "Investigation concluded.",
        "conclude_form",
    )
