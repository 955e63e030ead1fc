"""SEND writes: the SEN record, the EHCP annual review and its steps, the
school's label setting. Each is keyword-only, atomic, checks the capability
and the learner's reach, validates with full_clean() and writes its audit event.

Who: the SEN record is casework under "create/review action plans" of
ACCESS.md (Cap.MANAGE_PLANS, scoped like plans: the SENCO the whole school, a
head of year their years, a key worker their caseload, the DSL team all); the
label setting is a school setting (Cap.MANAGE_SETTINGS, the administrator).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from caseload.models import Plan
from caseload.models.sar import add_months
from caseload.models.send import (
    NEXT_STEP,
    STEP_OFFSETS,
    EhcpReview,
    ReviewStep,
    SendSettings,
    SenRecord,
    review_months,
)
from caseload.services._common import reach
from pastoral import audit
from pastoral.access import Cap, Scope, require
from pastoral.models import Learner

SEN_RECORD_FIELDS = (
    "status",
    "primary_need",
    "secondary_need",
    "provision",
    "outcomes",
    "ehcp_issued_on",
)


def _last_meeting(record: SenRecord) -> dt.date | None:
    """The date of the last review meeting held (the clock restarts there)."""
    step = (
        ReviewStep.objects.filter(
            review__record=record, kind=ReviewStep.Kind.MEETING, done_on__isnull=False
        )
        .order_by("-done_on")
        .first()
    )
    return step.done_on if step else None


def review_due_by(record: SenRecord, learner: Learner) -> dt.date | None:
    """The latest date the next annual review may be held: 12 months after the
    plan or the last review meeting (6 for a child under 5 at that date)."""
    if record.status != SenRecord.Status.EHCP or record.ehcp_issued_on is None:
        return None
    anchor = max(filter(None, [record.ehcp_issued_on, _last_meeting(record)]))
    return add_months(anchor, review_months(learner.date_of_birth, anchor))


def _refresh_next(record: SenRecord, learner: Learner) -> None:
    """Keep the record's next step and its date (the queue reads them)."""
    step = None
    if record.status == SenRecord.Status.EHCP:
        step = (
            ReviewStep.objects.filter(review__record=record, done_on__isnull=True)
            .order_by("due_on", "order")
            .first()
        )
    if step is not None:
        record.next_step, record.next_due = NEXT_STEP[step.kind], step.due_on
    elif (due := review_due_by(record, learner)) is not None:
        record.next_step, record.next_due = "Annual review due", due
    else:
        record.next_step, record.next_due = "", None
    record.save(update_fields=["next_step", "next_due"])


def _plans_of(learner: Learner, plans: Iterable[Plan]) -> list[Plan]:
    chosen = list(plans)
    if any(p.learner_id != learner.pk for p in chosen):
        raise ValidationError({"plans": "Link only this learner's own plans."})
    return chosen


@transaction.atomic
def sen_record_save(
    *,
    scope: Scope,
    learner: Learner,
    fields: Mapping[str, Any],
    plans: Iterable[Plan] = (),
) -> SenRecord:
    """Create the learner's SEN record or change it; the linked plans are the
    assess-plan-do-review cycles that carry its targets."""
    learner = reach(scope, learner.pk, Cap.MANAGE_PLANS)
    record = SenRecord.objects.filter(learner=learner).first()
    created = record is None
    if record is None:
        record = SenRecord(school=scope.school, learner=learner, created_by=scope.user)
        before: dict[str, Any] = {}
    else:
        before = {f: getattr(record, f) for f in SEN_RECORD_FIELDS}
    for name in SEN_RECORD_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(record, name, value.strip() if isinstance(value, str) else value)
    chosen = _plans_of(learner, plans)
    record.updated_at = timezone.now()
    record.full_clean(exclude=["next_step", "next_due"])
    record.save()
    record.plans.set(chosen)
    _refresh_next(record, learner)
    after = {f: getattr(record, f) for f in SEN_RECORD_FIELDS}
    changes = audit.diff(before, after) if not created else after
    audit.record(
        "caseload.sen_record.created" if created else "caseload.sen_record.changed",
        actor=scope.user,
        school=scope.school,
        obj=record,
        learner=learner,
        changes={**changes, "plans": sorted(p.pk for p in chosen)},
    )
    return record


