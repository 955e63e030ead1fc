"""Attendance figures: date ranges, one learner's or one group's summary, and
per-learner figures as annotations or grouped rows.

Every figure is a conditional count over marks and every percentage or flag
is attendance.formula's, computed in the database; AttendanceSummary applies
the same formula to counts already fetched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import F, FilteredRelation, Q, QuerySet
from django.utils import timezone

from attendance import formula
from attendance.models import Mark
from pastoral.access import Cap, Scope, learner_filter
from pastoral.models import AcademicYear, Learner, School, YearGroup

NO_SESSIONS = "no sessions"


# ---------------------------------------------------------------------------
# Date ranges


def academic_year_for(school: School, day: dt.date) -> AcademicYear | None:
    return AcademicYear.objects.filter(school=school, start__lte=day, end__gte=day).first()


def default_range(
    school: School, start: dt.date | None = None, end: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """Year to date unless given: from the start of the academic year to today."""
    today = timezone.localdate()
    end = end or today
    if start is None:
        ay = academic_year_for(school, end)
        start = ay.start if ay else dt.date(end.year if end.month >= 9 else end.year - 1, 9, 1)
    return start, end


# ---------------------------------------------------------------------------
# Summaries

# A status (on target, persistent absence) needs at least a school week of
# sessions (two a day) behind it; fewer say "too early to tell".
MIN_EVIDENCE_SESSIONS = 10


def _share(name: str) -> Any:
    """A percentage of formula.PERCENTS over the summary's figures."""
    return property(lambda self: formula.PERCENTS[name].value(self.figures))


def _flag(name: str) -> Any:
    """A flag of formula.FLAGS over the summary's figures."""
    return property(lambda self: formula.FLAGS[name].value(self.figures))


@dataclass(frozen=True)
class AttendanceSummary:
    """The figures of one learner or group over [start, end], with the formula's
    percentages (None when there are no possible sessions) and flags."""

    start: dt.date
    end: dt.date
    possible: int = 0
    attending: int = 0
    approved: int = 0
    authorised: int = 0
    unauthorised: int = 0
    lates: int = 0
    not_counted: int = 0

    @property
    def figures(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in formula.NAMES}

    @property
    def no_sessions(self) -> bool:
        return self.possible == 0

    @property
    def too_early(self) -> bool:
        """Fewer possible sessions than a status needs (MIN_EVIDENCE_SESSIONS):
        one mark is not "100% on target"; say "too early to tell"."""
        return self.possible < MIN_EVIDENCE_SESSIONS

    @property
    def min_evidence(self) -> int:
        return MIN_EVIDENCE_SESSIONS

    attendance_pct = _share("attendance_pct")
    absence_pct = _share("absence_pct")
    authorised_pct = _share("authorised_pct")
    unauthorised_pct = _share("unauthorised_pct")
    is_pa = _flag("is_pa")
    is_sa = _flag("is_sa")

    @property
    def attendance_label(self) -> str:
        pct = self.attendance_pct
        return NO_SESSIONS if pct is None else f"{pct:.1f}%"

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            **self.figures,
            "attendance_pct": self.attendance_pct,
            "authorised_pct": self.authorised_pct,
            "unauthorised_pct": self.unauthorised_pct,
            "absence_pct": self.absence_pct,
            "pa": self.is_pa,
            "sa": self.is_sa,
            "no_sessions": self.no_sessions,
            "label": self.attendance_label,
        }


def _summary(marks: QuerySet[Mark], start: dt.date, end: dt.date) -> AttendanceSummary:
    row = marks.filter(date__gte=start, date__lte=end).aggregate(**formula.counts())
    return AttendanceSummary(start=start, end=end, **{k: v or 0 for k, v in row.items()})


def learner_attendance_summary(
    scope: Scope, learner: Learner, *, start: dt.date | None = None, end: dt.date | None = None
) -> AttendanceSummary:
    """One learner's possible sessions, attendance, absence, lates and PA/SA flags.

    Year to date by default. One query. The scope is part of the query: a
    learner outside the person's case scope has no marks here (callers fetch
    the learner with learner_or_404 first). `.no_sessions` is true, and the
    percentages are None, when there are no possible sessions.
    """
    start, end = default_range(learner.school if learner.school_id else scope.school, start, end)
    marks = Mark.objects.filter(learner=learner).filter(
        learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__")
    )
    return _summary(marks, start, end)


