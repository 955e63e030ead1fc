"""Logging a concern, one concern's page, follow-ups, corrections and files."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pastoral import audit
from pastoral.access import Cap, Scope, require
from pastoral.forms import apply_errors, render_invalid
from pastoral.selectors import learner_search_for
from safeguarding import forms, selectors, services
from safeguarding.models import ConcernDraft, ConcernEntry
from safeguarding.views.body_map import BODY_REGIONS, BODY_VIEWS, REGION_POINTS, body_marks
from safeguarding.views.common import ints, learners_of, needs_step_up, page_of

# --- Logging a concern ---------------------------------------------------------


def _draft_initial(draft: ConcernDraft | None) -> dict[str, Any]:
    if draft is None:
        return {}
    data = dict(draft.data)
    data.pop("saved_at", None)
    return {k: v for k, v in data.items() if v not in ("", [], None)}


PREFILL_TEXT = {"description": 4000, "location": 200}


def _prefill_initial(params: Any) -> dict[str, Any]:
    """A concern form opened from a link (e.g. "raise a concern" on another
    page) may carry the learner, when, where and a description in its query:
    offered as a starting point only, checked again like anything typed."""
    initial: dict[str, Any] = {}
    learner = ints([params.get("learner", "")])
    if learner:
        initial["learners"] = learner[:1]
    when = params.get("occurred_at", "")[:16]
    try:
        dt.datetime.strptime(when, "%Y-%m-%dT%H:%M")
    except ValueError:
        pass
    else:
        initial["occurred_at"] = when
    for key, limit in PREFILL_TEXT.items():
        value = params.get(key, "").strip()[:limit]
        if value:
            initial[key] = value
    return initial


@never_cache
@require_http_methods(["GET", "POST"])
def concern_new(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.LOG_CONCERN)
    draft = selectors.draft_for(scope)
    if request.method == "POST":
        form = forms.ConcernForm(request.POST, request.FILES, scope=scope)
        if form.is_valid():
            data = form.cleaned_data
            try:
                concern = services.concern_create(
                    scope=scope,
                    learner_ids=data["learners"],
                    occurred_at=data["occurred_at"],
                    location=data["location"],
                    description=data["description"],
                    action_taken=data["action_taken"],
                    body_map=data["body_map"],
                    category_ids=data["categories"],
                    alerted_ids=data["alerted"],
                    alert_groups=data["alert_groups"],
                    restricted=data["restricted"],
                    files=data["attachments"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                told = (
                    "Only the DSL team has been told: it is restricted."
                    if concern.is_restricted
                    else "The safeguarding team has been told."
                )
                messages.success(request, f"Concern {concern.reference} logged. {told}")
                return redirect("safeguarding:concern-detail", pk=concern.pk)
        chosen = selectors.learners_by_ids(scope, ints(request.POST.getlist("learners")))
    else:
        # An unsent draft wins over a prefilled link: nothing typed is lost.
        initial = _draft_initial(draft) or _prefill_initial(request.GET)
        form = forms.ConcernForm(scope=scope, initial=initial)
        chosen = selectors.learners_by_ids(scope, ints(initial.get("learners", [])))
    context = {
        "form": form,
        "chosen": chosen,
        "draft": draft,
        "draft_saved_at": (draft.data.get("saved_at", 0) if draft else 0),
        "body_regions": BODY_REGIONS,
        # One flat object per view (no nested braces in the page).
        "region_points_front": json.dumps(REGION_POINTS["front"]),
        "region_points_back": json.dumps(REGION_POINTS["back"]),
    }
    if request.method == "POST":
        return render_invalid(request, "safeguarding/concern_form.html", context)
    return render(request, "safeguarding/concern_form.html", context)


@require_GET
def learner_picker(request: HttpRequest) -> HttpResponse:
    """Learners of the school matching what is typed (directory fields only)."""
    scope = require(request.scope, Cap.LOG_CONCERN)
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "safeguarding/_learner_picker.html",
        {"results": learner_search_for(scope, query), "q": query},
    )


@require_POST
def draft_save(request: HttpRequest) -> HttpResponse:
    """Autosave: the form's fields as typed so far (no files)."""
    scope = require(request.scope, Cap.LOG_CONCERN)
    data: dict[str, Any] = {}
    for key in services.DRAFT_FIELDS:
        values = request.POST.getlist(key)
        if key in ("learners", "categories", "alerted", "alert_groups"):
            data[key] = values
        else:
            data[key] = values[0] if values else ""
    saved_at = request.POST.get("saved_at", "")[:20]
    services.draft_save(scope=scope, data=data, saved_at=saved_at)
    response = HttpResponse(status=204)
    response["X-Draft-Saved"] = saved_at
    return response


@require_POST
def draft_discard(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.LOG_CONCERN)
    services.draft_discard(scope=scope)
    messages.info(request, "Draft discarded.")
    return redirect("safeguarding:concern-new")


