"""Every write of the attendance app: imports, targets, interventions, return plans.

Each service checks the capability (404 when out of scope), validates with
full_clean(), saves and writes its audit event inside one transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from attendance import selectors
from attendance.imports import MarksImporter
from attendance.models import (
    ImportJob,
    Intervention,
    LetterTemplate,
    ReturnPlan,
    Target,
    TargetReview,
)
from pastoral import audit
from pastoral.access import Cap, Scope, learner_or_404, require
from pastoral.imports.base import ImportOutcome
from pastoral.imports.csvfile import RowError
from pastoral.models import Learner, School, User


def _d(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(f"{value:.1f}")


# ---------------------------------------------------------------------------
# Imports


def marks_import(
    *,
    actor: User | None,
    school: School,
    source: Any,
    filename: str = "",
    job: ImportJob | None = None,
    today: dt.date | None = None,
) -> ImportOutcome[Any]:
    """Import a CSV of marks, all or nothing (see attendance.imports)."""
    progress = None
    if job is not None:

        def progress(n: int) -> None:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=n)

    importer = MarksImporter(
        school=school, actor=actor, filename=filename, job=job, progress=progress, today=today
    )
    return importer.run(source)


def import_job_create(
    *, actor: User, scope: Scope, upload: Any, request: HttpRequest | None = None
) -> ImportJob:
    """Keep the uploaded file and run the import in the background (in-process without Redis)."""
    require(scope, Cap.IMPORT_MIS)
    from attendance.tasks import run_import_job

    data = upload.read() if hasattr(upload, "read") else bytes(upload)
    with transaction.atomic():
        job = ImportJob(
            school=scope.school,
            created_by=actor,
            filename=(getattr(upload, "name", "") or "")[:200],
            # Decoded by the import framework; kept as text so a worker can read it.
            content=data.decode("utf-8", errors="surrogateescape"),
            total_rows=max(0, data.count(b"\n") - 1 + (0 if data.endswith(b"\n") else 1)),
        )
        job.full_clean(exclude=["content"])
        job.save()
        audit.record(
            "attendance.import.started",
            actor=actor,
            school=scope.school,
            obj=job,
            changes={"file": job.filename, "rows": job.total_rows},
            request=request,
        )
        transaction.on_commit(lambda: run_import_job.delay(job.pk))
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a waiting import job (the Celery task's body); safe to call twice."""
    updated = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.VALIDATING
    )
    job = ImportJob.objects.select_related("school", "created_by").get(pk=job_id)
    if not updated:
        return job  # already run (or running) elsewhere: the task is idempotent
    try:
        raw = job.content.encode("utf-8", errors="surrogateescape")
        outcome = marks_import(
            actor=job.created_by, school=job.school, source=raw, filename=job.filename, job=job
        )
    except Exception as exc:  # a crash must still end the job, with a reason
        outcome = None
        errors = [{"line": None, "column": "", "reason": f"The import failed: {exc}"}]
    else:
        errors = [_error_dict(e) for e in outcome.errors]
    job.refresh_from_db()
    job.errors = errors
    job.status = ImportJob.Status.DONE if outcome and outcome.applied else ImportJob.Status.FAILED
    job.summary = dict(outcome.plan.counts) if outcome and outcome.plan else {}
    job.processed_rows = outcome.rows if outcome else job.processed_rows
    job.total_rows = outcome.rows if outcome and outcome.rows else job.total_rows
    job.content = ""  # the marks are in the register now; do not keep a second copy
    job.finished_at = timezone.now()
    job.save()
    return job


def _error_dict(error: RowError) -> dict[str, Any]:
    return {"line": error.line, "column": error.column, "reason": error.reason}


# ---------------------------------------------------------------------------
# Viewing (the read side of the audit)


def learner_attendance_viewed(
    *, actor: User, scope: Scope, learner: Learner, request: HttpRequest | None = None
) -> None:
    audit.record(
        "attendance.learner.viewed",
        actor=actor,
        school=scope.school,
        obj=learner,
        request=request,
    )


