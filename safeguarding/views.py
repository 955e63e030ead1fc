"""Pages of the safeguarding log. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pastoral import audit
from pastoral.access import Cap, learner_or_404, require
from pastoral.accounts.stepup import has_recent_second_factor, step_up_required, step_up_url
from pastoral.selectors import learner_search_for
from safeguarding import forms, selectors, services
from safeguarding.models import Concern, ConcernAction, ConcernDraft, ConcernEntry

PAGE_SIZE = 25


def _apply_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError beside the field it names."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- Logging a concern ---------------------------------------------------------


def _draft_initial(draft: ConcernDraft | None) -> dict[str, Any]:
    if draft is None:
        return {}
    data = dict(draft.data)
    data.pop("saved_at", None)
    return {k: v for k, v in data.items() if v not in ("", [], None)}


@never_cache
@require_http_methods(["GET", "POST"])
def concern_new(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.LOG_CONCERN)
    services.categories_ensure(school_id=scope.school.pk)
    draft = ConcernDraft.objects.filter(user=scope.user, school=scope.school).first()
    if request.method == "POST":
        form = forms.ConcernForm(request.POST, request.FILES, scope=scope)
        if form.is_valid():
            data = form.cleaned_data
            try:
                concern = services.concern_create(
                    actor=request.user,
                    scope=scope,
                    learner_ids=data["learners"],
                    occurred_at=data["occurred_at"],
                    location=data["location"],
                    description=data["description"],
                    action_taken=data["action_taken"],
                    body_map=data["body_map"],
                    category_ids=data["categories"],
                    alerted_ids=data["alerted"],
                    restricted=data["restricted"],
                    files=data["attachments"],
                    request=request,
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Concern {concern.reference} logged. The safeguarding team has been told.",
                )
                return redirect("safeguarding:concern-detail", pk=concern.pk)
        status = 400
        chosen = services.learners_by_ids(scope, _ints(request.POST.getlist("learners")))
    else:
        initial = _draft_initial(draft)
        form = forms.ConcernForm(scope=scope, initial=initial)
        status = 200
        chosen = services.learners_by_ids(scope, _ints(initial.get("learners", [])))
    return render(
        request,
        "safeguarding/concern_form.html",
        {
            "form": form,
            "chosen": chosen,
            "draft": draft,
            "draft_saved_at": (draft.data.get("saved_at", 0) if draft else 0),
            "body_regions": BODY_REGIONS,
        },
        status=status,
    )


BODY_REGIONS = [
    ("head", "Head"),
    ("face", "Face"),
    ("neck", "Neck"),
    ("chest", "Chest"),
    ("abdomen", "Stomach"),
    ("upper-back", "Upper back"),
    ("lower-back", "Lower back"),
    ("left-arm", "Left arm"),
    ("right-arm", "Right arm"),
    ("left-hand", "Left hand"),
    ("right-hand", "Right hand"),
    ("left-leg", "Left leg"),
    ("right-leg", "Right leg"),
    ("left-foot", "Left foot"),
    ("right-foot", "Right foot"),
    ("buttocks", "Buttocks"),
]


def body_marks(body_map: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Marks ready to draw (cx, cy in the 100x200 diagram) and to read aloud."""
    regions = dict(BODY_REGIONS)
    out = []
    for mark in body_map or []:
        view = "Front" if mark.get("view") == "front" else "Back"
        if mark.get("region"):
            label = f"{view}: {regions.get(mark['region'], mark['region'])}"
        else:
            label = f"{view}: point {mark.get('x', 0):.0f}% across, {mark.get('y', 0):.0f}% down"
        out.append(
            {
                "view": mark.get("view"),
                "label": label,
                "cx": mark.get("x"),
                "cy": (mark["y"] * 2) if mark.get("y") is not None else None,
            }
        )
    return out


def _ints(values: Any) -> list[int]:
    out = []
    for value in values or []:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            continue
    return out


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
        if key in ("learners", "categories", "alerted"):
            data[key] = values
        else:
            data[key] = values[0] if values else ""
    saved_at = request.POST.get("saved_at", "")[:20]
    services.draft_save(actor=request.user, scope=scope, data=data, saved_at=saved_at)
    response = HttpResponse(status=204)
    response["X-Draft-Saved"] = saved_at
    return response


