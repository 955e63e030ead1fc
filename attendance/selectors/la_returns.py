"""Reads of the local-authority returns: the queues the attendance officer works.

- **LA notifications due**: learners with a run of consecutive school days of
  unauthorised absence at least as long as the school's setting (10 unless the
  LA sets another), not yet notified. A day counts when every mark of it is an
  unauthorised code; a school day that is not marked, or marked anything else,
  ends the run; weekends, holidays and closures (pastoral.calendar) neither
  count nor break it. One query for the days, one for the calendar, one for
  the notifications already made, one for the learners: a fixed number of
  queries whatever the number of learners (the runs are found in one pass over
  the rows, not a query per learner).
- **Roll changes** outside the normal transition points, and those whose LA
  notification is outstanding.
- **Penalty-notice threshold**: learners with at least N sessions of
  unauthorised absence in the rolling period of W school weeks, counted by one
  aggregate query in SQL.

Everything is scoped with Cap.RECORD_CONTACTS: the people who record attendance
work (key worker for their caseload, head of year for their years, SENCO and
DSLs for the school), as for the part-time reconciliation.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from attendance.codes import UNAUTHORISED_CODES
from attendance.default_letters import DEFAULT_LETTERS
from attendance.models import Intervention, LaAbsenceNotification, LetterTemplate, Mark, RollChange
from attendance.selectors.figures import default_range
from attendance.selectors.part_time import attendance_settings_for
from pastoral.access import Cap, Scope, learner_filter
from pastoral.calendar import SchoolCalendar
from pastoral.models import Learner, School

CAP = Cap.RECORD_CONTACTS
_LEARNER_RELATED = ("year_group", "reg_group")


# ---------------------------------------------------------------------------
# Consecutive days of unauthorised absence


@dataclass(frozen=True)
class AbsenceRun:
    learner: Learner
    start: dt.date
    end: dt.date
    days: int
    ongoing: bool  # the run reaches the last school day looked at

    @property
    def key(self) -> str:
        """What the notify form posts back: the learner and the run's first day."""
        return f"{self.learner.pk}:{self.start.isoformat()}"


def _runs(days: list[dt.date], absent: dict[int, list[dt.date]]) -> list[tuple[int, int, int]]:
    """(learner_id, first index, last index) of each run of consecutive school days."""
    index = {day: i for i, day in enumerate(days)}
    runs = []
    for learner_id, dates in absent.items():
        positions = sorted(index[d] for d in dates if d in index)
        first = prev = None
        for pos in positions:
            if prev is not None and pos == prev + 1:
                prev = pos
                continue
            if first is not None and prev is not None:
                runs.append((learner_id, first, prev))
            first = prev = pos
        if first is not None and prev is not None:
            runs.append((learner_id, first, prev))
    return runs


def absence_runs_for(
    scope: Scope,
    *,
    today: dt.date | None = None,
    include_notified: bool = False,
) -> list[AbsenceRun]:
    """Runs of at least the school's number of consecutive school days of
    unauthorised absence this academic year, latest first, of learners in
    scope; those the LA was already told of are left out unless `include_notified`."""
    return school_absence_runs(
        scope.school,
        learner_q=learner_filter(scope, CAP, prefix="learner__"),
        today=today,
        include_notified=include_notified,
    )


def school_absence_runs(
    school: School,
    *,
    learner_q: Q | None = None,
    today: dt.date | None = None,
    include_notified: bool = False,
) -> list[AbsenceRun]:
    """The runs of the whole school (the reminder finder) or of the learners
    `learner_q` selects (a Q on Mark: the scoped selector above). Five queries."""
    today = today or timezone.localdate()
    threshold = attendance_settings_for(school).la_consecutive_days
    start, end = default_range(school, None, today)
    whole_days = (
        Mark.objects.filter(school=school, date__gte=start, date__lte=end)
        .filter(learner_q or Q())
        .values("learner_id", "date")
        .annotate(
            total=Count("pk"), unauthorised=Count("pk", filter=Q(code__in=UNAUTHORISED_CODES))
        )
        .filter(unauthorised__gt=0, unauthorised=F("total"))
        .order_by()
        .values_list("learner_id", "date")
    )
    absent: dict[int, list[dt.date]] = defaultdict(list)
    for learner_id, day in whole_days:
        absent[learner_id].append(day)
    if not absent:
        return []
    calendar = SchoolCalendar.load(school, start, end)
    days = calendar.school_days(start, end)
    long_runs = [r for r in _runs(days, absent) if r[2] - r[1] + 1 >= threshold]
    if not long_runs:
        return []
    ids = {r[0] for r in long_runs}
    notified: dict[int, list[dt.date]] = defaultdict(list)
    for learner_id, run_start in LaAbsenceNotification.objects.filter(
        school=school, learner_id__in=ids, run_start__gte=start
    ).values_list("learner_id", "run_start"):
        notified[learner_id].append(run_start)
    learners = Learner.objects.select_related(*_LEARNER_RELATED).in_bulk(ids)
    runs = []
    for learner_id, first, last in long_runs:
        run_start, run_end = days[first], days[last]
        # A notification whose run began inside this run covers it (a mark
        # corrected later may move the first day of a run already notified).
        told = any(run_start <= d <= run_end for d in notified[learner_id])
        if told and not include_notified:
            continue
        runs.append(
            AbsenceRun(
                learners[learner_id], run_start, run_end, last - first + 1, last == len(days) - 1
            )
        )
    runs.sort(key=lambda r: (-r.end.toordinal(), -r.days, r.learner.display_name))
    return runs