def attendance_list_viewed(
    *,
    actor: User,
    scope: Scope,
    what: str,
    changes: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Record that someone looked at a list of learners' attendance (dashboard, lists)."""
    audit.record(
        f"attendance.{what}.viewed",
        actor=actor,
        school=scope.school,
        object_type="attendance.list",
        changes=changes or {},
        request=request,
    )


# ---------------------------------------------------------------------------
# Targets


def target_create(
    *,
    actor: User,
    scope: Scope,
    learner_id: int,
    target_percent: Decimal,
    review_date: dt.date,
    owner: User,
    start: dt.date | None = None,
    notes: str = "",
    request: HttpRequest | None = None,
) -> Target:
    """Set an attendance target; the baseline is the learner's attendance year to date.

    An earlier active target is closed: a learner has one active target.
    """
    require(scope, Cap.SET_ATTENDANCE_TARGETS)
    learner = learner_or_404(scope, learner_id, Cap.SET_ATTENDANCE_TARGETS)
    start = start or timezone.localdate()
    summary = selectors.learner_attendance_summary(scope, learner, end=start)
    with transaction.atomic():
        Target.objects.filter(learner=learner, status=Target.Status.ACTIVE).update(
            status=Target.Status.CLOSED
        )
        target = Target(
            school=scope.school,
            learner=learner,
            target_percent=target_percent,
            baseline_percent=_d(summary.attendance_pct) or Decimal("0.0"),
            start=start,
            review_date=review_date,
            owner=owner,
            notes=notes,
            created_by=actor,
        )
        target.full_clean()
        target.save()
        audit.record(
            "attendance.target.created",
            actor=actor,
            school=scope.school,
            obj=target,
            learner=learner,
            changes={
                "target_percent": target.target_percent,
                "baseline_percent": target.baseline_percent,
                "start": start,
                "review_date": review_date,
                "owner": owner.pk,
            },
            request=request,
        )
    return target


def target_review(
    *,
    actor: User,
    scope: Scope,
    target_id: int,
    outcome: str,
    notes: str = "",
    next_review_date: dt.date | None = None,
    request: HttpRequest | None = None,
) -> TargetReview:
    """Record a review; with a next review date the target continues, otherwise it closes."""
    target = selectors.target_or_404(scope, target_id)
    current = selectors.learner_attendance_summary(scope, target.learner, start=target.start)
    with transaction.atomic():
        review = TargetReview(
            target=target,
            reviewed_on=timezone.localdate(),
            attendance_percent=_d(current.attendance_pct),
            outcome=outcome,
            notes=notes,
            next_review_date=next_review_date,
            reviewed_by=actor,
        )
        review.full_clean()
        review.save()
        before = {"status": target.status, "review_date": target.review_date}
        if next_review_date:
            target.review_date = next_review_date
        else:
            target.status = Target.Status.CLOSED
        target.save(update_fields=["review_date", "status"])
        audit.record(
            "attendance.target.reviewed",
            actor=actor,
            school=scope.school,
            obj=target,
            learner=target.learner,
            changes={
                "outcome": outcome,
                "attendance_percent": review.attendance_percent,
                **audit.diff(before, {"status": target.status, "review_date": target.review_date}),
            },
            request=request,
        )
    return review


# ---------------------------------------------------------------------------
# Interventions and return plans


def render_letter(template: LetterTemplate, learner: Learner, attendance_label: str) -> str:
    """Fill a letter template's {learner}, {date} and {attendance} (plain text; escaped on output)."""
    values = {
        "learner": learner.display_name,
        "date": timezone.localdate().strftime("%d %B %Y"),
        "attendance": attendance_label,
    }
    text = template.body
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def intervention_create(
    *,
    actor: User,
    scope: Scope,
    learner_id: int,
    kind: str,
    date: dt.date | None = None,
    owner: User | None = None,
    letter_template: LetterTemplate | None = None,
    notes: str = "",
    outcome: str = "",
    request: HttpRequest | None = None,
) -> Intervention:
    """Log an attendance intervention (a call, letter, meeting, visit, referral)."""
    require(scope, Cap.RECORD_CONTACTS)
    learner = learner_or_404(scope, learner_id, Cap.RECORD_CONTACTS)
    if letter_template is not None and letter_template.school_id != scope.school.pk:
        letter_template = None
    letter_text = ""
    if kind == Intervention.Kind.LETTER and letter_template is not None:
        summary = selectors.learner_attendance_summary(scope, learner)
        letter_text = render_letter(letter_template, learner, summary.attendance_label)
    with transaction.atomic():
        item = Intervention(
            school=scope.school,
            learner=learner,
            kind=kind,
            date=date or timezone.localdate(),
            owner=owner or actor,
            letter_template=letter_template,
            letter_text=letter_text,
            notes=notes,
            outcome=outcome,
            created_by=actor,
        )
        item.full_clean()
        item.save()
        audit.record(
            "attendance.intervention.created",
            actor=actor,
            school=scope.school,
            obj=item,
            learner=learner,
            changes={"kind": kind, "date": item.date, "owner": item.owner_id},
            request=request,
        )
    return item


def return_plan_create(
    *,
    actor: User,
    scope: Scope,
    learner_id: int,
    absent_from: dt.date,
    return_date: dt.date,
    reason: str,
    support: str,
    review_date: dt.date,
    owner: User,
    reduced_timetable: bool = False,
    request: HttpRequest | None = None,
) -> ReturnPlan:
    """A plan for a learner's return after a long absence."""
    require(scope, Cap.RECORD_CONTACTS)
    learner = learner_or_404(scope, learner_id, Cap.RECORD_CONTACTS)
    with transaction.atomic():
        plan = ReturnPlan(
            school=scope.school,
            learner=learner,
            absent_from=absent_from,
            return_date=return_date,
            reason=reason,
            support=support,
            review_date=review_date,
            owner=owner,
            reduced_timetable=reduced_timetable,
            created_by=actor,
        )
        plan.full_clean()
        plan.save()
        audit.record(
            "attendance.return_plan.created",
            actor=actor,
            school=scope.school,
            obj=plan,
            learner=learner,
            changes={"absent_from": absent_from, "return_date": return_date},
            request=request,
        )
    return plan
