"""Writes of the part-time timetable register and the school's attendance settings.

A part-time timetable is temporary (the school's maximum, 6 weeks unless the
school sets another; longer only with a recorded exception), never a way to
manage behaviour, agreed with a parent, reviewed, with a plan back to full
time, and notified to the local authority (Working together to improve school
attendance, 2024). Each service takes the learner or timetable a selector
fetched (out of scope → 404 there), validates, saves and audits in one
transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from attendance.models import (
    AttendanceSettings,
    PartTimeReview,
    PartTimeSession,
    PartTimeTimetable,
    Session,
    Weekday,
)
from attendance.selectors.part_time import attendance_settings_for
from pastoral import audit
from pastoral.access import Cap, Scope, require
from pastoral.models import Learner, User
from pastoral.uploads import check_upload

BEHAVIOUR_REFUSED = (
    "A part-time timetable must not be used to manage behaviour. Use the school's "
    "behaviour policy (and, where needed, a suspension or alternative provision) instead."
)
SESSION_KEYS = [f"{day.value}-{s.value}" for day in Weekday for s in Session]


def _parse_sessions(keys: Iterable[str]) -> list[tuple[int, str]]:
    parsed = []
    for key in sorted(set(keys)):
        if key not in SESSION_KEYS:
            raise ValidationError({"absent_sessions": f"Unknown session {key!r}."})
        day, session = key.split("-")
        parsed.append((int(day), session))
    return parsed


def _check_length(
    errors: dict[str, list[str]],
    *,
    start: dt.date,
    end: dt.date,
    max_weeks: int,
    exception_reason: str,
    exception_approved_by: str,
) -> None:
    if (end - start).days < max_weeks * 7:
        return
    what = f"longer than the school's maximum of {max_weeks} weeks"
    if not exception_reason.strip():
        errors.setdefault("exception_reason", []).append(
            f"This timetable is {what}: record why an exception is needed."
        )
    if not exception_approved_by.strip():
        errors.setdefault("exception_approved_by", []).append(
            f"This timetable is {what}: record who approved the exception."
        )


def part_time_create(
    *,
    scope: Scope,
    learner: Learner,
    reason: str,
    for_behaviour: bool | None,
    start: dt.date | None,
    end: dt.date | None,
    agreed_by: str,
    agreed_on: dt.date | None,
    agreement_method: str,
    absent_sessions: Iterable[str],
    return_plan: str,
    review_date: dt.date | None,
    owner: User,
    exception_reason: str = "",
    exception_approved_by: str = "",
    agreement_scan: UploadedFile | None = None,
) -> PartTimeTimetable:
    """Record a part-time timetable; every rule of the guidance refused beside its field.

    `learner` comes from learner_or_404(scope, pk, Cap.RECORD_CONTACTS).
    `absent_sessions` are "weekday-session" keys ("1-PM": Monday afternoon) of the
    sessions the learner does not attend (C2).
    """
    scope = require(scope, Cap.RECORD_CONTACTS)
    if learner.school_id != scope.school.pk:
        raise Http404("Not found")
    errors: dict[str, list[str]] = {}
    if for_behaviour is None:
        errors["for_behaviour"] = ["Say whether the timetable is to manage behaviour."]
    elif for_behaviour:
        errors["for_behaviour"] = [BEHAVIOUR_REFUSED]
    if start is None:
        errors["start"] = ["Enter the start date."]
    if end is None:
        errors["end"] = [
            "A part-time timetable is temporary: enter the date it ends (the return to full time)."
        ]
    elif start is not None and end < start:
        errors["end"] = ["The end date cannot be before the start date."]
    elif start is not None:
        _check_length(
            errors,
            start=start,
            end=end,
            max_weeks=attendance_settings_for(scope.school).part_time_max_weeks,
            exception_reason=exception_reason,
            exception_approved_by=exception_approved_by,
        )
    if review_date is None:
        errors["review_date"] = ["Set the date of the first review."]
    if agreed_on is not None and agreed_on > timezone.localdate():
        errors["agreed_on"] = ["The agreement cannot be dated in the future."]
    sessions = _parse_sessions(absent_sessions)
    if not sessions:
        errors["absent_sessions"] = ["Tick the sessions the learner will not attend."]
    elif len(sessions) == len(SESSION_KEYS):
        errors["absent_sessions"] = [
            "The learner must attend some sessions: a timetable with none is not part-time."
        ]
    if start and end and end >= start:
        overlap = PartTimeTimetable.objects.filter(
            learner=learner, start__lte=end, end__gte=start
        ).first()
        if overlap is not None:
            errors.setdefault("start", []).append(
                f"The learner already has a part-time timetable from {overlap.start:%d/%m/%Y} "
                f"to {overlap.end:%d/%m/%Y}; the dates overlap."
            )
    scan_type = ""
    if agreement_scan is not None:
        try:
            scan_type, _sha = check_upload(agreement_scan)
        except ValidationError as exc:
            errors["agreement_scan"] = exc.messages
    if errors:
        raise ValidationError(errors)
    timetable = PartTimeTimetable(
        school=scope.school,
        learner=learner,
        reason=reason.strip(),
        start=start,
        end=end,
        exception_reason=exception_reason.strip(),
        exception_approved_by=exception_approved_by.strip(),
        agreed_by=agreed_by.strip(),
        agreed_on=agreed_on,
        agreement_method=agreement_method,
        return_plan=return_plan.strip(),
        review_date=review_date,
        owner=owner,
        created_by=scope.user,
    )
    timetable.full_clean(exclude=["agreement_scan"])
    with transaction.atomic():
        if agreement_scan is not None:
            timetable.agreement_scan_name = (agreement_scan.name or "agreement")[-200:]
            timetable.agreement_scan_type = scan_type
            timetable.agreement_scan.save(
                f"parttime-{learner.pk}-{timezone.now():%Y%m%d%H%M%S}", agreement_scan, save=False
            )
        timetable.save()
        PartTimeSession.objects.bulk_create(
            [PartTimeSession(timetable=timetable, weekday=d, session=s) for d, s in sessions]
        )
        changes: dict[str, Any] = {
            "start": start,
            "end": end,
            "reason": timetable.reason,
            "absent_sessions": [f"{d}-{s}" for d, s in sessions],
            "agreed_by": timetable.agreed_by,
            "agreed_on": agreed_on,
            "agreement_method": agreement_method,
            "review_date": review_date,
            "owner": owner.pk,
            "agreement_scan": bool(agreement_scan),
        }
        if timetable.exception_reason:
            changes["exception_reason"] = timetable.exception_reason
            changes["exception_approved_by"] = timetable.exception_approved_by
        audit.record(
            "attendance.part_time.created",
            actor=scope.user,
            school=scope.school,
            obj=timetable,
            learner=learner,
            changes=changes,
        )
    return timetable


@transaction.atomic
def part_time_la_notified(
    *, scope: Scope, timetable: PartTimeTimetable, notified_on: dt.date, how: str
) -> PartTimeTimetable:
    """Record that (and how) the local authority was told; `timetable` from part_time_or_404."""
    scope = require(scope, Cap.RECORD_CONTACTS)
    if timetable.school_id != scope.school.pk:
        raise Http404("Not found")
    if notified_on > timezone.localdate():
        raise ValidationError({"notified_on": "The notification cannot be dated in the future."})
    before = {
        "la_notified_on": timetable.la_notified_on,
        "la_notified_how": timetable.la_notified_how,
    }
    timetable.la_notified_on = notified_on
    timetable.la_notified_how = how
    timetable.la_notified_by = scope.user
    timetable.full_clean(exclude=["agreement_scan"])
    timetable.save(update_fields=["la_notified_on", "la_notified_how", "la_notified_by"])
    audit.record(
        "attendance.part_time.la_notified",
        actor=scope.user,
        school=scope.school,
        obj=timetable,
        learner=timetable.learner,
        changes=audit.diff(before, {"la_notified_on": notified_on, "la_notified_how": how}),
    )
    return timetable


@transaction.atomic
def part_time_review(
    *,
    scope: Scope,
    timetable: PartTimeTimetable,
    notes: str,
    next_review_date: dt.date | None = None,
) -> PartTimeReview:
    """Record a review; the next review date (within the timetable) or none (the last)."""
    scope = require(scope, Cap.RECORD_CONTACTS)
    if timetable.school_id != scope.school.pk:
        raise Http404("Not found")
    if next_review_date is not None:
        if next_review_date <= timezone.localdate():
            raise ValidationError({"next_review_date": "The next review must be in the future."})
        if next_review_date > timetable.end:
            raise ValidationError(
                {"next_review_date": "The next review must be on or before the end date."}
            )
    review = PartTimeReview(
        timetable=timetable,
        reviewed_on=timezone.localdate(),
        notes=notes.strip(),
        next_review_date=next_review_date,
        reviewed_by=scope.user,
    )
    review.full_clean()
    review.save()
    before = {"review_date": timetable.review_date}
    timetable.review_date = next_review_date
    timetable.save(update_fields=["review_date"])
    audit.record(
        "attendance.part_time.reviewed",
        actor=scope.user,
        school=scope.school,
        obj=timetable,
        learner=timetable.learner,
        changes={"notes": review.notes, **audit.diff(before, {"review_date": next_review_date})},
    )
    return review


def part_time_file_downloaded(*, scope: Scope, timetable: PartTimeTimetable, what: str) -> None:
    """Audit the LA notice PDF ("la_notice") or the scanned agreement ("agreement")."""
    audit.record(
        f"attendance.part_time.{what}.downloaded",
        actor=scope.user,
        school=scope.school,
        obj=timetable,
        learner=timetable.learner,
    )


@transaction.atomic
def attendance_settings_update(*, scope: Scope, part_time_max_weeks: int) -> AttendanceSettings:
    """The school's attendance settings (the administrator); audited."""
    scope = require(scope, Cap.MANAGE_SETTINGS)
    current = attendance_settings_for(scope.school)
    before = {"part_time_max_weeks": current.part_time_max_weeks}
    settings, _ = AttendanceSettings.objects.get_or_create(school=scope.school)
    settings.part_time_max_weeks = part_time_max_weeks
    settings.full_clean()
    settings.save()
    changes = audit.diff(before, {"part_time_max_weeks": part_time_max_weeks})
    if changes:
        audit.record(
            "attendance.settings.updated",
            actor=scope.user,
            school=scope.school,
            obj=settings,
            changes=changes,
        )
    return settings
