"""SEND pages: the SENCO's queue, a learner's SEN record, its form, scheduling
an annual review, marking a step done, and the school's label setting."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from caseload.models.send import ReviewStep, SenRecord
from caseload.selectors import send as selectors
from caseload.send_forms import ReviewScheduleForm, SendSettingsForm, SenRecordForm, StepDoneForm
from caseload.services import send as services
from caseload.views._common import page_of, render_form
from pastoral import audit
from pastoral.access import Cap, learner_or_404, require
from pastoral.exports import Column, export_format, export_response
from pastoral.forms import apply_errors

QUEUE_COLUMNS = [
    Column("Learner", "learner.display_name"),
    Column("UPN", "learner.upn"),
    Column("Year", "learner.year_group.name"),
    Column("Next step", "next_step"),
    Column("Due", "next_due"),
    Column("Overdue", lambda r: "yes" if r.overdue else ""),
]


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return query.urlencode()


@require_GET
def send_queue(request: HttpRequest) -> HttpResponseBase:
    """Annual reviews due and review steps overdue, soonest first."""
    scope = require(request.scope, Cap.MANAGE_PLANS)
    terms = selectors.send_terms(scope.school)
    rows = selectors.send_queue_for(scope)
    today = timezone.localdate()
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=rows,
            columns=QUEUE_COLUMNS,
            filename=f"{terms.ehcp.lower()}-review-queue",
            fmt=fmt,
            audit_action="caseload.send_queue.exported",
            prepare=lambda chunk: selectors.queue_rows(chunk, today),
        )
    page = page_of(request, rows)
    selectors.queue_rows(page.object_list, today)
    response = render(
        request,
        "caseload/send_queue.html",
        {"page": page, "terms": terms, "today": today, "query": _query(request)},
    )
    audit.viewed(
        scope,
        action="caseload.send_queue.viewed",
        learners=[r.learner for r in page.object_list],
        page=page.number,
    )
    return response


@require_GET
def sen_record(request: HttpRequest, pk: int) -> HttpResponse:
    """A learner's SEN record: needs, provision, outcomes, linked plans, reviews."""
    scope = require(request.scope, Cap.VIEW_PROFILE)
    learner = learner_or_404(scope, pk, Cap.VIEW_PROFILE)
    record = selectors.sen_record_of(scope, learner)
    context = {
        "learner": learner,
        "record": record,
        "terms": selectors.send_terms(scope.school),
        "today": timezone.localdate(),
        "can_edit": scope.can(Cap.MANAGE_PLANS),
        # From the prefetched steps: a new review waits for the open one.
        "review_open": record is not None
        and any(s.done_on is None for r in record.reviews.all() for s in r.steps.all()),
    }
    response = render(request, "caseload/sen_record.html", context)
    audit.viewed(scope, record or learner, action="caseload.sen_record.viewed", learners=[learner])
    return response


@require_http_methods(["GET", "POST"])
def sen_record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_PLANS)
    learner = learner_or_404(scope, pk, Cap.MANAGE_PLANS)
    record = selectors.sen_record_of(scope, learner)
    terms = selectors.send_terms(scope.school)
    form = SenRecordForm(
        request.POST or None,
        instance=record,
        plans=selectors.learner_plans(learner),
        terms=terms,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        plans = data.pop("plans")
        try:
            services.sen_record_save(scope=scope, learner=learner, fields=data, plans=plans)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{terms.sen} record saved.")
            return redirect("caseload:sen-record", pk=learner.pk)
    return render_form(
        request,
        "caseload/sen_record_form.html",
        {"form": form, "learner": learner, "record": record, "terms": terms},
    )


@require_http_methods(["GET", "POST"])
def ehcp_review_create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_PLANS)
    record = selectors.sen_record_or_404(scope, pk)
    terms = selectors.send_terms(scope.school)
    due_by = services.review_due_by(record, record.learner)
    form = ReviewScheduleForm(request.POST or None, initial={"meeting_on": due_by})
    if request.method == "POST" and form.is_valid():
        try:
            review = services.ehcp_review_schedule(scope=scope, record=record, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if review.is_late:
                messages.warning(
                    request,
                    f"Review scheduled, but flagged: the meeting is after "
                    f"{review.due_by:%d %b %Y}, more than the code of practice allows.",
                )
            else:
                messages.success(request, "Annual review scheduled.")
            return redirect("caseload:sen-record", pk=record.learner_id)
    return render_form(
        request,
        "caseload/ehcp_review_form.html",
        {
            "form": form,
            "record": record,
            "learner": record.learner,
            "terms": terms,
            "due_by": due_by,
            "is_ehcp": record.status == SenRecord.Status.EHCP,
        },
    )


@require_http_methods(["GET", "POST"])
def review_step_done(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_PLANS)
    step: ReviewStep = selectors.review_step_or_404(scope, pk)
    form = StepDoneForm(request.POST or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.review_step_complete(scope=scope, step=step, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Marked done: {step.get_kind_display()}.")
            return redirect("caseload:sen-record", pk=step.review.record.learner_id)
    return render_form(
        request,
        "caseload/review_step_done.html",
        {"form": form, "step": step, "learner": step.review.record.learner},
    )


@require_http_methods(["GET", "POST"])
def send_settings(request: HttpRequest) -> HttpResponse:
    """The school's SEND labels (the administrator): England or Wales."""
    scope = require(request.scope, Cap.MANAGE_SETTINGS)
    current = selectors.send_settings_for(scope.school)
    form = SendSettingsForm(request.POST or None, initial={"nation": current.nation})
    if request.method == "POST" and form.is_valid():
        try:
            services.send_settings_update(scope=scope, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "SEND settings saved.")
            return redirect("caseload:send-settings")
    return render_form(request, "caseload/send_settings.html", {"form": form})