@never_cache
@require_GET
def my_concerns(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.LOG_CONCERN)
    page = page_of(request, selectors.my_concerns_for(scope))
    audit.viewed(scope, action="safeguarding.my_concerns.listed", page=page.number)
    return render(request, "safeguarding/my_concerns.html", {"page": page, "query": ""})


# --- One concern -------------------------------------------------------------------


def _correction_choices(record: selectors.ConcernRecord, user_pk: int) -> list[tuple[str, str]]:
    choices = [("", "Choose…")]
    if record.concern.author_id == user_pk:
        choices.append(("original", "My original account"))
    for entry in record.entries:
        if entry.author_id == user_pk and entry.kind in ConcernEntry.AUTHOR_KINDS:
            choices.append(
                (
                    str(entry.pk),
                    f"My {entry.get_kind_display().lower()} of {entry.created_at:%d/%m/%Y %H:%M}",
                )
            )
    return choices


def detail_context(scope: Scope, record: selectors.ConcernRecord, **bound: Any) -> dict[str, Any]:
    """What the concern page shows; `bound` holds a refused form to show again."""
    concern = record.concern
    is_dsl = scope.can(Cap.TRIAGE_CONCERNS)
    choices = _correction_choices(record, scope.user.pk)
    context: dict[str, Any] = {
        "record": record,
        "concern": concern,
        "is_dsl": is_dsl,
        "body_marks": body_marks(concern.body_map),
        "body_views": BODY_VIEWS,
        "follow_up_form": bound.get("follow_up_form") or forms.FollowUpForm(),
        "correction_form": bound.get("correction_form") or forms.CorrectionForm(choices=choices),
        "can_correct": bool(choices),
        "can_investigate": record.full_access,
        "investigation_form": bound.get("investigation_form") or forms.InvestigationForm(),
        "stale": bound.get("stale", False),
    }
    if is_dsl:
        context.update(
            action_form=bound.get("action_form") or forms.ActionForm(),
            link_form=bound.get("link_form") or forms.LinkForm(),
            close_form=bound.get("close_form")
            or forms.CloseForm(initial={"version": concern.version}),
            share_form=bound.get("share_form") or forms.ShareForm(scope=scope),
            outcome_form=forms.OutcomeForm(),
            decision_form=bound.get("decision_form") or forms.DecisionForm(),
        )
    return context


def refused(
    request: HttpRequest, scope: Scope, pk: int, *, status: int | None = None, **bound: Any
) -> HttpResponse:
    """The concern page again, as it stands now, with a refused form's errors
    (422) or the stale-version warning (409). Not a page view: nothing is audited."""
    record = selectors.concern_record_for(scope, pk)
    context = detail_context(scope, record, **bound)
    if status is None:
        return render_invalid(request, "safeguarding/concern_detail.html", context)
    return render(request, "safeguarding/concern_detail.html", context, status=status)


@never_cache
@require_GET
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.LOG_CONCERN)
    concern = selectors.concern_for(scope, pk)
    stepped = needs_step_up(request, concern)
    if stepped is not None:
        return stepped
    record = selectors.concern_record_for(scope, pk, concern=concern)
    response = render(request, "safeguarding/concern_detail.html", detail_context(scope, record))
    audit.viewed(
        scope,
        concern,
        learners=learners_of(concern),
        reference=concern.reference,
        view="full" if record.full_access else "author",
    )
    return response


@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.LOG_CONCERN)
    concern = selectors.concern_for(scope, pk)
    form = forms.FollowUpForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.entry_add_follow_up(
                scope=scope,
                concern=concern,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Follow-up added.")
            return redirect("safeguarding:concern-detail", pk=pk)
    return refused(request, scope, pk, follow_up_form=form)


@require_POST
def correction(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.LOG_CONCERN)
    record = selectors.concern_record_for(scope, pk)
    form = forms.CorrectionForm(request.POST, choices=_correction_choices(record, scope.user.pk))
    if form.is_valid():
        target = form.cleaned_data["corrects"]
        try:
            services.entry_add_correction(
                scope=scope,
                concern=record.concern,
                corrects_pk=None if target == "original" else int(target),
                text=form.cleaned_data["text"],
                reason=form.cleaned_data["reason"],
                body_map=form.cleaned_data["body_map"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Correction added. The original stays on the record.")
            return redirect("safeguarding:concern-detail", pk=pk)
    return render_invalid(
        request,
        "safeguarding/concern_detail.html",
        detail_context(scope, record, correction_form=form),
    )


@never_cache
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A file, only to someone who may see it; always downloaded, never rendered."""
    scope = require(request.scope, Cap.LOG_CONCERN)
    attachment = selectors.attachment_for(scope, pk)
    stepped = needs_step_up(request, attachment.concern)
    if stepped is not None:
        return stepped
    handle = services.attachment_download(scope=scope, attachment=attachment)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