def absence_run_for(scope: Scope, learner_id: int, run_start: dt.date) -> AbsenceRun:
    """One un-notified run of the queue, or 404 (out of scope, not a run, already told)."""
    for run in absence_runs_for(scope):
        if run.learner.pk == learner_id and run.start == run_start:
            return run
    raise Http404("Not found")


def absence_notifications_for(scope: Scope) -> QuerySet[LaAbsenceNotification]:
    """Notifications made of learners in scope, newest first."""
    return (
        LaAbsenceNotification.objects.filter(school=scope.school)
        .filter(learner_filter(scope, CAP, prefix="learner__"))
        .select_related("learner", "learner__year_group", "learner__reg_group", "notified_by")
    )


def absence_notification_or_404(scope: Scope, pk: int) -> LaAbsenceNotification:
    item = absence_notifications_for(scope).select_related("school").filter(pk=pk).first()
    if item is None:
        raise Http404("Not found")
    return item


# ---------------------------------------------------------------------------
# Roll changes

ROLL_STATUSES = {"due": "LA not yet told", "notified": "LA told", "": "All"}


def roll_changes_for(scope: Scope, *, status: str = "") -> QuerySet[RollChange]:
    """The register of roll changes of learners in scope; "due": not yet notified,
    earliest deadline first."""
    qs = (
        RollChange.objects.filter(school=scope.school)
        .filter(learner_filter(scope, CAP, prefix="learner__"))
        .select_related(
            "learner", "learner__year_group", "learner__reg_group", "la_notified_by", "created_by"
        )
    )
    if status == "due":
        qs = qs.filter(la_notified_on__isnull=True).order_by("due_by", "date", "id")
    elif status == "notified":
        qs = qs.filter(la_notified_on__isnull=False)
    return qs


def roll_change_or_404(scope: Scope, pk: int) -> RollChange:
    item = roll_changes_for(scope).filter(pk=pk).first()
    if item is None:
        raise Http404("Not found")
    return item


# ---------------------------------------------------------------------------
# Penalty-notice threshold


def rolling_window(
    school: School | int, weeks: int, today: dt.date, calendar: SchoolCalendar | None = None
) -> dt.date:
    """The Monday that starts the rolling period of `weeks` school weeks ending
    with today's week. A school week is a Monday-to-Friday week with at least
    one school day; holidays are skipped, so the period may cross terms and
    academic years (one query for the calendar)."""
    monday = today - dt.timedelta(days=today.weekday())
    if calendar is None:
        # Holidays add at most about 17 weeks a year: reach back far enough.
        calendar = SchoolCalendar.load(school, monday - dt.timedelta(weeks=weeks + 20), today)
    counted = 0
    while monday >= calendar.start:
        week = [monday + dt.timedelta(days=i) for i in range(5)]
        if any(calendar.covers(d) and calendar.is_school_day(d) for d in week):
            counted += 1
            if counted == weeks:
                return monday
        monday -= dt.timedelta(weeks=1)
    return calendar.start


@dataclass(frozen=True)
class PenaltyWindow:
    start: dt.date
    end: dt.date
    sessions: int
    weeks: int


def penalty_window_for(scope: Scope, today: dt.date | None = None) -> PenaltyWindow:
    today = today or timezone.localdate()
    settings = attendance_settings_for(scope.school)
    start = rolling_window(scope.school, settings.penalty_weeks, today)
    return PenaltyWindow(start, today, settings.penalty_sessions, settings.penalty_weeks)


def penalty_threshold_for(scope: Scope, window: PenaltyWindow) -> QuerySet[Learner]:
    """Learners in scope with at least `window.sessions` sessions of unauthorised
    absence between `window.start` and `window.end`: one aggregate query, with
    `unauthorised_sessions` and whether a notice to improve was given in the window."""
    in_window = Q(
        attendance_marks__date__gte=window.start,
        attendance_marks__date__lte=window.end,
        attendance_marks__code__in=UNAUTHORISED_CODES,
    )
    notice = Intervention.objects.filter(
        learner_id=OuterRef("pk"),
        kind=Intervention.Kind.NOTICE_TO_IMPROVE,
        date__gte=window.start,
    )
    return (
        Learner.objects.filter(learner_filter(scope, CAP))
        .filter(Q(on_roll_until__isnull=True) | Q(on_roll_until__gte=window.start))
        .annotate(
            unauthorised_sessions=Count("attendance_marks", filter=in_window),
            notice_to_improve=Exists(notice),
        )
        .filter(unauthorised_sessions__gte=window.sessions)
        .select_related(*_LEARNER_RELATED)
        .order_by("-unauthorised_sessions", "legal_last_name", "legal_first_name", "pk")
    )


def missing_default_letters(school: School) -> list[tuple[str, str]]:
    """The default notice-to-improve and attendance-contract letters the school
    has no template of that name for (one query)."""
    names = set(
        LetterTemplate.objects.filter(
            school=school, name__in=[name for name, _ in DEFAULT_LETTERS]
        ).values_list("name", flat=True)
    )
    return [(name, body) for name, body in DEFAULT_LETTERS if name not in names]


@dataclass(frozen=True)
class LearnerLaReturns:
    notifications: list[LaAbsenceNotification]
    roll_changes: list[RollChange]


def la_returns_for_learner(scope: Scope, learner: Learner) -> LearnerLaReturns:
    """A learner's LA notifications and roll changes, for their attendance page
    (two queries; none when the person does not record attendance work)."""
    if not scope.can(CAP):
        return LearnerLaReturns([], [])
    return LearnerLaReturns(
        list(absence_notifications_for(scope).filter(learner=learner)),
        list(roll_changes_for(scope).filter(learner=learner)),
    )