# Cohorts as lookups on a learner, and as Q objects on a learner and on a mark.
_COHORT_LOOKUPS: dict[str, tuple[str, dict[str, Any]]] = {
    "sen": ("SEN (support or EHCP)", {"sen_status__in": ["K", "E"]}),
    "ehcp": ("EHC plan", {"sen_status": "E"}),
    "pp": ("Pupil premium", {"pupil_premium": True}),
    "eal": ("EAL", {"eal": True}),
    "cla": ("Looked after (CLA)", {"looked_after": True}),
    "cp_cin": ("CP or CIN", {"cp_status__in": ["CP", "CIN"]}),
}
LEARNER_COHORTS: dict[str, tuple[str, Q]] = {
    key: (label, Q(**lookups)) for key, (label, lookups) in _COHORT_LOOKUPS.items()
}
COHORTS: dict[str, tuple[str, Q]] = {
    key: (label, Q(**{f"learner__{k}": v for k, v in lookups.items()}))
    for key, (label, lookups) in _COHORT_LOOKUPS.items()
}


def group_summary(
    scope: Scope,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    year_group: YearGroup | None = None,
    reg_group_id: int | None = None,
    cohort: str | None = None,
) -> AttendanceSummary:
    """The same figures for every in-scope learner of a year, reg group or cohort."""
    start, end = default_range(scope.school, start, end)
    marks = Mark.objects.filter(learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__"))
    if year_group is not None:
        marks = marks.filter(learner__year_group=year_group)
    if reg_group_id is not None:
        marks = marks.filter(learner__reg_group_id=reg_group_id)
    if cohort:
        marks = marks.filter(COHORTS[cohort][1])
    return _summary(marks, start, end)


@dataclass(frozen=True)
class GroupRow:
    label: str
    summary: AttendanceSummary
    pa: int = 0
    sa: int = 0
    learners: int = 0


# ---------------------------------------------------------------------------
# Per-learner figures


def annotate_learners(qs: QuerySet[Learner], start: dt.date, end: dt.date) -> QuerySet[Learner]:
    """Learners with counts, percentages and PA/SA flags over [start, end].

    The date range is part of the join (FilteredRelation), so other years'
    marks never reach the GROUP BY. For long lists prefer learner_stats().
    """
    in_range = FilteredRelation(
        "attendance_marks",
        # The school repeats what the learner implies, so that PostgreSQL can read
        # the range from the (school, date) index for a whole school's learners.
        condition=Q(
            attendance_marks__date__gte=start,
            attendance_marks__date__lte=end,
            attendance_marks__school_id=F("school_id"),
        ),
    )
    return (
        qs.annotate(range_marks=in_range)
        .annotate(**formula.counts("range_marks__"))
        .annotate(**formula.percentages_and_flags())
    )


def marks_in_range(scope: Scope, start: dt.date, end: dt.date) -> QuerySet[Mark]:
    """The school's marks in [start, end] of learners in the person's case scope
    (read from the (school, date) index)."""
    return Mark.objects.filter(
        learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__"),
        school=scope.school,
        date__gte=start,
        date__lte=end,
    )


def learner_stats(scope: Scope, start: dt.date, end: dt.date, *extra_values: str) -> QuerySet[Mark]:
    """Per-learner figures as rows of {learner_id, possible, attending, ..., is_pa, is_sa}.

    Grouped by learner id over the marks in range only (a narrow GROUP BY, one
    pass over the (school, date) index), so a whole school is fast on both
    databases. Learners with no marks in range have no row (formula.EMPTY).
    """
    return (
        marks_in_range(scope, start, end)
        .values("learner_id", *extra_values)
        .annotate(**formula.counts())
        .annotate(**formula.percentages_and_flags())
        .order_by()
    )
