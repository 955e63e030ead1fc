"""The DSL's work on one concern: triage, actions, links, close, reopen, sharing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from pastoral import audit
from pastoral.access import Cap, Scope, require
from pastoral.forms import INVALID_STATUS, apply_errors
from safeguarding import forms, selectors, services
from safeguarding.models import Concern
from safeguarding.views.common import learners_of, needs_step_up
from safeguarding.views.concerns import refused

STALE_STATUS = 409


def _triage_form(scope: Scope, concern: Concern) -> forms.TriageForm:
    return forms.TriageForm(
        scope=scope,
        initial={
            "version": concern.version,
            "level": concern.level,
            "owner": concern.owner_id or scope.user.pk,
            "categories": [c.pk for c in concern.categories.all()],
            "next_action": concern.next_action,
            "due_date": concern.due_date,
        },
    )


def _triage_page(
    scope: Scope,
    concern: Concern,
    form: forms.TriageForm,
    *,
    stale: bool = False,
    bound: forms.LinkRoleForm | None = None,
) -> dict[str, Any]:
    """The triage page: the form, each learner's part, and their recent history beside it."""
    return {
        "form": form,
        "concern": concern,
        "stale": stale,
        "link_forms": _link_forms(scope, concern, bound),
        "history": selectors.learner_history_for(scope, concern),
    }


def _link_forms(
    scope: Scope, concern: Concern, bound: forms.LinkRoleForm | None = None
) -> list[forms.LinkRoleForm]:
    """One form per learner of the concern: their role and own categories."""
    out = []
    for link in concern.learner_links.all():
        if bound is not None and bound.link.pk == link.pk:
            out.append(bound)
            continue
        out.append(
            forms.LinkRoleForm(
                scope=scope,
                link=link,
                initial={"role": link.role, "categories": [c.pk for c in link.categories.all()]},
            )
        )
    return out


@never_cache
@require_http_methods(["GET", "POST"])
def triage(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    concern = selectors.dsl_concern_for(scope, pk)
    stepped = needs_step_up(request, concern)
    if stepped is not None:
        return stepped
    if request.method == "GET":
        response = render(
            request,
            "safeguarding/triage.html",
            _triage_page(scope, concern, _triage_form(scope, concern)),
        )
        audit.viewed(
            scope, concern, learners=learners_of(concern), reference=concern.reference, view="full"
        )
        return response
    form = forms.TriageForm(request.POST, scope=scope)
    stale = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.concern_triage(
                scope=scope,
                concern=concern,
                version=data["version"],
                level=data["level"],
                owner_id=data["owner"],
                category_ids=data["categories"],
                next_action=data["next_action"],
                due_date=data["due_date"],
                level_reason=data["level_reason"],
            )
        except services.StaleConcern:
            stale = True
            concern = selectors.dsl_concern_for(scope, pk)
            form = _triage_form(scope, concern)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{concern.reference} triaged.")
            return redirect("safeguarding:concern-detail", pk=pk)
    return render(
        request,
        "safeguarding/triage.html",
        _triage_page(scope, concern, form, stale=stale),
        status=STALE_STATUS if stale else INVALID_STATUS,
    )


@require_POST
def link_role(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    """A DSL sets one learner's role in the concern and their own categories."""
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    concern = selectors.dsl_concern_for(scope, pk)
    link_row = selectors.concern_learner_for(scope, concern, link_pk)
    form = forms.LinkRoleForm(request.POST, scope=scope, link=link_row)
    if form.is_valid():
        try:
            services.link_update(
                scope=scope,
                link=link_row,
                role=form.cleaned_data["role"],
                category_ids=form.cleaned_data["categories"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{link_row.learner.display_name}'s part saved.")
            return redirect("safeguarding:concern-triage", pk=pk)
    return render(
        request,
        "safeguarding/triage.html",
        _triage_page(scope, concern, _triage_form(scope, concern), bound=form),
        status=INVALID_STATUS,
    )


@require_POST
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    """A DSL records a decision not to refer or not to share, with its rationale."""
    return _dsl_post(
        request,
        pk,
        forms.DecisionForm(request.POST),
        lambda scope, concern, d: services.decision_record(
            scope=scope,
            concern=concern,
            kind=d["kind"],
            decision=d["decision"],
            rationale=d["rationale"],
        ),
        "Decision recorded.",
        "decision_form",
    )


def _dsl_post(
    request: HttpRequest,
    pk: int,
    form: django_forms.Form,
    call: Callable[[Scope, Concern, dict[str, Any]], object],
    success: str,
    key: str,
) -> HttpResponse:
    """A DSL's form on the concern page: the service, then back to the page;
    a refused form comes back with its errors (422), a stale version with the
    current record (409)."""
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    concern = selectors.dsl_concern_for(scope, pk)
    if form.is_valid():
        try:
            call(scope, concern, form.cleaned_data)
        except services.StaleConcern:
            messages.error(
                request,
                "Another DSL changed this concern while you were looking at it. Nothing was overwritten: check the record and try again.",
            )
            return refused(request, scope, pk, status=STALE_STATUS, stale=True)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("safeguarding:concern-detail", pk=pk)
    return refused(request, scope, pk, **{key: form})


@require_POST
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _dsl_post(
        request,
        pk,
        forms.ActionForm(request.POST),
        lambda scope, concern, d: services.action_record(
            scope=scope,
            concern=concern,
            kind=d["kind"],
            details=d["details"],
            outcome=d["outcome"],
            taken_on=d["taken_on"],
            follow_up_due=d["follow_up_due"],
        ),
        "Action recorded.",
        "action_form",
    )


@require_POST
def action_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    action = selectors.action_for(scope, pk)
    form = forms.OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write the outcome.")
        return refused(request, scope, action.concern_id)
    try:
        services.action_complete(scope=scope, action=action, outcome=form.cleaned_data["outcome"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return refused(request, scope, action.concern_id)
    messages.success(request, "Outcome recorded.")
    return redirect("safeguarding:concern-detail", pk=action.concern_id)


@require_POST
def link(request: HttpRequest, pk: int) -> HttpResponse:
    return _dsl_post(
        request,
        pk,
        forms.LinkForm(request.POST),
        lambda scope, concern, d: services.concern_link(
            scope=scope, concern=concern, other_reference=d["reference"]
        ),
        "Concerns linked.",
        "link_form",
    )


@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    return _dsl_post(
        request,
        pk,
        forms.CloseForm(request.POST),
        lambda scope, concern, d: services.concern_close(
            scope=scope,
            concern=concern,
            version=d["version"],
            reason=d["reason"],
            rationale=d["rationale"],
        ),
        "Concern closed.",
        "close_form",
    )


@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _dsl_post(
        request,
        pk,
        forms.CloseForm(request.POST),
        lambda scope, concern, d: services.concern_reopen(
            scope=scope, concern=concern, version=d["version"], reason=d["reason"]
        ),
        "Concern reopened.",
        "close_form",
    )


@require_POST
def share(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    return _dsl_post(
        request,
        pk,
        forms.ShareForm(request.POST, scope=scope),
        lambda scope, concern, d: services.share_create(
            scope=scope,
            concern=concern,
            user_id=d["user"],
            reason=d["reason"],
            expires_at=d["expires_at"],
        ),
        "Shared. They can see this concern from now on.",
        "share_form",
    )


@require_POST
def share_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    share_row = services.share_withdraw(scope=scope, share=selectors.share_for(scope, pk))
    messages.success(request, f"Sharing with {share_row.user} withdrawn.")
    return redirect("safeguarding:concern-detail", pk=share_row.concern_id)
