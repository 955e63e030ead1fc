"""Browser imports: upload → dry-run preview → confirm, with the file kept in an ImportBatch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from pastoral import audit
from pastoral.access import Cap, Scope, require
from pastoral.imports.agencies import AgencyImporter
from pastoral.imports.base import CsvImporter, ImportOutcome
from pastoral.imports.contacts import ContactImporter
from pastoral.imports.csvfile import RowError
from pastoral.imports.ctf import CTFImporter
from pastoral.imports.learners import LearnerImporter
from pastoral.imports.staff import StaffImporter
from pastoral.models import ImportBatch
from pastoral.school_settings.termdates import TermDateImporter

# Each importer is built with (school=, actor=, filename=).
IMPORTERS: dict[str, Callable[..., CsvImporter[Any, Any]]] = {
    ImportBatch.Kind.LEARNERS: LearnerImporter,
    ImportBatch.Kind.STAFF: StaffImporter,
    ImportBatch.Kind.TERM_DATES: TermDateImporter,
    ImportBatch.Kind.CONTACTS: ContactImporter,
    ImportBatch.Kind.AGENCIES: AgencyImporter,
    ImportBatch.Kind.CTF: CTFImporter,
}
# An upload not confirmed within this time is deleted with its personal data.
PENDING_LIFETIME = dt.timedelta(days=1)


class TooLarge(ValueError):
    pass


def _importer(batch: ImportBatch, scope: Scope) -> Any:
    return IMPORTERS[batch.kind](school=scope.school, actor=scope.user, filename=batch.filename)


@transaction.atomic
def import_batch_create(*, scope: Scope, kind: str, uploaded: UploadedFile) -> ImportBatch:
    """Keep an uploaded file (CSV, or a CTF's XML) for its preview; old unconfirmed uploads are deleted."""
    scope = require(scope, Cap.IMPORT_MIS)
    if kind not in IMPORTERS:
        raise Http404("Not found")
    if uploaded.size is not None and uploaded.size > settings.IMPORT_MAX_BYTES:
        raise TooLarge(uploaded.size)
    ImportBatch.objects.filter(
        school=scope.school,
        status=ImportBatch.Status.PENDING,
        created_at__lt=timezone.now() - PENDING_LIFETIME,
    ).delete()
    content = b"".join(uploaded.chunks())
    batch = ImportBatch(
        school=scope.school,
        uploaded_by=scope.user,
        kind=kind,
        filename=(uploaded.name or "upload.csv")[:200],
        size=len(content),
        content=content,
    )
    batch.full_clean(exclude=["content"])
    batch.save()
    return batch


def import_batch_preview(*, scope: Scope, batch: ImportBatch) -> ImportOutcome[Any]:
    """The dry run of a pending batch: its errors, or the changes it would make.
    Writes nothing."""
    scope = require(scope, Cap.IMPORT_MIS)
    return _importer(batch, scope).run(bytes(batch.content), dry_run=True)


def import_batch_apply(
    *, scope: Scope, batch: ImportBatch, fingerprint: str
) -> tuple[ImportBatch, ImportOutcome[Any] | None]:
    """Apply a previewed batch, all or nothing, if its changes are still those previewed.

    Returns the batch and the outcome (None when the batch was applied before,
    e.g. a double-clicked confirm). The batch row is locked so two confirms
    cannot both apply.
    """
    scope = require(scope, Cap.IMPORT_MIS)
    with transaction.atomic():
        batch = get_object_or_404(
            ImportBatch.objects.select_for_update().filter(school=scope.school), pk=batch.pk
        )
        if batch.status != ImportBatch.Status.PENDING:
            return batch, None
        if not fingerprint:
            outcome: ImportOutcome[Any] = ImportOutcome(
                errors=[RowError(None, "", "Confirm from the preview page.")], dry_run=False
            )
            return batch, outcome
        outcome = _importer(batch, scope).run(bytes(batch.content), expect_fingerprint=fingerprint)
        if outcome.applied:
            batch.status = ImportBatch.Status.APPLIED
            batch.applied_at = timezone.now()
            batch.applied_by = scope.user
            batch.counts = {"rows": outcome.rows, **outcome.counts}
            stored = getattr(outcome.plan, "stored", None)
            if stored is not None:
                batch.details = stored()
            if not batch.keeps_file:
                # The MIS data is now in the database; the copy of the file is not needed.
                batch.content = b""
            batch.save()
    return batch, outcome


@transaction.atomic
def import_batch_discard(*, scope: Scope, batch: ImportBatch) -> None:
    """Delete a pending upload (and its copy of the file); 404 once it was applied."""
    scope = require(scope, Cap.IMPORT_MIS)
    if batch.school_id != scope.school.pk or batch.status != ImportBatch.Status.PENDING:
        raise Http404("Not found")
    batch.delete()


@transaction.atomic
def import_batch_download(*, scope: Scope, batch: ImportBatch) -> bytes:
    """The file as uploaded (a CTF's is kept once applied, for audit); 404 when it
    is no longer kept. Each download is audited."""
    scope = require(scope, Cap.IMPORT_MIS)
    content = bytes(batch.content)
    if batch.school_id != scope.school.pk or not content:
        raise Http404("Not found")
    audit.record(
        "pastoral.import.downloaded",
        actor=scope.user,
        school=scope.school,
        obj=batch,
        changes={"file": batch.filename, "kind": batch.kind, "bytes": len(content)},
    )
    return content
