"""Export pages for the caseload reports: transfer, case conference, caseload
review, transfer bundle, subject access. Each POST creates a report job and
goes to its progress page (pastoral.reports). Subject access is a workflow
(caseload.reports.sar): record, assemble each part, approve, release."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from caseload.reports import sar
from caseload.reports.bundle import TRANSFER_BUNDLE
from caseload.reports.forms import (
    ApproveForm,
    CaseConferenceForm,
    CaseloadReviewForm,
    RedactionForm,
    SubjectAccessExtendForm,
    SubjectAccessRequestForm,
    TransferReportForm,
)
from caseload.reports.review import CASELOAD_REVIEW
from caseload.reports.transfer import CASE_CONFERENCE, TRANSFER
from caseload.views._common import int_param, page_of, render_form
from pastoral import audit
from pastoral.access import Cap, Scope, learner_or_404, require
from pastoral.accounts.stepup import step_up_required
from pastoral.forms import INVALID_STATUS, apply_errors, render_invalid
from pastoral.models import Learner
from pastoral.reports import services as reports
from pastoral.reports.forms import BundleForTransferForm
from pastoral.reports.selectors import cp_transfers_of_learner


def _requested(
    request: HttpRequest,
    scope: Scope,
    kind: str,
    title: str,
    *,
    learner: Learner | None = None,
    params: dict[str, Any] | None = None,
) -> HttpResponse:
    """Create the report job and go to its progress page."""
    job = reports.report_request(
        scope=scope, kind=kind, title=title, learner=learner, params=params or {}
    )
    return redirect("reports:job-detail", pk=job.pk)


@require_http_methods(["GET", "POST"])
@step_up_required
def transfer_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A learner is leaving: export their transfer report, choosing sections."""
    scope = require(request.scope, Cap.EXPORT_TRANSFER)
    learner = learner_or_404(scope, pk, Cap.EXPORT_TRANSFER)
    form = TransferReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return _requested(
            request,
            scope,
            TRANSFER,
            f"Transfer report: {learner.display_name}",
            learner=learner,
            params=form.params(),
        )
    return render_form(
        request,
        "caseload/report_transfer.html",
        {"learner": learner, "form": form, "may_bundle": scope.can(Cap.EXPORT_CP_FILE)},
    )


@require_http_methods(["GET", "POST"])
@step_up_required
def case_conference(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.EXPORT_TRANSFER)
    learner = learner_or_404(scope, pk, Cap.EXPORT_TRANSFER)
    form = CaseConferenceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return _requested(
            request,
            scope,
            CASE_CONFERENCE,
            f"Case-conference summary: {learner.display_name}",
            learner=learner,
            params=form.params(),
        )
    return render_form(
        request,
        "caseload/report_case_conference.html",
        {"learner": learner, "form": form},
    )


@require_http_methods(["GET", "POST"])
@step_up_required
def caseload_review(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.VIEW_CASELOAD_BOARD)
    form = CaseloadReviewForm(request.POST if request.method == "POST" else None, scope=scope)
    if request.method == "POST" and form.is_valid():
        return _requested(
            request,
            scope,
            CASELOAD_REVIEW,
            f"Caseload review: {scope.school.name}",
            params=form.params(),
        )
    return render_form(request, "caseload/report_caseload_review.html", {"form": form})