@require_POST
def draft_discard(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.LOG_CONCERN)
    services.draft_discard(actor=request.user, scope=scope)
    messages.info(request, "Draft discarded.")
    return redirect("safeguarding:concern-new")


@require_GET
def my_concerns(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.LOG_CONCERN)
    page = _page(request, selectors.my_concerns_for(scope))
    return render(request, "safeguarding/my_concerns.html", {"page": page, "query": ""})


# --- One concern -------------------------------------------------------------------


def _correction_choices(record: selectors.ConcernRecord, user_pk: int) -> list[tuple[str, str]]:
    choices = []
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


def _render_detail(request: HttpRequest, pk: int, status: int = 200, **bound: Any) -> HttpResponse:
    scope = request.scope
    record = selectors.concern_record_for(scope, pk)
    concern = record.concern
    services.concern_viewed(scope=scope, concern=concern, request=request)
    is_dsl = scope.can(Cap.TRIAGE_CONCERNS)
    context: dict[str, Any] = {
        "record": record,
        "concern": concern,
        "is_dsl": is_dsl,
        "body_marks": body_marks(concern.body_map),
        "body_views": [("front", "Front"), ("back", "Back")],
        "follow_up_form": bound.get("follow_up_form") or forms.FollowUpForm(),
        "correction_form": bound.get("correction_form")
        or forms.CorrectionForm(choices=_correction_choices(record, scope.user.pk)),
        "can_correct": bool(_correction_choices(record, scope.user.pk)),
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
        )
    return render(request, "safeguarding/concern_detail.html", context, status=status)


def _needs_step_up(request: HttpRequest, concern: Concern) -> HttpResponse | None:
    """The whole of a restricted record asks for a fresh second factor first.

    (The author's own view of what they wrote does not: it holds nothing they
    did not type themselves.)
    """
    restricted_view = concern.is_restricted and getattr(concern, "full_access", False)
    if restricted_view and not has_recent_second_factor(request):
        return redirect(step_up_url(request))
    return None


@never_cache
@require_GET
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = selectors.concern_for(require(request.scope, Cap.LOG_CONCERN), pk)
    return _needs_step_up(request, concern) or _render_detail(request, pk)


