"""Every write of the attendance app: import jobs, targets, interventions, return plans.

Each service is `<entity>_<action>(*, scope, ...)`: the person acting is
`scope.user`; it receives the learner or target a selector already fetched
(out of the person's scope → 404 there), checks the capability, validates
with full_clean(), saves and writes its audit event inside one transaction.
Marks themselves are written by the importer (attendance.imports.marks_import).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from attendance import selectors
from attendance.imports import marks_import
from attendance.models import (
    ImportJob,
    Intervention,
    LetterTemplate,
    ReturnPlan,
    Target,
    TargetReview,
)
from pastoral import audit
from pastoral.access import Cap, Scope, require
from pastoral.imports.csvfile import RowError
from pastoral.models import Learner, User


def _d(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(f"{value:.1f}")


def _in_school(scope: Scope, obj: Learner | Target) -> None:
    """A learner or target of another school is not found (the selectors that
    fetched it check the person's scope; this guards a wrong hand-over)."""
    if obj.school_id != scope.school.pk:
        raise Http404("Not found")


# ---------------------------------------------------------------------------
# Imports


def import_job_create(*, scope: Scope, upload: Any) -> ImportJob:
    """Keep the uploaded file and run the import in the background (in-process without Redis)."""
    require(scope, Cap.IMPORT_MIS)
    from attendance.tasks import run_import_job

    data = upload.read() if hasattr(upload, "read") else bytes(upload)
    with transaction.atomic():
        job = ImportJob(
            school=scope.school,
            created_by=scope.user,
            filename=(getattr(upload, "name", "") or "")[:200],
            # Decoded by the import framework; kept as text so a worker can read it.
            content=data.decode("utf-8", errors="surrogateescape"),
            total_rows=max(0, data.count(b"\n") - 1 + (0 if data.endswith(b"\n") else 1)),
        )
        job.full_clean(exclude=["content"])
        job.save()
        audit.record(
            "attendance.import.started",
            actor=scope.user,
            school=scope.school,
            obj=job,
            changes={"file": job.filename, "rows": job.total_rows},
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
# Targets


def target_create(
    *,
    scope: Scope,
    learner: Learner,
    target_percent: Decimal,
    review_date: dt.date,
    owner: User,
    start: dt.date | None = None,
    notes: str = "",
) -> Target:
    """Set an attendance target; the baseline is the learner's attendance year to date.

    `learner` comes from learner_or_404(scope, pk, Cap.SET_ATTENDANCE_TARGETS).
    An earlier active target is closed: a learner has one active target.
    """
    require(scope, Cap.SET_ATTENDANCE_TARGETS)
    _in_school(scope, learner)
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
            created_by=scope.user,
        )
        target.full_clean()
        target.save()
        audit.record(
            "attendance.target.created",
            actor=scope.user,
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
        )
    return target


def target_review(
    *,
    scope: Scope,
    target: Target,
    outcome: str,
    notes: str = "",
    next_review_date: dt.date | None = None,
) -> TargetReview:
    """Record a review; with a next review date the target continues, otherwise it closes.

    `target` comes from selectors.target_or_404(scope, pk).
    """
    require(scope, Cap.SET_ATTENDANCE_TARGETS)
    _in_school(scope, target)
    current = selectors.learner_attendance_summary(scope, target.learner, start=target.start)
    with transaction.atomic():
        review = TargetReview(
            target=target,
            reviewed_on=timezone.localdate(),
            attendance_percent=_d(current.attendance_pct),
            outcome=outcome,
            notes=notes,
            next_review_date=next_review_date,
            reviewed_by=scope.user,
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
            actor=scope.user,
            school=scope.school,
            obj=target,
            learner=target.learner,
            changes={
                "outcome": outcome,
                "attendance_percent": review.attendance_percent,
                **audit.diff(before, {"status": target.status, "review_date": target.review_date}),
            },
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
    scope: Scope,
    learner: Learner,
    kind: str,
    date: dt.date | None = None,
    owner: User | None = None,
    letter_template: LetterTemplate | None = None,
    notes: str = "",
    outcome: str = "",
) -> Intervention:
    """Log an attendance intervention (a call, letter, meeting, visit, referral).

    `learner` comes from learner_or_404(scope, pk, Cap.RECORD_CONTACTS).
    """
    require(scope, Cap.RECORD_CONTACTS)
    _in_school(scope, learner)
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
            owner=owner or scope.user,
            letter_template=letter_template,
            letter_text=letter_text,
            notes=notes,
            outcome=outcome,
            created_by=scope.user,
        )
        item.full_clean()
        item.save()
        audit.record(
            "attendance.intervention.created",
            actor=scope.user,
            school=scope.school,
            obj=item,
            learner=learner,
            changes={"kind": kind, "date": item.date, "owner": item.owner_id},
        )
    return item


def return_plan_create(
    *,
    scope: Scope,
    learner: Learner,
    absent_from: dt.date,
    return_date: dt.date,
    reason: str,
    support: str,
    review_date: dt.date,
    owner: User,
    reduced_timetable: bool = False,
) -> ReturnPlan:
    """A plan for a learner's return after a long absence.

    `learner` comes from learner_or_404(scope, pk, Cap.RECORD_CONTACTS).
    """
    require(scope, Cap.RECORD_CONTACTS)
    _in_school(scope, learner)
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
            created_by=scope.user,
        )
        plan.full_clean()
        plan.save()
        audit.record(
            "attendance.return_plan.created",
            actor=scope.user,
            school=scope.school,
            obj=plan,
            learner=learner,
            changes={"absent_from": absent_from, "return_date": return_date},
        )
    return plan
