"""Every write of the attendance app: import jobs, targets, interventions, return plans.

Each service is `<entity>_<action>(*, scope, ...)`: the person acting is
`scope.user`; it receives the learner or target a selector already fetched
(out of the person's scope → 404 there), checks the capability, validates
with full_clean(), saves and writes its audit event inside one transaction.
Marks themselves are written by the importer (attendance.imports.marks_import).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from attendance import selectors
from attendance.imports import marks_import
from attendance.imports.jobs import (
    import_job_confirm as import_job_confirm,
)
from attendance.imports.jobs import (
    import_job_create as import_job_create,
)
from attendance.imports.jobs import (
    import_job_preview as import_job_preview,
)
from attendance.imports.jobs import job_source
from attendance.imports.shapes import remap_errors
from attendance.models import (
    LETTER_KINDS,
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
from pastoral.models import Contact, Learner, User
from pastoral.people.rules import no_contact_restrictions, require_acknowledged


def _d(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(f"{value:.1f}")


def _in_school(scope: Scope, obj: Learner | Target) -> None:
    """A learner or target of another school is not found (the selectors that
    fetched it check the person's scope; this guards a wrong hand-over)."""
    if obj.school_id != scope.school.pk:
        raise Http404("Not found")


# ---------------------------------------------------------------------------
# Imports


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a waiting import job (the Celery task's body); safe to call twice."""
    updated = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.VALIDATING
    )
    job = ImportJob.objects.select_related("school", "created_by").get(pk=job_id)
    if not updated:
        return job  # already run (or running) elsewhere: the task is idempotent
    try:
        raw, shaped = job_source(job)
        outcome = marks_import(
            actor=job.created_by, school=job.school, source=raw, filename=job.filename, job=job
        )
        if shaped is not None:
            outcome.errors = remap_errors(outcome.errors, shaped)
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


LETTER_PLACEHOLDERS = {
    "learner": "the learner's name",
    "date": "today's date",
    "attendance": "the learner's attendance this year",
}
# What the preview fills in: an invented learner, never a real one.
LETTER_SAMPLE = {"learner": "Sam Sample", "attendance": "87.5% (persistent absence)"}
_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")


def fill_letter(body: str, values: dict[str, str]) -> str:
    """Fill {learner}, {date} and {attendance} in a letter's text (plain text; escaped on output)."""
    values = {"date": timezone.localdate().strftime("%d %B %Y"), **values}
    for key in LETTER_PLACEHOLDERS:
        body = body.replace("{" + key + "}", values.get(key, ""))
    return body


def unknown_placeholders(body: str) -> list[str]:
    return sorted({m for m in _PLACEHOLDER.findall(body) if m not in LETTER_PLACEHOLDERS})


def render_letter(template: LetterTemplate, learner: Learner, attendance_label: str) -> str:
    """Fill a letter template for a learner (plain text; escaped on output)."""
    return fill_letter(
        template.body, {"learner": learner.display_name, "attendance": attendance_label}
    )


def _check_letter(scope: Scope, template: LetterTemplate) -> None:
    unknown = unknown_placeholders(template.body)
    if unknown:
        allowed = ", ".join("{" + k + "}" for k in LETTER_PLACEHOLDERS)
        raise ValidationError(
            {
                "body": f"Unknown placeholder {', '.join('{' + u + '}' for u in unknown)}: "
                f"use {allowed}."
            }
        )
    clash = LetterTemplate.objects.filter(school=scope.school, name=template.name).exclude(
        pk=template.pk
    )
    if clash.exists():
        raise ValidationError({"name": "The school already has a letter with this name."})
    template.full_clean()


@transaction.atomic
def letter_template_create(*, scope: Scope, name: str, body: str) -> LetterTemplate:
    """A new attendance letter template (school settings: the administrator); audited."""
    scope = require(scope, Cap.MANAGE_SETTINGS)
    template = LetterTemplate(school=scope.school, name=name.strip(), body=body)
    _check_letter(scope, template)
    template.save()
    audit.record(
        "attendance.letter_template.created",
        actor=scope.user,
        school=scope.school,
        obj=template,
        changes={"name": template.name, "body": body},
    )
    return template


@transaction.atomic
def letter_template_update(
    *, scope: Scope, template: LetterTemplate, name: str, body: str
) -> LetterTemplate:
    scope = require(scope, Cap.MANAGE_SETTINGS)
    before = {"name": template.name, "body": template.body}
    template.name, template.body = name.strip(), body
    _check_letter(scope, template)
    template.save()
    changes = audit.diff(before, {"name": template.name, "body": body})
    if changes:
        audit.record(
            "attendance.letter_template.updated",
            actor=scope.user,
            school=scope.school,
            obj=template,
            changes=changes,
        )
    return template


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
    recipient: Contact | None = None,
    acknowledge_restriction: bool = False,
) -> Intervention:
    """Log an attendance intervention (a call, letter, meeting, visit, referral).

    `learner` comes from learner_or_404(scope, pk, Cap.RECORD_CONTACTS). A
    letter addressed to a parent under a no-contact restriction needs
    `acknowledge_restriction` (refused beside that box otherwise).
    """
    require(scope, Cap.RECORD_CONTACTS)
    _in_school(scope, learner)
    if letter_template is not None and letter_template.school_id != scope.school.pk:
        letter_template = None
    if kind not in LETTER_KINDS:
        recipient = None
    if recipient is not None and recipient.learner_id != learner.pk:
        raise ValidationError(
            {"recipient": "That person is not a parent or carer of this learner."}
        )
    require_acknowledged(
        recipient,
        acknowledge_restriction,
        field="acknowledge_restriction",
        what="the letter's recipient",
    )
    letter_text = ""
    if kind in LETTER_KINDS and letter_template is not None:
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
            recipient=recipient,
            notes=notes,
            outcome=outcome,
            created_by=scope.user,
        )
        item.full_clean()
        item.save()
        changes: dict[str, Any] = {"kind": kind, "date": item.date, "owner": item.owner_id}
        if recipient is not None:
            changes["recipient"] = recipient.pk
            if acknowledge_restriction and no_contact_restrictions(recipient):
                changes["restriction_acknowledged"] = True
        audit.record(
            "attendance.intervention.created",
            actor=scope.user,
            school=scope.school,
            obj=item,
            learner=learner,
            changes=changes,
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


def letter_downloaded(*, scope: Scope, item: Intervention) -> None:
    """Audit a letter's PDF (its recipient named); the view returns the file."""
    audit.record(
        "attendance.letter.downloaded",
        actor=scope.user,
        school=scope.school,
        obj=item,
        learner=item.learner,
        changes={"recipient": item.recipient_id},
    )


# The part-time timetable register and the school's attendance settings.
from attendance.services.part_time import (  # noqa: E402
    attendance_settings_update as attendance_settings_update,
)
from attendance.services.part_time import (  # noqa: E402
    part_time_create as part_time_create,
)
from attendance.services.part_time import (  # noqa: E402
    part_time_file_downloaded as part_time_file_downloaded,
)
from attendance.services.part_time import (  # noqa: E402
    part_time_la_notified as part_time_la_notified,
)
from attendance.services.part_time import (  # noqa: E402
    part_time_review as part_time_review,
)