@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.LOG_CONCERN)
    selectors.concern_for(scope, pk)
    form = forms.FollowUpForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.entry_add_follow_up(
                actor=request.user,
                scope=scope,
                concern_pk=pk,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["attachments"],
                request=request,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Follow-up added.")
            return redirect("safeguarding:concern-detail", pk=pk)
    return _render_detail(request, pk, status=400, follow_up_form=form)


@require_POST
def correction(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.LOG_CONCERN)
    record = selectors.concern_record_for(scope, pk)
    form = forms.CorrectionForm(request.POST, choices=_correction_choices(record, scope.user.pk))
    if form.is_valid():
        target = form.cleaned_data["corrects"]
        try:
            services.entry_add_correction(
                actor=request.user,
                scope=scope,
                concern_pk=pk,
                corrects_pk=None if target == "original" else int(target),
                text=form.cleaned_data["text"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Correction added. The original stays on the record.")
            return redirect("safeguarding:concern-detail", pk=pk)
    return _render_detail(request, pk, status=400, correction_form=form)


@never_cache
@require_http_methods(["GET", "POST"])
def triage(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    concern = selectors.concern_for(scope, pk)
    stepped = _needs_step_up(request, concern)
    if stepped is not None:
        return stepped
    stale = False
    if request.method == "POST":
        form = forms.TriageForm(request.POST, scope=scope)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.concern_triage(
                    actor=request.user,
                    scope=scope,
                    concern_pk=pk,
                    version=data["version"],
                    level=data["level"],
                    owner_id=data["owner"],
                    category_ids=data["categories"],
                    next_action=data["next_action"],
                    due_date=data["due_date"],
                    request=request,
                )
            except services.StaleConcern:
                stale = True
                concern = selectors.concern_for(scope, pk)
                form = _triage_form(scope, concern)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, f"{concern.reference} triaged.")
                return redirect("safeguarding:concern-detail", pk=pk)
        status = 409 if stale else 400
    else:
        form = _triage_form(scope, concern)
        status = 200
    services.concern_viewed(scope=scope, concern=concern, request=request)
    return render(
        request,
        "safeguarding/triage.html",
        {"form": form, "concern": concern, "stale": stale},
        status=status,
    )


def _triage_form(scope: Any, concern: Concern) -> forms.TriageForm:
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


def _dsl_post(
    request: HttpRequest, pk: int, form: Any, call: Any, success: str, key: str
) -> HttpResponse:
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except services.StaleConcern:
            messages.error(
                request,
                "Another DSL changed this concern while you were looking at it. Nothing was overwritten: check the record and try again.",
            )
            return _render_detail(request, pk, status=409, stale=True)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("safeguarding:concern-detail", pk=pk)
    return _render_detail(request, pk, status=400, **{key: form})


@require_POST
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    selectors.concern_for(scope, pk)
    return _dsl_post(
        request,
        pk,
        forms.ActionForm(request.POST),
        lambda d: services.action_record(
            actor=request.user,
            scope=scope,
            concern_pk=pk,
            kind=d["kind"],
            details=d["details"],
            outcome=d["outcome"],
            taken_on=d["taken_on"],
            follow_up_due=d["follow_up_due"],
            request=request,
        ),
        "Action recorded.",
        "action_form",
    )


@require_POST
def action_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    action = ConcernAction.objects.filter(pk=pk, concern__school=scope.school).first()
    if action is None:
        raise Http404("Not found")
    form = forms.OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write the outcome.")
        return redirect("safeguarding:concern-detail", pk=action.concern_id)
    try:
        services.action_complete(
            actor=request.user,
            scope=scope,
            action_pk=pk,
            outcome=form.cleaned_data["outcome"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Outcome recorded.")
    return redirect("safeguarding:concern-detail", pk=action.concern_id)


@require_POST
def link(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    selectors.concern_for(scope, pk)
    return _dsl_post(
        request,
        pk,
        forms.LinkForm(request.POST),
        lambda d: services.concern_link(
            actor=request.user,
            scope=scope,
            concern_pk=pk,
            other_reference=d["reference"],
            request=request,
        ),
        "Concerns linked.",
        "link_form",
    )


@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    selectors.concern_for(scope, pk)
    return _dsl_post(
        request,
        pk,
        forms.CloseForm(request.POST),
        lambda d: services.concern_close(
            actor=request.user,
            scope=scope,
            concern_pk=pk,
            version=d["version"],
            reason=d["reason"],
            request=request,
        ),
        "Concern closed.",
        "close_form",
    )


@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    selectors.concern_for(scope, pk)
    return _dsl_post(
        request,
        pk,
        forms.CloseForm(request.POST),
        lambda d: services.concern_reopen(
            actor=request.user,
            scope=scope,
            concern_pk=pk,
            version=d["version"],
            reason=d["reason"],
            request=request,
        ),
        "Concern reopened.",
        "close_form",
    )


@require_POST
def share(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    selectors.concern_for(scope, pk)
    return _dsl_post(
        request,
        pk,
        forms.ShareForm(request.POST, scope=scope),
        lambda d: services.share_create(
            actor=request.user,
            scope=scope,
            concern_pk=pk,
            user_id=d["user"],
            reason=d["reason"],
            expires_at=d["expires_at"],
            request=request,
        ),
        "Shared. They can see this concern from now on.",
        "share_form",
    )


@require_POST
def share_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    share_row = services.share_withdraw(
        actor=request.user, scope=scope, share_pk=pk, request=request
    )
    messages.success(request, f"Sharing with {share_row.user} withdrawn.")
    return redirect("safeguarding:concern-detail", pk=share_row.concern_id)


@never_cache
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A file, only to someone who may see it; always downloaded, never rendered."""
    scope = require(request.scope, Cap.LOG_CONCERN)
    attachment = selectors.attachment_for(scope, pk)
    stepped = _needs_step_up(request, selectors.concern_for(scope, attachment.concern_id))
    if stepped is not None:
        return stepped
    concern = Concern.objects.prefetch_related("learner_links__learner").get(
        pk=attachment.concern_id
    )
    for link_row in concern.learner_links.all():
        audit.record(
            "safeguarding.attachment.downloaded",
            actor=request.user,
            school=scope.school,
            obj=attachment,
            learner=link_row.learner,
            request=request,
            changes={"concern": concern.reference, "name": attachment.original_name},
        )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("Not found") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- DSL lists ------------------------------------------------------------------------


@never_cache
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    page = _page(request, selectors.inbox_for(scope))
    audit.record(
        "safeguarding.inbox.viewed",
        actor=request.user,
        school=scope.school,
        request=request,
        changes={"page": page.number},
    )
    return render(
        request,
        "safeguarding/inbox.html",
        {
            "page": page,
            "counts": selectors.inbox_counts_for(scope),
            "query": _query_without_page(request),
        },
    )


@never_cache
@require_GET
def concern_list(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    form = forms.SearchForm(request.GET or None, scope=scope)
    params: dict[str, str] = {}
    if form.is_bound and form.is_valid():
        params = {k: str(v) for k, v in form.cleaned_data.items() if v not in (None, "")}
    page = _page(request, selectors.search_concerns(scope, params))
    audit.record(
        "safeguarding.search.viewed",
        actor=request.user,
        school=scope.school,
        request=request,
        changes={"filters": sorted(params)},
    )
    return render(
        request,
        "safeguarding/concern_list.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


@never_cache
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    return render(request, "safeguarding/dashboard.html", selectors.dashboard_for(scope))


# --- The learner's record ----------------------------------------------------------------


@never_cache
@require_GET
def chronology(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.VIEW_PASTORAL_CONCERNS)
    learner = learner_or_404(scope, pk, Cap.VIEW_PASTORAL_CONCERNS)
    form = forms.ChronologyFilterForm(request.GET or None, scope=scope)
    category_id, level = None, ""
    if form.is_bound and form.is_valid():
        category_id, level = form.cleaned_data["category"], form.cleaned_data["level"]
    entries = selectors.timeline_entries_for(scope, learner, category_id=category_id, level=level)
    page = _page(request, entries)
    audit.record(
        "safeguarding.chronology.viewed",
        actor=request.user,
        school=scope.school,
        obj=learner,
        request=request,
    )
    return render(
        request,
        "safeguarding/chronology.html",
        {
            "learner": learner,
            "page": page,
            "form": form,
            "query": _query_without_page(request),
            "is_dsl": scope.can(Cap.VIEW_ALL_RESTRICTED),
        },
    )


@never_cache
@require_GET
@step_up_required
def cp_file(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.VIEW_ALL_RESTRICTED)
    learner = learner_or_404(scope, pk, Cap.VIEW_ALL_RESTRICTED)
    concerns = selectors.cp_chronology_for(scope, learner)
    audit.record(
        "safeguarding.cp_file.viewed",
        actor=request.user,
        school=scope.school,
        obj=learner,
        request=request,
        changes={"concerns": [c.reference for c in concerns]},
    )
    return render(request, "safeguarding/cp_file.html", {"learner": learner, "concerns": concerns})


# --- Categories -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    services.categories_ensure(school_id=scope.school.pk)
    form = forms.CategoryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.category_create(
                    actor=request.user, scope=scope, name=form.cleaned_data["name"], request=request
                )
            except ValidationError as exc:
                form.add_error(
                    "name",
                    "That category already exists."
                    if "name" in getattr(exc, "error_dict", {})
                    or "__all__" in getattr(exc, "error_dict", {})
                    else exc.messages[0],
                )
            else:
                messages.success(request, "Category added.")
                return redirect("safeguarding:categories")
        status = 400
    return render(
        request,
        "safeguarding/categories.html",
        {"form": form, "categories": selectors.categories_for(scope, active_only=False)},
        status=status,
    )


@require_POST
def category_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    services.category_toggle(actor=request.user, scope=scope, pk=pk, request=request)
    return redirect("safeguarding:categories")


# --- Investigations ------------------------------------------------------------------------------


@require_POST
def investigation_new(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.LOG_CONCERN)
    concern = selectors.concern_for(scope, pk)
    if not concern.full_access:
        raise Http404("Not found")
    form = forms.InvestigationForm(request.POST)
    if form.is_valid():
        inv = services.investigation_open(
            actor=request.user,
            scope=scope,
            concern_pk=pk,
            title=form.cleaned_data["title"],
            request=request,
        )
        return redirect("safeguarding:investigation-detail", pk=inv.pk)
    return _render_detail(request, pk, status=400, investigation_form=form)


def _render_investigation(
    request: HttpRequest, pk: int, status: int = 200, **bound: Any
) -> HttpResponse:
    from safeguarding.models import Investigation

    scope = request.scope
    services.investigation_for(scope, pk)
    inv = (
        Investigation.objects.select_related("concern", "opened_by")
        .prefetch_related(
            "participants__learner__year_group",
            "participants__statements__taken_by",
            "participants__statements__attachments",
            "evidence__reviewed_by",
        )
        .get(pk=pk)
    )
    audit.record(
        "safeguarding.investigation.viewed",
        actor=request.user,
        school=scope.school,
        obj=inv,
        request=request,
    )
    return render(
        request,
        "safeguarding/investigation.html",
        {
            "inv": inv,
            "participant_form": bound.get("participant_form") or forms.ParticipantForm(),
            "statement_form": bound.get("statement_form") or forms.StatementForm(),
            "evidence_form": bound.get("evidence_form") or forms.EvidenceForm(),
            "outcome_form": bound.get("outcome_form") or forms.ParticipantOutcomeForm(),
            "conclude_form": bound.get("conclude_form") or forms.ConcludeForm(),
        },
        status=status,
    )


@never_cache
@require_GET
def investigation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.LOG_CONCERN)
    inv = services.investigation_for(scope, pk)
    stepped = _needs_step_up(request, selectors.concern_for(scope, inv.concern_id))
    return stepped or _render_investigation(request, pk)


def _inv_post(
    request: HttpRequest, pk: int, form: Any, call: Any, success: str, key: str
) -> HttpResponse:
    scope = require(request.scope, Cap.LOG_CONCERN)
    services.investigation_for(scope, pk)
    if form.is_valid():
        try:
            call(scope, form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("safeguarding:investigation-detail", pk=pk)
    return _render_investigation(request, pk, status=400, **{key: form})


@require_POST
def investigation_participant(request: HttpRequest, pk: int) -> HttpResponse:
    return _inv_post(
        request,
        pk,
        forms.ParticipantForm(request.POST),
        lambda scope, d: services.participant_add(
            actor=request.user,
            scope=scope,
            investigation_pk=pk,
            learner_id=d["learner"],
            part=d["part"],
            request=request,
        ),
        "Pupil added.",
        "participant_form",
    )


@require_POST
def investigation_statement(request: HttpRequest, pk: int) -> HttpResponse:
    def call(scope: Any, d: dict[str, Any]) -> None:
        services.statement_add(
            actor=request.user,
            scope=scope,
            participant_pk=d["participant"],
            investigation_pk=pk,
            text=d["text"],
            files=d["attachments"],
            request=request,
        )

    return _inv_post(
        request,
        pk,
        forms.StatementForm(request.POST, request.FILES),
        call,
        "Statement added.",
        "statement_form",
    )


@require_POST
def investigation_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    return _inv_post(
        request,
        pk,
        forms.EvidenceForm(request.POST),
        lambda scope, d: services.evidence_add(
            actor=request.user,
            scope=scope,
            investigation_pk=pk,
            source=d["source"],
            finding=d["finding"],
            reviewed_at=d["reviewed_at"],
            request=request,
        ),
        "Evidence note added.",
        "evidence_form",
    )


@require_POST
def investigation_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    def call(scope: Any, d: dict[str, Any]) -> None:
        services.participant_outcome(
            actor=request.user,
            scope=scope,
            participant_pk=d["participant"],
            investigation_pk=pk,
            outcome=d["outcome"],
            request=request,
        )

    return _inv_post(
        request,
        pk,
        forms.ParticipantOutcomeForm(request.POST),
        call,
        "Outcome recorded.",
        "outcome_form",
    )


@require_POST
def investigation_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    return _inv_post(
        request,
        pk,
        forms.ConcludeForm(request.POST),
        lambda scope, d: services.investigation_conclude(
            actor=request.user,
            scope=scope,
            investigation_pk=pk,
            conclusion=d["conclusion"],
            request=request,
        ),
        "Investigation concluded.",
        "conclude_form",
    )
