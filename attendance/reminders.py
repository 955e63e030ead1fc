"""Attendance reminders: target reviews coming up, and learners who have become
persistently absent this year. Registered with the reminder registry when
Django starts (pastoral/notifications autodiscovers `<app>.reminders`).

Attendance may not import caseload (ARCHITECTURE.md), so these go to people
attendance knows: a target's owner, and the heads of the learner's year.
Titles carry a reference, never anything about the learner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from attendance import selectors
from attendance.models import PartTimeTimetable, Target
from pastoral.access import Cap, Scope, learner_filter
from pastoral.models import Learner, School
from pastoral.notifications.finders import (
    NOTICE_LOOKAHEAD,
    heads_of_year_by_year,
    in_notice,
    unique,
)
from pastoral.notifications.registry import Due, ReminderKind, register_kind, register_scoped

# A target's owner hears this many school days before its review date.
TARGET_REVIEW_NOTICE_SCHOOL_DAYS = 5


def target_reviews_due(school: School, today: dt.date) -> Iterator[Due]:
    """Active targets whose review is within the notice period or past: the
    owner hears once per target and review date."""
    targets = Target.objects.filter(
        school=school,
        status=Target.Status.ACTIVE,
        review_date__lte=today + NOTICE_LOOKAHEAD,
        owner__is_active=True,
    ).values_list("pk", "owner_id", "review_date")
    due_now = in_notice(
        school,
        today,
        targets,
        due_of=lambda row: row[2],
        notice_school_days=TARGET_REVIEW_NOTICE_SCHOOL_DAYS,
        include_past=True,
    )
    for pk, owner_id, review in due_now:
        yield Due(
            recipient_id=owner_id,
            object_type="attendance.target",
            object_id=pk,
            due_date=review,
            title=f"Attendance target review due {review:%-d %b} (T-{pk})",
            url=reverse("attendance:target-review", kwargs={"pk": pk}),
        )


# A part-time timetable's owner hears this many school days before its review.
PART_TIME_REVIEW_NOTICE_SCHOOL_DAYS = 3


def part_time_reviews_due(school: School, today: dt.date) -> Iterator[Due]:
    """Part-time timetables whose next review is near or past (and not yet ended):
    the owner hears once per timetable and review date. One query, plus the
    calendar when a review is upcoming."""
    rows = PartTimeTimetable.objects.filter(
        school=school,
        review_date__isnull=False,
        review_date__lte=today + NOTICE_LOOKAHEAD,
        end__gte=today,
        owner__is_active=True,
    ).values_list("pk", "owner_id", "review_date")
    for pk, owner_id, review in in_notice(
        school,
        today,
        rows,
        due_of=lambda row: row[2],
        notice_school_days=PART_TIME_REVIEW_NOTICE_SCHOOL_DAYS,
        include_past=True,
    ):
        yield Due(
            recipient_id=owner_id,
            object_type="attendance.part_time",
            object_id=pk,
            due_date=review,
            title=f"Part-time timetable review due {review:%-d %b} (PT-{pk})",
            url=reverse("attendance:part-time-detail", kwargs={"pk": pk}),
        )


def part_time_la_not_notified(school: School, today: dt.date) -> Iterator[Due]:
    """A part-time timetable that has started without the local authority being
    told: the owner hears once per timetable (the key is its start date). One query."""
    rows = PartTimeTimetable.objects.filter(
        school=school,
        la_notified_on__isnull=True,
        start__lte=today,
        end__gte=today,
        owner__is_active=True,
    ).values_list("pk", "owner_id", "start")
    for pk, owner_id, start in rows:
        yield Due(
            recipient_id=owner_id,
            object_type="attendance.part_time",
            object_id=pk,
            due_date=start,
            title=f"Tell the local authority about a part-time timetable (PT-{pk})",
            url=reverse("attendance:part-time-detail", kwargs={"pk": pk}),
        )


def persistent_absence(school: School, today: dt.date) -> Iterator[Due]:
    """Learners persistently absent (10% or more) this academic year, once they
    have enough sessions for it to mean something: the heads of their year and
    the owners of their attendance targets hear once per learner per year.

    One aggregate query over the year's marks for the whole school.
    """
    start, end = selectors.default_range(school, None, today)
    learners = list(
        selectors.annotate_learners(
            Learner.objects.filter(school=school, on_roll_until__isnull=True), start, end
        )
        .filter(is_pa=True, possible__gte=selectors.PA_CROSSING_MIN_SESSIONS)
        .values_list("pk", "year_group_id")
    )
    if not learners:
        return
    heads = heads_of_year_by_year(school)
    owners: dict[int, list[int]] = {}
    for learner_id, owner_id in Target.objects.filter(
        school=school,
        status=Target.Status.ACTIVE,
        learner_id__in=[pk for pk, _ in learners],
        owner__is_active=True,
    ).values_list("learner_id", "owner_id"):
        owners.setdefault(learner_id, []).append(owner_id)
    for learner_id, year_id in learners:
        for user_id in unique([*heads.get(year_id, []), *owners.get(learner_id, [])]):
            yield Due(
                recipient_id=user_id,
                object_type="pastoral.learner",
                object_id=learner_id,
                # Once per learner per academic year: the year's first day is the key.
                due_date=start,
                title=f"A learner is now persistently absent this year (ref L-{learner_id})",
                url=reverse("attendance:learner", kwargs={"pk": learner_id}),
            )


register_kind(
    ReminderKind(
        "attendance.target_review_due", "An attendance target review due", target_reviews_due
    )
)
register_kind(
    ReminderKind(
        "attendance.persistent_absence",
        "A learner has become persistently absent (heads of year, target owners)",
        persistent_absence,
    )
)
register_kind(
    ReminderKind(
        "attendance.part_time_review_due",
        "A part-time timetable review due (its owner)",
        part_time_reviews_due,
    )
)
register_kind(
    ReminderKind(
        "attendance.part_time_la_not_notified",
        "A part-time timetable not yet notified to the local authority (its owner)",
        part_time_la_not_notified,
    )
)


def _scoped_targets(scope: Scope) -> Any:
    return Target.objects.filter(school=scope.school).filter(
        learner_filter(scope, Cap.SET_ATTENDANCE_TARGETS, prefix="learner__")
    )


def _scoped_learners(scope: Scope) -> Any:
    return Learner.objects.filter(learner_filter(scope, Cap.VIEW_PROFILE))


def _scoped_part_time(scope: Scope) -> Any:
    return PartTimeTimetable.objects.filter(school=scope.school).filter(
        learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__")
    )


def _learner_names(learners: Any) -> dict[str, str]:
    return {str(learner.pk): learner.display_name for learner in learners}


register_scoped("attendance.target", _scoped_targets)
register_scoped("pastoral.learner", _scoped_learners, names=_learner_names)
register_scoped("attendance.part_time", _scoped_part_time)

# The local-authority returns' reminders (registered on import).
from attendance import la_reminders as la_reminders  # noqa: E402,F401
