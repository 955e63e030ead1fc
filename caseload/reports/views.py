"""Export pages for the caseload reports: transfer, case conference, caseload
review, transfer bundle, subject access. Each POST creates a report job and
goes to its progress page (pastoral.reports)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from caseload.reports.bundle import TRANSFER_BUNDLE
from caseload.reports.forms import (
    CaseConferenceForm,
    CaseloadReviewForm,
    SubjectAccessForm,
    TransferReportForm,
)
from caseload.reports.review import CASELOAD_REVIEW
from caseload.reports.sar import SUBJECT_ACCESS, redaction_items, sar_learner, sar_sections
from caseload.reports.transfer import CASE_CONFERENCE, TRANSFER
from caseload.views._common import render_form
from pastoral.access import Cap, Scope, learner_or_404, require
from pastoral.accounts.stepup import step_up_required
from pastoral.models import Learner
from pastoral.reports import services as reports


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
    """The machine-readable bundle for the learner's new school (DSL only)."""
    scope = require(request.scope, Cap.EXPORT_CP_FILE)
    learner = learner_or_404(scope, pk, Cap.EXPORT_CP_FILE)
    if request.method == "POST":
        return _requested(
            request,
            scope,
            TRANSFER_BUNDLE,
            f"Transfer bundle: {learner.display_name}",
            learner=learner,
        )
    return render(request, "caseload/report_bundle.html", {"learner": learner})


@require_http_methods(["GET", "POST"])
@step_up_required
def subject_access(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held about the learner, with third-party entries marked for redaction."""
    scope = require(request.scope, Cap.EXPORT_SUBJECT_ACCESS)
    learner = sar_learner(scope, pk)
    items = redaction_items(sar_sections(scope, learner))
    form = SubjectAccessForm(
        request.POST if request.method == "POST" else None, refs=[(i.ref, i.title) for i in items]
    )
    if request.method == "POST" and form.is_valid():
        return _requested(
            request,
            scope,
            SUBJECT_ACCESS,
            f"Subject-access export: {learner.display_name}",
            learner=learner,
            params=form.params(),
        )
    if request.method == "GET":
        # The redaction step shows the whole record: audited when shown, not when refused.
        reports.report_previewed(scope=scope, kind=SUBJECT_ACCESS, learner=learner)
    chosen = set(form["redact"].value() or [])
    return render_form(
        request,
        "caseload/report_subject_access.html",
        {"learner": learner, "form": form, "items": items, "chosen": chosen},
    )
