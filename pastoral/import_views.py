"""MIS imports in the browser (school administrator): upload → preview → confirm."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pastoral.access import Cap, require
from pastoral.forms import INVALID_STATUS
from pastoral.imports import selectors, services
from pastoral.models import ImportBatch

CHANGES_PER_PAGE = 100
ERRORS_PER_PAGE = 200
RECENT_BATCHES = 10


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What does the file contain?",
        choices=ImportBatch.Kind.choices,
        widget=forms.RadioSelect,
        initial=ImportBatch.Kind.LEARNERS,
    )
    file = forms.FileField(
        label="File (CSV in UTF-8, or a CTF's XML)",
        help_text="An export from the school's MIS, or a Common Transfer File from the pupil's "
        "last school. Nothing changes until you confirm the preview.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,text/csv,.xml,application/xml,text/xml"}
        ),
    )

    def clean_file(self) -> object:
        uploaded = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if uploaded.size > limit:
            raise forms.ValidationError(
                f"The file is {uploaded.size / 1048576:.1f} MB; the limit is "
                f"{limit / 1048576:.0f} MB. Split it into smaller files."
            )
        return uploaded


@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.IMPORT_MIS)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = services.import_batch_create(
            scope=scope, kind=form.cleaned_data["kind"], uploaded=form.cleaned_data["file"]
        )
        return redirect("pastoral:import-detail", pk=batch.pk)
    recent = selectors.import_batches_for(scope).defer("content")[:RECENT_BATCHES]
    return render(
        request,
        "pastoral/import_start.html",
        {"form": form, "recent": recent, "limit_mb": settings.IMPORT_MAX_BYTES // 1048576},
        status=INVALID_STATUS if form.errors else 200,
    )


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A pending upload's dry-run preview (or its errors), or an applied import's result."""
    scope = require(request.scope, Cap.IMPORT_MIS)
    batch = selectors.import_batch_or_404(scope, pk)
    outcome = None
    if batch.status == ImportBatch.Status.PENDING:
        outcome = services.import_batch_preview(scope=scope, batch=batch)
    context: dict[str, object] = {"batch": batch, "outcome": outcome}
    if outcome is not None:
        if outcome.errors:
            context["page"] = Paginator(outcome.errors, ERRORS_PER_PAGE).get_page(
                request.GET.get("page")
            )
        else:
            # A CTF's preview lists every pupil, the unchanged ones too (with what the
            # file carries beyond their fields); a CSV's lists what would change.
            shown = (
                outcome.changes
                if batch.kind == ImportBatch.Kind.CTF
                else [c for c in outcome.changes if c.action != "unchanged"]
            )
            context["page"] = Paginator(shown, CHANGES_PER_PAGE).get_page(request.GET.get("page"))
            context["fingerprint"] = outcome.fingerprint()
            context["ctf"] = getattr(outcome.plan, "header", None)
            context["skipped"] = getattr(outcome.plan, "skipped", ())
    return render(request, "pastoral/import_detail.html", context)


@require_GET
def import_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The file as uploaded: a CTF's is kept after it is applied, for audit. Audited."""
    scope = require(request.scope, Cap.IMPORT_MIS)
    batch = selectors.import_batch_or_404(scope, pk)
    content = services.import_batch_download(scope=scope, batch=batch)
    xml = batch.kind == ImportBatch.Kind.CTF
    response = HttpResponse(content, content_type="application/xml" if xml else "text/csv")
    safe = "".join(ch for ch in batch.filename if ch.isalnum() or ch in "._-") or "import"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.IMPORT_MIS)
    batch = selectors.import_batch_or_404(scope, pk)
    batch, outcome = services.import_batch_apply(
        scope=scope, batch=batch, fingerprint=request.POST.get("fingerprint", "")
    )
    if outcome is None:
        messages.info(request, "This file was imported already.")
        return redirect("pastoral:import-detail", pk=batch.pk)
    if not outcome.applied:
        # The data changed since the preview (or the database refused): say why,
        # then show the preview as it is now.
        for error in outcome.errors:
            messages.error(request, f"Nothing was imported. {error}")
        return redirect("pastoral:import-detail", pk=batch.pk)
    counts = outcome.counts
    messages.success(
        request,
        f"Imported: {counts['create']} created, {counts['update']} updated, "
        f"{counts['unchanged']} unchanged.",
    )
    return redirect("pastoral:import-detail", pk=batch.pk)


@require_POST
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.IMPORT_MIS)
    batch = selectors.import_batch_or_404(scope, pk)
    services.import_batch_discard(scope=scope, batch=batch)
    messages.info(request, "The upload was discarded; nothing was imported.")
    return redirect("pastoral:import-start")
