"""Writes of the local-authority returns: notifications of long unauthorised
absence, the register of roll changes and its notifications, and the school's
thresholds. Each takes what a selector fetched (out of scope → 404 there),
checks the capability, validates beside the field, saves and audits in one
transaction (docs/la-returns.md)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from attendance.models import (
    AttendanceSettings,
    LaAbsenceNotification,
    LaNoticeMethod,
    LetterTemplate,
    RollChange,
)
from attendance.roll_grounds import GROUNDS, NOTICE_SCHOOL_DAYS, ground_label
from attendance.selectors.la_returns import AbsenceRun, missing_default_letters
from attendance.selectors.part_time import attendance_settings_for
from pastoral import audit
from pastoral.access import Cap, Scope, require
from pastoral.calendar import add_school_days
from pastoral.models import Learner

CAP = Cap.RECORD_CONTACTS


def _check_notice(notified_on: dt.date | None, how: str, errors: dict[str, list[str]]) -> None:
    if notified_on is None:
        errors["notified_on"] = ["Enter the date the local authority was told."]
    elif notified_on > timezone.localdate():
        errors["notified_on"] = ["The notification cannot be dated in the future."]
    if how not in LaNoticeMethod.values:
        errors["how"] = ["Say how the local authority was told."]


@transaction.atomic
def la_absence_notify(
    *,
    scope: Scope,
    run: AbsenceRun,
    notified_on: dt.date | None,
    how: str,
    la_reference: str = "",
    notes: str = "",
) -> LaAbsenceNotification:
    """Record that the LA was told of a run of unauthorised absence (`run` from
    selectors.absence_run_for): the learner leaves the queue until a new run starts."""
    scope = require(scope, CAP)
    if run.learner.school_id != scope.school.pk:
        raise Http404("Not found")
    errors: dict[str, list[str]] = {}
    _check_notice(notified_on, how, errors)
    if notified_on is not None and notified_on < run.start:
        errors.setdefault("notified_on", []).append(
            "The notification cannot be dated before the absence began."
        )
    if errors:
        raise ValidationError(errors)
    item = LaAbsenceNotification(
        school=scope.school,
        learner=run.learner,
        run_start=run.start,
        run_end=run.end,
        school_days=run.days,
        notified_on=notified_on,
        how=how,
        la_reference=la_reference.strip(),
        notes=notes.strip(),
        notified_by=scope.user,
    )
    item.full_clean()
    item.save()
    audit.record(
        "attendance.la_absence.notified",
        actor=scope.user,
        school=scope.school,
        obj=item,
        learner=run.learner,
        changes={
            "run_start": run.start,
            "run_end": run.end,
            "school_days": run.days,
            "notified_on": notified_on,
            "how": how,
            "la_reference": item.la_reference,
        },
    )
    return item


@transaction.atomic
def roll_change_create(
    *,
    scope: Scope,
    learner: Learner,
    kind: str,
    date: dt.date | None,
    ground: str,
    details: str = "",
) -> RollChange:
    """Record an addition to or deletion from the roll outside the normal
    transition points; the LA is due to be told within 5 school days.
    `learner` comes from learner_or_404(scope, pk, Cap.RECORD_CONTACTS)."""
    scope = require(scope, CAP)
    if learner.school_id != scope.school.pk:
        raise Http404("Not found")
    errors: dict[str, list[str]] = {}
    if kind not in GROUNDS:
        errors["kind"] = ["Choose an addition or a deletion."]
    elif ground not in dict(GROUNDS[kind]):
        what = "a deletion (regulation 9)" if kind == "deletion" else "an addition"
        errors["ground"] = [f"Choose a ground for {what}."]
    if date is None:
        errors["date"] = ["Enter the date of the change."]
    elif date > timezone.localdate() + dt.timedelta(days=31):
        errors["date"] = ["The change cannot be more than a month ahead."]
    if errors:
        raise ValidationError(errors)
    assert date is not None
    change = RollChange(
        school=scope.school,
        learner=learner,
        kind=kind,
        date=date,
        ground=ground,
        details=details.strip(),
        due_by=add_school_days(scope.school, date, NOTICE_SCHOOL_DAYS),
        created_by=scope.user,
    )
    change.full_clean()
    change.save()
    audit.record(
        "attendance.roll_change.created",
        actor=scope.user,
        school=scope.school,
        obj=change,
        learner=learner,
        changes={
            "kind": kind,
            "date": date,
            "ground": ground,
            "ground_label": ground_label(kind, ground),
            "due_by": change.due_by,
        },
    )
    return change


@transaction.atomic
def roll_change_notified(
    *,
    scope: Scope,
    change: RollChange,
    notified_on: dt.date | None,
    how: str,
    la_reference: str = "",
) -> RollChange:
    """Record the LA told of a roll change (`change` from roll_change_or_404)."""
    scope = require(scope, CAP)
    if change.school_id != scope.school.pk:
        raise Http404("Not found")
    errors: dict[str, list[str]] = {}
    _check_notice(notified_on, how, errors)
    if errors:
        raise ValidationError(errors)
    before = {
        "la_notified_on": change.la_notified_on,
        "la_notified_how": change.la_notified_how,
        "la_reference": change.la_reference,
    }
    change.la_notified_on = notified_on
    change.la_notified_how = how
    change.la_reference = la_reference.strip()
    change.la_notified_by = scope.user
    change.full_clean()
    change.save(
        update_fields=["la_notified_on", "la_notified_how", "la_reference", "la_notified_by"]
    )
    audit.record(
        "attendance.roll_change.la_notified",
        actor=scope.user,
        school=scope.school,
        obj=change,
        learner=change.learner,
        changes=audit.diff(
            before,
            {
                "la_notified_on": notified_on,
                "la_notified_how": how,
                "la_reference": change.la_reference,
            },
        ),
    )
    return change


def la_notice_downloaded(*, scope: Scope, item: LaAbsenceNotification) -> None:
    """Audit the PDF notice of a notification (the view returns the file)."""
    audit.record(
        "attendance.la_absence.notice.downloaded",
        actor=scope.user,
        school=scope.school,
        obj=item,
        learner=item.learner,
    )


@transaction.atomic
def la_settings_update(
    *, scope: Scope, la_consecutive_days: int, penalty_sessions: int, penalty_weeks: int
) -> AttendanceSettings:
    """The school's LA-return thresholds (the administrator); audited."""
    scope = require(scope, Cap.MANAGE_SETTINGS)
    current = attendance_settings_for(scope.school)
    fields = ("la_consecutive_days", "penalty_sessions", "penalty_weeks")
    before = {f: getattr(current, f) for f in fields}
    after = {
        "la_consecutive_days": la_consecutive_days,
        "penalty_sessions": penalty_sessions,
        "penalty_weeks": penalty_weeks,
    }
    settings, _ = AttendanceSettings.objects.get_or_create(school=scope.school)
    for field, value in after.items():
        setattr(settings, field, value)
    settings.full_clean()
    settings.save()
    changes = audit.diff(before, after)
    if changes:
        audit.record(
            "attendance.settings.updated",
            actor=scope.user,
            school=scope.school,
            obj=settings,
            changes=changes,
        )
    return settings


@transaction.atomic
def default_letters_install(*, scope: Scope) -> list[LetterTemplate]:
    """Add the default notice-to-improve and attendance-contract letters the
    school lacks (a school created after migration 0006); each audited as a new
    letter template. Adding them twice adds nothing."""
    from attendance.services import letter_template_create

    scope = require(scope, Cap.MANAGE_SETTINGS)
    return [
        letter_template_create(scope=scope, name=name, body=body)
        for name, body in missing_default_letters(scope.school)
    ]
