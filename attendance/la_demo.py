"""Demo data of the local-authority returns (called by attendance.demo.seed):
the default notice-to-improve and attendance-contract letters; a Year 9 learner
absent without authorisation for the last 12 school days (on the "LA
notifications due" queue); another whose earlier run was notified; a deletion
from the roll due to be told to the LA and an addition already told; a notice to
improve for a learner at the penalty-notice threshold."""

from __future__ import annotations

from attendance.default_letters import DEFAULT_LETTERS
from attendance.models import (
    Intervention,
    LaAbsenceNotification,
    LaNoticeMethod,
    LetterTemplate,
    Mark,
    RollChange,
)
from attendance.services import render_letter
from pastoral.calendar import SchoolCalendar, add_school_days
from pastoral.demo import DemoContext
from pastoral.models import Learner, Role, School


def seed_la_returns(ctx: DemoContext, school: School) -> None:
    for name, body in DEFAULT_LETTERS:
        LetterTemplate.objects.get_or_create(school=school, name=name, defaults={"body": body})
    officer = ctx.demo_users.get(Role.HEAD_OF_YEAR) or ctx.demo_users.get(Role.SENCO)
    if officer is None:
        return
    learners = list(
        Learner.objects.filter(school=school, year_group__number=9).order_by("pk")[8:12]
    )
    if len(learners) < 4:
        return
    absent, notified, leaver, joiner = learners
    calendar = SchoolCalendar.load(school, ctx.today.replace(day=1, month=1), ctx.today)
    days = calendar.school_days(calendar.start, ctx.today)
    if len(days) < 30:
        return
    # 12 school days of unauthorised absence up to today: on the queue.
    _absent(absent, days[-12:], "O")
    # 11 days a while ago, notified; back in school since.
    earlier = days[-30:-19]
    _absent(notified, earlier, "N")
    LaAbsenceNotification.objects.create(
        school=school,
        learner=notified,
        run_start=earlier[0],
        run_end=earlier[-1],
        school_days=len(earlier),
        notified_on=add_school_days(school, earlier[-1], 1),
        how=LaNoticeMethod.PORTAL,
        la_reference="EWS-2041",
        notified_by=officer,
    )
    left_on = days[-3]
    RollChange.objects.create(
        school=school,
        learner=leaver,
        kind=RollChange.Kind.DELETION,
        date=left_on,
        ground="moved_away",
        details="Family moved to Leeds; new school not yet known.",
        due_by=add_school_days(school, left_on, 5),
        created_by=officer,
    )
    joined_on = days[-20]
    RollChange.objects.create(
        school=school,
        learner=joiner,
        kind=RollChange.Kind.ADDITION,
        date=joined_on,
        ground="moved_in",
        due_by=add_school_days(school, joined_on, 5),
        la_notified_on=add_school_days(school, joined_on, 2),
        la_notified_how=LaNoticeMethod.EMAIL,
        la_reference="ADM-118",
        la_notified_by=officer,
        created_by=officer,
    )
    notice = LetterTemplate.objects.get(school=school, name=DEFAULT_LETTERS[0][0])
    Intervention.objects.create(
        school=school,
        learner=notified,
        kind=Intervention.Kind.NOTICE_TO_IMPROVE,
        date=add_school_days(school, earlier[-1], 2),
        owner=officer,
        letter_template=notice,
        letter_text=render_letter(notice, notified, "see the register"),
        notes="Given at the attendance meeting.",
        created_by=officer,
    )


def _absent(learner: Learner, days: list, code: str) -> None:
    Mark.objects.filter(learner=learner, date__in=days).delete()
    Mark.objects.bulk_create(
        [
            Mark(school_id=learner.school_id, learner=learner, date=day, session=s, code=code)
            for day in days
            for s in ("AM", "PM")
        ]
    )
