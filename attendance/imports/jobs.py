"""A marks file uploaded in the browser: upload → preview → confirm → run.

The upload is decoded (attendance.imports.encoding) and kept as text in an
ImportJob waiting for confirmation. The preview checks the whole file (every
problem by line and column, in the file's own shape) and lists every change
by learner and date; confirming queues the import, which writes all or
nothing, only if the changes are still those previewed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from attendance.imports.encoding import decode_upload
from attendance.imports.preview import MarksPreview, marks_preview
from attendance.imports.reading import MarksImporter
from attendance.imports.shapes import Shaped, remap_errors, shape_of
from attendance.models import ImportJob
from pastoral import audit
from pastoral.access import Cap, Scope, require
from pastoral.imports.csvfile import ImportFileError, RowError

# An upload not confirmed within this time is deleted (as the learner import does).
PREVIEW_LIFETIME = dt.timedelta(days=1)


@dataclass
class JobPreview:
    errors: list[RowError]
    shape: str = ""
    rows: int = 0
    preview: MarksPreview | None = None


def import_job_create(*, scope: Scope, upload: Any) -> ImportJob:
    """Keep an uploaded marks file for its preview (nothing is imported yet).
    A file whose characters cannot be read is refused beside the field."""
    require(scope, Cap.IMPORT_MIS)
    data = upload.read() if hasattr(upload, "read") else bytes(upload)
    try:
        text, encoding = decode_upload(data)
    except ImportFileError as exc:
        raise ValidationError({"file": [e.reason for e in exc.errors]}) from None
    with transaction.atomic():
        # Uploads never confirmed are deleted with their personal data.
        ImportJob.objects.filter(
            school=scope.school,
            status=ImportJob.Status.PREVIEW,
            created_at__lt=timezone.now() - PREVIEW_LIFETIME,
        ).delete()
        job = ImportJob(
            school=scope.school,
            created_by=scope.user,
            filename=(getattr(upload, "name", "") or "")[:200],
            content=text,
            status=ImportJob.Status.PREVIEW,
            total_rows=max(0, len(text.splitlines()) - 1),
        )
        job.full_clean(exclude=["content"])
        job.save()
        audit.record(
            "attendance.import.uploaded",
            actor=scope.user,
            school=scope.school,
            obj=job,
            changes={"file": job.filename, "rows": job.total_rows, "encoding": encoding},
        )
    return job


def _shaped(job: ImportJob) -> Shaped:
    return shape_of(job.content)


def import_job_preview(*, scope: Scope, job: ImportJob) -> JobPreview:
    """The dry run of a job awaiting confirmation: its problems, or every change."""
    require(scope, Cap.IMPORT_MIS)
    if job.school_id != scope.school.pk:
        raise Http404("Not found")
    try:
        shaped = _shaped(job)
    except ImportFileError as exc:
        return JobPreview(errors=exc.errors)
    importer = MarksImporter(school=job.school, actor=scope.user, filename=job.filename)
    outcome = importer.run(shaped.text.encode("utf-8"), dry_run=True)
    if outcome.errors or outcome.plan is None:
        return JobPreview(errors=remap_errors(outcome.errors, shaped), shape=shaped.shape)
    return JobPreview(
        errors=[],
        shape=shaped.shape,
        rows=outcome.rows,
        preview=marks_preview(school=job.school, plan=outcome.plan),
    )


def import_job_confirm(*, scope: Scope, job: ImportJob, fingerprint: str) -> ImportJob:
    """Queue the previewed import, if its changes are still those previewed."""
    from attendance.tasks import run_import_job

    require(scope, Cap.IMPORT_MIS)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(school=scope.school, pk=job.pk).first()
        if job is None:
            raise Http404("Not found")
        if job.status != ImportJob.Status.PREVIEW:
            return job  # confirmed already (a double click)
        result = import_job_preview(scope=scope, job=job)
        if result.errors or result.preview is None:
            raise ValidationError("The file has problems: nothing can be imported.")
        if result.preview.fingerprint() != fingerprint:
            raise ValidationError(
                "The register changed since the preview; nothing was imported. Check the new "
                "preview and confirm again."
            )
        job.status = ImportJob.Status.PENDING
        job.created_at = timezone.now()
        job.save(update_fields=["status", "created_at"])
        counts = dict(result.preview.sessions)
        audit.record(
            "attendance.import.started",
            actor=scope.user,
            school=scope.school,
            obj=job,
            changes={"file": job.filename, "rows": job.total_rows, "shape": result.shape, **counts},
        )
        transaction.on_commit(lambda: run_import_job.delay(job.pk))
    return job


def job_source(job: ImportJob) -> tuple[bytes, Shaped | None]:
    """What the worker imports: the file in the long shape (and how to name a
    problem by the uploaded file's lines), or the raw text if it cannot be shaped."""
    try:
        shaped = _shaped(job)
    except ImportFileError:
        return job.content.encode("utf-8", errors="surrogateescape"), None
    return shaped.text.encode("utf-8"), shaped