@require_http_methods(["GET", "POST"])
@step_up_required
def transfer_bundle(request: HttpRequest, pk: int) -> HttpResponse:
    """The machine-readable bundle for the learner's new school (DSL only); sent
    with a CP transfer, it asks the receiving installation for a signed receipt."""
    scope = require(request.scope, Cap.EXPORT_CP_FILE)
    learner = learner_or_404(scope, pk, Cap.EXPORT_CP_FILE)
    transfers = [t for t in cp_transfers_of_learner(scope, learner) if not t.receipt_verified]
    form = BundleForTransferForm(
        request.POST if request.method == "POST" else None, transfers=transfers
    )
    if request.method == "POST" and form.is_valid():
        chosen = next((t for t in transfers if t.pk == form.cleaned_data["transfer"]), None)
        job = reports.report_request(
            scope=scope,
            kind=TRANSFER_BUNDLE,
            title=f"Transfer bundle: {learner.display_name}",
            learner=learner,
            params={"transfer_id": chosen.pk} if chosen else {},
        )
        if chosen is not None:
            reports.cp_transfer_bundle_attach(scope=scope, transfer=chosen, job=job)
        return redirect("reports:job-detail", pk=job.pk)
    return render(
        request,
        "caseload/report_bundle.html",
        {"learner": learner, "form": form},
        status=INVALID_STATUS if request.method == "POST" else 200,
    )


# --- subject access ---------------------------------------------------------------------


@require_http_methods(["GET"])
def sar_list(request: HttpRequest) -> HttpResponse:
    """Subject-access requests with their status and dates (no case content)."""
    scope = request.scope
    if scope is None or not (
        scope.can(Cap.RECORD_SUBJECT_ACCESS) or scope.can(Cap.ASSEMBLE_SUBJECT_ACCESS)
    ):
        raise Http404("Not found")
    page = page_of(request, sar.sars_for(scope))
    audit.viewed(scope, action="caseload.sar.listed", page=page.number)
    return render(
        request,
        "caseload/reports/sar_list.html",
        {
            "page": page,
            "today": timezone.localdate(),
            "may_record": scope.can(Cap.RECORD_SUBJECT_ACCESS),
        },
    )


@require_http_methods(["GET", "POST"])
def sar_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a request about a learner (admin or DSL): directory fields only."""
    learner = sar.sar_learner_for_request(request.scope, pk)
    scope = request.scope
    form = SubjectAccessRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            made = sar.sar_record(scope=scope, learner=learner, **form.fields_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"Request {made.reference} recorded: due {made.due_on:%-d %b %Y}."
            )
            return redirect("caseload_reports:sar-detail", pk=made.pk)
    return render_form(
        request, "caseload/reports/sar_record.html", {"learner": learner, "form": form}
    )


@require_http_methods(["GET"])
def sar_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The request's status and dates. Case content lives on the part pages only."""
    scope = request.scope
    item = sar.sar_for(scope, pk)
    audit.viewed(scope, item, learners=[item.learner])
    return render(
        request,
        "caseload/reports/sar_detail.html",
        {
            "sar": item,
            "today": timezone.localdate(),
            "may_record": scope.can(Cap.RECORD_SUBJECT_ACCESS),
            "may_records": scope.can(Cap.ASSEMBLE_SUBJECT_ACCESS),
            "may_safeguarding": scope.can(Cap.EXPORT_SUBJECT_ACCESS),
        },
    )