@transaction.atomic
def ehcp_review_schedule(
    *, scope: Scope, record: SenRecord, meeting_on: dt.date, late_reason: str = ""
) -> EhcpReview:
    """Schedule the annual review meeting and its four dated steps. A meeting
    later than the code allows is saved and flagged (never refused)."""
    learner = reach(scope, record.learner_id, Cap.MANAGE_PLANS)
    if record.status != SenRecord.Status.EHCP:
        raise ValidationError({"meeting_on": "Only a learner with an EHC plan has annual reviews."})
    if ReviewStep.objects.filter(review__record=record, done_on__isnull=True).exists():
        raise ValidationError(
            {"meeting_on": "Finish the open review first: a step of it is not done yet."}
        )
    due_by = review_due_by(record, learner)
    assert due_by is not None  # an EHC plan always has an issue date (SenRecord.clean)
    if record.ehcp_issued_on and meeting_on < record.ehcp_issued_on:
        raise ValidationError({"meeting_on": "The review cannot be before the plan was issued."})
    review = EhcpReview(
        record=record,
        meeting_on=meeting_on,
        due_by=due_by,
        late_reason=late_reason.strip(),
        created_by=scope.user,
    )
    review.full_clean()
    review.save()
    ReviewStep.objects.bulk_create(
        [
            ReviewStep(
                review=review, kind=kind, order=i, due_on=meeting_on + dt.timedelta(days=offset)
            )
            for i, (kind, offset) in enumerate(STEP_OFFSETS)
        ]
    )
    _refresh_next(record, learner)
    audit.record(
        "caseload.ehcp_review.scheduled",
        actor=scope.user,
        school=scope.school,
        obj=review,
        learner=learner,
        changes={
            "meeting_on": meeting_on,
            "due_by": due_by,
            "late": review.is_late,
            "late_reason": review.late_reason,
        },
    )
    return review


@transaction.atomic
def review_step_complete(
    *, scope: Scope, step: ReviewStep, done_on: dt.date | None = None
) -> ReviewStep:
    """Mark a step of an annual review done (on a date, by the person). When the
    meeting is held on another day than planned, the report and decision
    deadlines move with it (they run from the meeting)."""
    record = step.review.record
    learner = reach(scope, record.learner_id, Cap.MANAGE_PLANS)
    today = timezone.localdate()
    done_on = done_on or today
    if done_on > today:
        raise ValidationError({"done_on": "A step cannot be done in the future."})
    if step.done_on is not None:
        raise ValidationError({"done_on": "This step is already marked done."})
    step.done_on, step.done_by = done_on, scope.user
    step.full_clean()
    step.save(update_fields=["done_on", "done_by"])
    if step.kind == ReviewStep.Kind.MEETING:
        offsets = dict(STEP_OFFSETS)
        for later in ReviewStep.objects.filter(
            review=step.review,
            kind__in=[ReviewStep.Kind.REPORT, ReviewStep.Kind.DECISION],
            done_on__isnull=True,
        ):
            later.due_on = done_on + dt.timedelta(days=offsets[later.kind])
            later.save(update_fields=["due_on"])
    _refresh_next(record, learner)
    audit.record(
        "caseload.ehcp_review_step.done",
        actor=scope.user,
        school=scope.school,
        obj=step,
        learner=learner,
        changes={"step": step.kind, "done_on": done_on},
    )
    return step


@transaction.atomic
def send_settings_update(*, scope: Scope, nation: str) -> SendSettings:
    """The school's SEND labels: England (SEN/EHCP) or Wales (ALN/IDP)."""
    require(scope, Cap.MANAGE_SETTINGS)
    settings, _ = SendSettings.objects.get_or_create(school=scope.school)
    before = settings.nation
    settings.nation = nation
    settings.full_clean()
    settings.save()
    audit.record(
        "caseload.send_settings.changed",
        actor=scope.user,
        school=scope.school,
        obj=settings,
        changes={"nation": [before, nation]},
    )
    return settings
