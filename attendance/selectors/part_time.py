"""Reads of the part-time timetable register and its reconciliation with the marks.

Reconciliation lists, for the attendance officer, (a) C2 marks that no active
timetable plans (the learner had no timetable that day, or was meant to be in
that session) and (b) planned absent sessions of a timetable that are marked
something other than C2, or not marked once the day has passed. (a) is one
query (NOT EXISTS over the planned sessions, matched by ISO weekday); (b) is
the timetables with their sessions (two queries), the marks of those learners
over those dates (one) and the school calendar (one): a fixed number of
queries however many learners or timetables there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractIsoWeekDay
from django.http import Http404
from django.utils import timezone

from attendance.models import AttendanceSettings, Mark, PartTimeSession, PartTimeTimetable
from pastoral.access import Cap, Scope, learner_filter
from pastoral.calendar import SchoolCalendar
from pastoral.models import Learner, School

C2 = "C2"


def attendance_settings_for(school: School) -> AttendanceSettings:
    """The school's attendance settings, or the defaults when none are saved (one query)."""
    found = AttendanceSettings.objects.filter(school=school).first()
    return found or AttendanceSettings(school=school)


def _scoped(scope: Scope, cap: Cap = Cap.VIEW_PROFILE) -> QuerySet[PartTimeTimetable]:
    return PartTimeTimetable.objects.filter(school=scope.school).filter(
        learner_filter(scope, cap, prefix="learner__")
    )


STATUSES = {
    "active": "Active today",
    "upcoming": "Starting later",
    "ended": "Ended",
    "": "All",
}


def part_time_timetables_for(
    scope: Scope, *, status: str = "", today: dt.date | None = None
) -> QuerySet[PartTimeTimetable]:
    """The register: timetables of learners the person may reach, newest first."""
    today = today or timezone.localdate()
    qs = _scoped(scope)
    if status == "active":
        qs = qs.filter(start__lte=today, end__gte=today)
    elif status == "upcoming":
        qs = qs.filter(start__gt=today)
    elif status == "ended":
        qs = qs.filter(end__lt=today)
    return qs.select_related(
        "learner", "learner__year_group", "learner__reg_group", "owner", "la_notified_by"
    ).prefetch_related("absent_sessions")


def part_time_for_learner(scope: Scope, learner: Learner) -> list[PartTimeTimetable]:
    return list(
        _scoped(scope)
        .filter(learner=learner)
        .select_related("owner", "la_notified_by")
        .prefetch_related("absent_sessions")
    )


def part_time_or_404(scope: Scope, pk: int, cap: Cap = Cap.VIEW_PROFILE) -> PartTimeTimetable:
    """One timetable of a learner the person may reach with `cap`, or 404."""
    item = (
        _scoped(scope, cap)
        .filter(pk=pk)
        .select_related(
            "learner",
            "learner__year_group",
            "learner__reg_group",
            "school",
            "owner",
            "la_notified_by",
            "created_by",
        )
        .prefetch_related("absent_sessions", "reviews__reviewed_by")
        .first()
    )
    if item is None:
        raise Http404("Not found")
    return item


@dataclass(frozen=True)
class PartTimeCounts:
    active: int
    not_notified: int
    review_due: int


def part_time_counts_for(scope: Scope, today: dt.date | None = None) -> PartTimeCounts:
    """The dashboard's figures in one query: active timetables, those the LA has not
    been told of, and those whose review date has come."""
    today = today or timezone.localdate()
    active = Q(start__lte=today, end__gte=today)
    row = _scoped(scope).aggregate(
        active=Count("pk", filter=active),
        not_notified=Count("pk", filter=Q(end__gte=today, la_notified_on__isnull=True)),
        review_due=Count("pk", filter=Q(end__gte=today, review_date__lte=today)),
    )
    return PartTimeCounts(**row)


# ---------------------------------------------------------------------------
# Reconciliation with the marks


OUTSIDE = "c2_outside"
NOT_C2 = "not_c2"
KINDS = {
    "": "Everything to check",
    OUTSIDE: "C2 outside an active part-time timetable",
    NOT_C2: "Planned absence not marked C2",
}