@require_http_methods(["GET", "POST"])
def sar_extend(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_SUBJECT_ACCESS)
    item = sar.sar_for(scope, pk)
    form = SubjectAccessExtendForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            sar.sar_extend(
                scope=scope,
                sar=item,
                months=form.cleaned_data["months"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Due date extended to {item.due_on:%-d %b %Y}.")
            return redirect("caseload_reports:sar-detail", pk=item.pk)
    return render_form(request, "caseload/reports/sar_extend.html", {"sar": item, "form": form})


def _part_context(
    scope: Scope, item: Any, part: str
) -> tuple[list[Any], list[sar.PartEntry], list[tuple[str, str]]]:
    sections = sar.part_sections(scope, item, part)
    items = sar.part_entries(item, sections, sar.active_redactions(item, part))
    refs = [
        (
            i.ref,
            f"{i.section}: {i.entry.title}"
            + (f" ({i.entry.when_label})" if i.entry.when_label else ""),
        )
        for i in items
    ]
    return sections, items, refs


@require_http_methods(["GET", "POST"])
@step_up_required
def sar_part(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    """Assemble one part: read every entry, withhold phrases or entries, approve.

    The records part: SENCO, the learner's head of year, DSL. The safeguarding
    part: the DSL team only (anyone else, the admin included, gets 404)."""
    item = sar.sar_part_for(request.scope, pk, part)
    scope = request.scope
    problem = ""
    sections, items, refs = _part_context(scope, item, part)
    action = request.POST.get("action") if request.method == "POST" else None
    data = request.POST if action == "redact" else None
    form = RedactionForm(data, refs=refs, prefix="redact")
    approve = ApproveForm(request.POST if action == "approve" else None, prefix="approve")
    url = reverse(f"caseload_reports:sar-{part}", kwargs={"pk": item.pk})
    if action == "redact" and form.is_valid():
        try:
            sar.sar_redaction_add(
                scope=scope,
                sar=item,
                part=part,
                sections=sections,
                ref=form.cleaned_data["ref"],
                phrase=form.cleaned_data["phrase"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            _sections, after, _refs = _part_context(scope, item, part)
            if sar.part_left_empty(after):
                messages.warning(
                    request,
                    "Every entry of this part is now withheld: the requester would receive "
                    "nothing of it.",
                )
            else:
                messages.success(request, "Withheld. The part must be approved again.")
            return redirect(url)
    elif action == "withdraw":
        try:
            sar.sar_redaction_withdraw(
                scope=scope,
                sar=item,
                part=part,
                redaction_id=int_param(request.POST.get("redaction")) or 0,
            )
        except ValidationError as exc:
            problem = exc.messages[0]
        else:
            messages.success(request, "Redaction withdrawn. The part must be approved again.")
            return redirect(url)
    elif action == "approve" and approve.is_valid():
        try:
            sar.sar_part_approve(
                scope=scope,
                sar=item,
                part=part,
                sections=sections,
                items=items,
                confirm_empty=approve.cleaned_data["confirm_empty"],
            )
        except ValidationError as exc:
            apply_errors(approve, exc)
        else:
            messages.success(
                request,
                "Safeguarding part approved." if part == sar.SAFEGUARDING else "Records assembled.",
            )
            return redirect("caseload_reports:sar-detail", pk=item.pk)
    elif request.method == "POST" and action not in ("redact", "approve"):
        problem = "Choose what to do: withhold, withdraw or approve."
    if request.method == "GET":
        audit.viewed(scope, item, action=f"caseload.sar.{part}.viewed", learners=[item.learner])
    return render_form(
        request,
        "caseload/reports/sar_part.html",
        {
            "sar": item,
            "part": part,
            "problem": problem,
            "part_label": sar.SubjectAccessRequest.Part(part).label,
            "items": items,
            "form": form,
            "approve": approve,
            "left_empty": sar.part_left_empty(items),
            "flagged": [i for i in items if i.names],
            "approved_at": item.safeguarding_approved_at
            if part == sar.SAFEGUARDING
            else item.records_assembled_at,
        },
    )


@require_http_methods(["GET", "POST"])
@step_up_required
def sar_release(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate the pack: a DSL, once both parts are done. Only the DSL team downloads it."""
    scope = require(request.scope, Cap.EXPORT_SUBJECT_ACCESS)
    item = sar.sar_for(scope, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            job = sar.sar_release(scope=scope, sar=item)
        except ValidationError as exc:
            errors = exc.messages
        else:
            return redirect("reports:job-detail", pk=job.pk)
    problems = errors or ([] if item.is_released else sar.release_problems(scope, item))
    flagged: list[sar.PartEntry] = []
    if not item.is_released:
        for part in (sar.RECORDS, sar.SAFEGUARDING):
            _s, items, _r = _part_context(scope, item, part)
            flagged += [i for i in items if i.names]
    context = {"sar": item, "problems": problems, "flagged": flagged}
    if request.method == "POST":
        return render_invalid(request, "caseload/reports/sar_release.html", context)
    audit.viewed(scope, item, action="caseload.sar.release.viewed", learners=[item.learner])
    return render(request, "caseload/reports/sar_release.html", context)
