"""Pages that export a learner's safeguarding record: the CP-file transfer pack
(DSL only) and the agency report (DSL; SENCO pastoral only)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from pastoral.access import Cap, learner_or_404, require
from pastoral.accounts.stepup import step_up_required
from pastoral.forms import INVALID_STATUS
from pastoral.reports import services as reports
from pastoral.reports.models import CPFileTransfer
from pastoral.reports.selectors import cp_transfers_of_learner
from safeguarding.agency import AGENCY, may_include_restricted
from safeguarding.agency_forms import AgencyReportForm
from safeguarding.transfer_forms import CPPackForm
from safeguarding.transfers import CP_FILE, cp_pack_preview


@require_http_methods(["GET", "POST"])
@step_up_required
def cp_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate the CP-file pack for the new school and record the transfer."""
    scope = require(request.scope, Cap.EXPORT_CP_FILE)
    learner = learner_or_404(scope, pk, Cap.EXPORT_CP_FILE)
    preview = cp_pack_preview(scope, learner)
    form = CPPackForm(request.POST if request.method == "POST" else None, choices=preview.choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        preview = cp_pack_preview(scope, learner, data["redact_refs"])
        if preview.short and not data["confirm_short"]:
            form.add_error("confirm_short", preview.warning)
    if request.method == "POST" and form.is_valid():
        job = reports.report_request(
            scope=scope,
            kind=CP_FILE,
            title=f"CP file transfer: {learner.display_name}",
            learner=learner,
            params={
                "receiving_school": data["receiving_school"],
                "receiving_dsl": data["receiving_dsl"],
                "method_label": dict(CPFileTransfer.Method.choices)[data["method"]],
                "include_attachments": data["include_attachments"],
                "redact_refs": data["redact_refs"],
                "redact_phrases": data["redact_phrases"],
                "redaction_reason": data["redaction_reason"],
            },
        )
        reports.cp_transfer_record(
            scope=scope,
            learner=learner,
            receiving_school=data["receiving_school"],
            receiving_school_urn=data["receiving_school_urn"],
            receiving_dsl=data["receiving_dsl"],
            receiving_contact=data["receiving_contact"],
            method=data["method"],
            sent_at=data["sent_at"],
            notes=data["notes"],
            report=job,
        )
        return redirect("reports:job-detail", pk=job.pk)
    return render(
        request,
        "safeguarding/transfer_cp_file.html",
        {
            "learner": learner,
            "form": form,
            "preview": preview,
            "transfers": cp_transfers_of_learner(scope, learner),
        },
        status=INVALID_STATUS if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@step_up_required
def agency_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Chosen sections of the learner's record for an outside agency."""
    scope = require(request.scope, Cap.EXPORT_AGENCY_PASTORAL)
    learner = learner_or_404(scope, pk, Cap.EXPORT_AGENCY_PASTORAL)
    form = AgencyReportForm(request.POST if request.method == "POST" else None, scope=scope)
    if request.method == "POST" and form.is_valid():
        params = form.params()
        job = reports.report_request(
            scope=scope,
            kind=AGENCY,
            title=f"Agency report for {params['agency_name']}: {learner.display_name}",
            learner=learner,
            params=params,
        )
        return redirect("reports:job-detail", pk=job.pk)
    return render(
        request,
        "safeguarding/transfer_agency.html",
        {"learner": learner, "form": form, "may_restricted": may_include_restricted(scope)},
        status=INVALID_STATUS if request.method == "POST" else 200,
    )