@dataclass(frozen=True)
class ReconciliationRow:
    kind: str
    learner: Learner
    date: dt.date
    session: str
    code: str  # the mark's code; "" when the session is not marked
    timetable_id: int | None

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def problem(self) -> str:
        if self.kind == OUTSIDE:
            return "Marked C2 but no part-time timetable plans this session"
        if not self.code:
            return "Planned absence, not marked"
        return f"Planned absence, marked {self.code}"


def _c2_outside(scope: Scope, start: dt.date, end: dt.date) -> list[ReconciliationRow]:
    planned = PartTimeSession.objects.filter(
        timetable__learner_id=OuterRef("learner_id"),
        timetable__start__lte=OuterRef("date"),
        timetable__end__gte=OuterRef("date"),
        session=OuterRef("session"),
        weekday=ExtractIsoWeekDay(OuterRef("date")),
    )
    marks = (
        Mark.objects.filter(school=scope.school, code=C2, date__gte=start, date__lte=end)
        .filter(learner_filter(scope, Cap.RECORD_CONTACTS, prefix="learner__"))
        .filter(~Exists(planned))
        .select_related("learner", "learner__year_group", "learner__reg_group")
    )
    return [ReconciliationRow(OUTSIDE, m.learner, m.date, m.session, m.code, None) for m in marks]


def _planned_not_c2(
    scope: Scope, start: dt.date, end: dt.date, today: dt.date
) -> list[ReconciliationRow]:
    last = min(end, today)
    timetables = list(
        PartTimeTimetable.objects.filter(school=scope.school, start__lte=last, end__gte=start)
        .filter(learner_filter(scope, Cap.RECORD_CONTACTS, prefix="learner__"))
        .select_related("learner", "learner__year_group", "learner__reg_group")
        .prefetch_related("absent_sessions")
    )
    if not timetables:
        return []
    first = max(start, min(t.start for t in timetables))
    last = min(last, max(t.end for t in timetables))
    marks = {
        (learner_id, day, session): code
        for learner_id, day, session, code in Mark.objects.filter(
            school=scope.school,
            learner_id__in={t.learner_id for t in timetables},
            date__gte=first,
            date__lte=last,
        ).values_list("learner_id", "date", "session", "code")
    }
    calendar = SchoolCalendar.load(scope.school, first, last)
    days = calendar.school_days(first, last)
    rows = []
    for timetable in timetables:
        planned = {(s.weekday, s.session) for s in timetable.absent_sessions.all()}
        for day in days:
            if not timetable.start <= day <= timetable.end:
                continue
            for weekday, session in planned:
                if weekday != day.isoweekday():
                    continue
                code = marks.get((timetable.learner_id, day, session), "")
                if code == C2 or (not code and day >= today):
                    continue
                rows.append(
                    ReconciliationRow(NOT_C2, timetable.learner, day, session, code, timetable.pk)
                )
    return rows


def reconciliation_for(
    scope: Scope,
    *,
    start: dt.date,
    end: dt.date,
    kind: str = "",
    today: dt.date | None = None,
) -> list[ReconciliationRow]:
    """Both lists over [start, end], latest first: a fixed number of queries."""
    today = today or timezone.localdate()
    rows: list[ReconciliationRow] = []
    if kind in ("", OUTSIDE):
        rows += _c2_outside(scope, start, end)
    if kind in ("", NOT_C2):
        rows += _planned_not_c2(scope, start, end, today)
    rows.sort(key=lambda r: (-r.date.toordinal(), r.learner.display_name, r.session))
    return rows


def sessions_grid(timetable: PartTimeTimetable) -> list[dict[str, Any]]:
    """Monday to Friday, AM and PM: whether the learner attends (for pages and the PDF)."""
    from attendance.models import Session, Weekday

    absent = {(s.weekday, s.session) for s in timetable.absent_sessions.all()}
    return [
        {
            "day": day.label,
            "sessions": [
                {"session": s.label, "code": s.value, "attends": (day.value, s.value) not in absent}
                for s in Session
            ],
        }
        for day in Weekday
    ]
