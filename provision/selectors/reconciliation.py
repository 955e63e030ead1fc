"""The provider's attendance reports reconciled against the register.

A learner at alternative provision is marked B (approved educational activity
off-site), K (provision arranged by the local authority) or D (dual registered)
for the sessions they attend there (*Working together to improve school
attendance*, 2024, and the 2024 registration regulations). This list is every
placement session where the provider's account and the school's register do
not agree, or where one of them is missing.

Set-based: one query for the placements, one for their register marks, one
for the provider's reports and one for the calendar, whatever the number of
placements, sessions or the page size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from attendance.codes import ABSENT_CODES
from attendance.models import Mark
from pastoral.access import Scope
from pastoral.calendar import SchoolCalendar
from pastoral.models import Learner
from provision.access import placement_filter, require_placements
from provision.models import Placement, Report, session_code

OFFSITE_CODES = frozenset({"B", "K", "D"})
MAX_RANGE_DAYS = 366


class Kind:
    NO_MARK = "no_mark"
    ABSENT_BUT_OFFSITE = "absent_offsite"
    ATTENDED_BUT_ABSENT = "attended_absent"
    ATTENDED_BUT_IN_SCHOOL = "attended_in_school"
    NO_REPORT = "no_report"


KIND_LABELS = {
    Kind.NO_MARK: "A placement session with no register mark",
    Kind.ABSENT_BUT_OFFSITE: "Provider says absent; register says attending off-site",
    Kind.ATTENDED_BUT_ABSENT: "Provider says attended; register says absent",
    Kind.ATTENDED_BUT_IN_SCHOOL: "Provider says attended; register says in school",
    Kind.NO_REPORT: "Register says off-site; no report from the provider",
}


@dataclass(frozen=True)
class Discrepancy:
    placement: Placement
    learner: Learner
    date: dt.date
    session: str
    kind: str
    register_code: str
    report_outcome: str
    report_note: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def report_label(self) -> str:
        return dict(Report.Outcome.choices).get(self.report_outcome, "")


def _judge(code: str, outcome: str) -> str | None:
    """The kind of disagreement between a register code and a provider's report."""
    if not code:
        return Kind.NO_MARK
    if not outcome:
        return Kind.NO_REPORT if code in OFFSITE_CODES else None
    if outcome == Report.Outcome.ABSENT:
        return Kind.ABSENT_BUT_OFFSITE if code in OFFSITE_CODES else None
    if code in OFFSITE_CODES:
        return None
    if code in ABSENT_CODES:
        return Kind.ATTENDED_BUT_ABSENT
    return Kind.ATTENDED_BUT_IN_SCHOOL


def discrepancies_for(
    scope: Scope | None,
    *,
    start: dt.date,
    end: dt.date,
    kind: str = "",
    provider_id: int | None = None,
) -> list[Discrepancy]:
    """Placement sessions from start to end (never past today) where the
    provider's report and the register disagree, newest first."""
    scope = require_placements(scope)
    placements = list(
        Placement.objects.filter(placement_filter(scope))
        .exclude(status=Placement.Status.DRAFT)
        .filter(start__lte=end)
        .select_related("learner", "learner__year_group", "provider")
        .order_by("pk")
    )
    if provider_id:
        placements = [p for p in placements if p.provider_id == provider_id]
    placements = [p for p in placements if p.last_day >= start]
    if not placements:
        return []
    calendar = SchoolCalendar.load(scope.school, start, end)
    marks = {
        (learner_id, day, session): code
        for learner_id, day, session, code in Mark.objects.filter(
            school=scope.school,
            learner_id__in={p.learner_id for p in placements},
            date__gte=start,
            date__lte=end,
        ).values_list("learner_id", "date", "session", "code")
    }
    reports = {
        (r.placement_id, r.date, r.session): r
        for r in Report.objects.filter(
            placement_id__in=[p.pk for p in placements], date__gte=start, date__lte=end
        ).only("placement_id", "date", "session", "outcome", "note")
    }
    found: list[Discrepancy] = []
    for placement in placements:
        day = max(start, placement.start)
        last = min(end, placement.last_day)
        while day <= last:
            if calendar.is_school_day(day):
                for session in ("AM", "PM"):
                    report = reports.get((placement.pk, day, session))
                    if session_code(day, session) not in placement.sessions and report is None:
                        continue
                    code = marks.get((placement.learner_id, day, session), "")
                    outcome = report.outcome if report else ""
                    what = _judge(code, outcome)
                    if what and (not kind or kind == what):
                        found.append(
                            Discrepancy(
                                placement=placement,
                                learner=placement.learner,
                                date=day,
                                session=session,
                                kind=what,
                                register_code=code,
                                report_outcome=outcome,
                                report_note=report.note if report else "",
                            )
                        )
            day += dt.timedelta(days=1)
    found.sort(key=lambda d: (d.date, d.session, d.learner.display_name), reverse=True)
    return found
