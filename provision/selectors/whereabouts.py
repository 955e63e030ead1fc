""" "Where is this learner right now?" for any session of the school day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from attendance.models import Mark
from pastoral.access import Scope
from pastoral.calendar import SchoolCalendar, is_bank_holiday
from pastoral.models import Closure, Learner, School
from provision.access import placement_filter, require_placements
from provision.models import Placement, Report


class Where:
    PROVIDER = "provider"
    SCHOOL = "school"
    NOT_EXPECTED = "not_expected"


@dataclass(frozen=True)
class Whereabouts:
    where: str
    day: dt.date
    session: str
    headline: str
    reason: str = ""
    placement: Placement | None = None
    register_code: str = ""
    report: Report | None = None

    @property
    def at_provider(self) -> bool:
        return self.where == Where.PROVIDER

    @property
    def session_label(self) -> str:
        return "morning" if self.session == "AM" else "afternoon"


def current_session(school: School, now: dt.datetime | None = None) -> tuple[dt.date, str]:
    """Today's date and the session under way (the afternoon from the school's
    afternoon session start)."""
    local = timezone.localtime(now) if now else timezone.localtime()
    session = "PM" if local.time() >= school.pm_session_start else "AM"
    return local.date(), session


def _not_expected_reason(school: School, day: dt.date) -> str:
    if day.weekday() >= 5:
        return "It is a weekend."
    closure = Closure.objects.filter(school=school, date=day).first()
    if closure is not None:
        return f"The school is closed: {closure.name or closure.get_kind_display()}."
    if is_bank_holiday(day):
        return "It is a bank holiday."
    return "It is a school holiday."


def whereabouts_for(
    scope: Scope | None, learner: Learner, day: dt.date, session: str
) -> Whereabouts:
    """Where the learner is expected for the session: at a provider during an
    active placement's planned session, in school, or not expected at all
    (weekend, closure, holiday). The learner was fetched through the person's
    scope (learner_or_404)."""
    scope = require_placements(scope)
    calendar = SchoolCalendar.load(scope.school, day, day)
    if not calendar.is_school_day(day):
        return Whereabouts(
            Where.NOT_EXPECTED,
            day,
            session,
            "Not expected at school or a provider",
            _not_expected_reason(scope.school, day),
        )
    mark = (
        Mark.objects.filter(learner=learner, date=day, session=session)
        .values_list("code", flat=True)
        .first()
    ) or ""
    placements = [
        p
        for p in Placement.objects.filter(placement_filter(scope))
        .filter(learner=learner, status__in=[Placement.Status.ACTIVE, Placement.Status.ENDED])
        .filter(start__lte=day)
        .select_related("provider")
        .order_by("-start", "-id")
        if p.attends(day, session)
    ]
    if placements:
        placement = placements[0]
        report = Report.objects.filter(placement=placement, date=day, session=session).first()
        provider = placement.provider
        return Whereabouts(
            Where.PROVIDER,
            day,
            session,
            f"At {provider.name}",
            f"A planned session of placement {placement.reference}.",
            placement=placement,
            register_code=mark,
            report=report,
        )
    return Whereabouts(
        Where.SCHOOL,
        day,
        session,
        "In school",
        "No alternative provision placement is planned for this session.",
        register_code=mark,
    )
