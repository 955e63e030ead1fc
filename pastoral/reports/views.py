"""Export pages: my exports, progress (htmx polling), download; CP transfers; bundle import."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from pastoral import audit
from pastoral.access import Cap, Scope, learner_or_404, require
from pastoral.accounts.stepup import step_up_required
from pastoral.forms import INVALID_STATUS, apply_errors
from pastoral.reports import bundle as bundles
from pastoral.reports import selectors, services
from pastoral.reports.forms import BundleImportForm, ReceiptCodeForm, ReceiptForm

PAGE_SIZE = 25


def _member(request: HttpRequest) -> Scope:
    scope: Scope | None = request.scope  # type: ignore[attr-defined]
    if scope is None:
        raise Http404("Not found")
    return scope


@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    scope = _member(request)
    page = Paginator(selectors.jobs_for(scope), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/job_list.html", {"page": page})


@never_cache
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _member(request)
    job = selectors.job_for(scope, pk)
    return render(request, "reports/job_detail.html", {"job": job})


@never_cache
@require_GET
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls; it stops polling once the job is finished."""
    scope = _member(request)
    job = selectors.job_for(scope, pk)
    return render(request, "reports/_job_status.html", {"job": job})


@never_cache
@require_GET
@step_up_required
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The finished file, to the person who asked (or a DSL), as an attachment; audited."""
    scope = _member(request)
    job = selectors.job_for(scope, pk)
    if not job.is_ready or not job.file_path:
        raise Http404("Not found")
    try:
        handle = job.open_file()
    except FileNotFoundError:
        raise Http404("Not found") from None
    services.report_downloaded(scope=scope, job=job)
    response = FileResponse(
        handle, as_attachment=True, filename=job.filename, content_type=job.content_type
    )
    response["Cache-Control"] = "no-store, private"
    return response


@require_GET
def cp_transfer_list(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.EXPORT_CP_FILE)
    page = Paginator(selectors.cp_transfers_for(scope), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/cp_transfer_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def cp_transfer_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the receipt of the CP file: the receiving installation's signed
    receipt when a bundle went with it, else who confirmed it and when."""
    scope = require(request.scope, Cap.EXPORT_CP_FILE)
    transfer = selectors.cp_transfer_for(scope, pk)
    posted = request.POST if request.method == "POST" else None
    signed = "receipt_submit" in request.POST
    code_form = ReceiptCodeForm(posted if signed else None, request.FILES if signed else None)
    form = ReceiptForm(None if signed else posted, sent_at=transfer.sent_at)
    if request.method == "POST":
        chosen = code_form if signed else form
        if chosen.is_valid():
            try:
                if signed:
                    services.cp_transfer_receipt_verify(
                        scope=scope, transfer=transfer, text=chosen.cleaned_data["receipt"]
                    )
                else:
                    services.cp_transfer_confirm_receipt(
                        scope=scope,
                        transfer=transfer,
                        confirmed_by=chosen.cleaned_data["confirmed_by"],
                        confirmed_at=chosen.cleaned_data["confirmed_at"],
                    )
            except ValidationError as exc:
                apply_errors(chosen, exc)
            else:
                messages.success(request, "Receipt recorded.")
                return redirect("reports:cp-transfer-list")
    return render(
        request,
        "reports/cp_transfer_receipt.html",
        {"transfer": transfer, "form": form, "code_form": code_form},
        status=INVALID_STATUS if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@step_up_required
def bundle_import(request: HttpRequest) -> HttpResponse:
    """A DSL imports a learner's transfer bundle from their previous school."""
    scope = require(request.scope, Cap.EXPORT_CP_FILE)
    form = BundleImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            imported = bundles.bundle_import(scope=scope, raw=form.cleaned_data["bundle"].read())
        except bundles.BundleRefused as refused:
            form.add_error("bundle", f"Not imported: {refused}")
        else:
            messages.success(
                request,
                f"Imported {imported.entries.count()} entries from {imported.origin_school}.",
            )
            return redirect("reports:imported-records", pk=imported.learner_id)
    return render(
        request,
        "reports/bundle_import.html",
        {"form": form},
        status=INVALID_STATUS if request.method == "POST" else 200,
    )


@require_GET
def bundle_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed receipt of an imported bundle, as a small file for the sending DSL."""
    scope = require(request.scope, Cap.EXPORT_CP_FILE)
    imported = selectors.imported_bundle_for(scope, pk)
    if not imported.receipt:
        raise Http404("Not found")
    response = HttpResponse(imported.receipt + "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="receipt-{imported.receipt_reference}.txt"'
    )
    audit.record(
        "reports.bundle.receipt_downloaded",
        actor=scope.user,
        school=scope.school,
        obj=imported,
        learner=imported.learner,
        changes={"reference": imported.receipt_reference},
    )
    return response


@require_GET
def imported_records(request: HttpRequest, pk: int) -> HttpResponse:
    """What came over from the learner's previous schools, each entry marked with its origin."""
    scope = require(request.scope, Cap.VIEW_PASTORAL_CONCERNS)
    learner = learner_or_404(scope, pk, Cap.VIEW_PASTORAL_CONCERNS)
    entries = selectors.imported_entries_for(scope, learner)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    bundles_in = selectors.imported_bundles_for(scope, learner)
    audit.viewed(scope, learner, action="reports.imported_records.viewed")
    return render(
        request,
        "reports/imported_records.html",
        {
            "learner": learner,
            "page": page,
            "bundles": bundles_in,
            "may_receipt": scope.can(Cap.EXPORT_CP_FILE),
        },
    )
