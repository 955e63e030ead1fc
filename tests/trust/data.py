"""Records of every kind the trust dashboard counts, written straight to the models."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from attendance.models import Mark
from caseload.models import Plan
from pastoral.models import School
from pastoral.reports.models import CPFileTransfer
from safeguarding.models import Category, Concern, ConcernAction, ConcernLearner
from tests.factories import LearnerFactory, UserFactory, YearGroupFactory, member

SECRET = "PURPLE-OTTER disclosed at lunch"


def populate(school: School, *, today: dt.date | None = None) -> dict[str, Any]:
    """In `school`: open concerns 2, 10 and 40 days old (the first two
    categorised), a closed one, an overdue follow-up, an overdue plan review,
    a CP transfer awaiting receipt and one received, and three learners' marks
    over ten days from 1 October (one in severe absence, one in persistent
    absence only, one present)."""
    today = today or timezone.localdate()
    now = timezone.now()
    dsl = member(UserFactory(), school, "dsl")
    year = YearGroupFactory(school=school, number=8)
    learners = [
        LearnerFactory(year_group=year, legal_first_name="Zed", legal_last_name=f"Zebra{i}")
        for i in range(3)
    ]
    neglect, _ = Category.objects.get_or_create(school=school, name="Neglect")
    bullying, _ = Category.objects.get_or_create(school=school, name="Bullying")
    concerns = []
    for days, cats, status in (
        (2, [neglect], Concern.Status.NEW),
        (10, [neglect, bullying], Concern.Status.OPEN),
        (40, [], Concern.Status.OPEN),
        (5, [bullying], Concern.Status.CLOSED),
    ):
        when = now - dt.timedelta(days=days)
        c = Concern.objects.create(
            school=school,
            author=dsl,
            occurred_at=when,
            submitted_at=when,
            description=SECRET,
            status=status,
        )
        c.categories.set(cats)
        ConcernLearner.objects.create(concern=c, learner=learners[0])
        concerns.append(c)
    ConcernAction.objects.create(
        concern=concerns[1],
        kind=ConcernAction.Kind.MONITORING,
        details=SECRET,
        follow_up_due=today - dt.timedelta(days=1),
        recorded_by=dsl,
    )
    ConcernAction.objects.create(
        concern=concerns[1],
        kind=ConcernAction.Kind.MONITORING,
        follow_up_due=today + dt.timedelta(days=3),
        recorded_by=dsl,
    )
    Plan.objects.create(
        school=school,
        learner=learners[1],
        type=Plan.Type.PSP,
        status=Plan.Status.ACTIVE,
        start=today - dt.timedelta(days=60),
        next_review=today - dt.timedelta(days=2),
    )
    Plan.objects.create(
        school=school,
        learner=learners[2],
        type=Plan.Type.PSP,
        status=Plan.Status.ACTIVE,
        start=today - dt.timedelta(days=60),
        next_review=today + dt.timedelta(days=20),
    )
    for received in (None, now):
        CPFileTransfer.objects.create(
            school=school,
            learner=learners[2],
            receiving_school="Far School",
            method=CPFileTransfer.Method.SECURE_EMAIL,
            sent_at=now - dt.timedelta(days=3),
            sent_by=dsl,
            receipt_confirmed_at=received,
            receipt_confirmed_by="Dee" if received else "",
        )
    first = dt.date(today.year if today.month >= 10 else today.year - 1, 10, 1)
    days = [first + dt.timedelta(days=i) for i in range(10)]
    marks = []
    for n, learner in enumerate(learners):
        for i, day in enumerate(days):
            for session, present in (("AM", "/"), ("PM", "\\")):
                slot = i * 2 + (session == "PM")
                absent = n == 0 or (n == 1 and slot < 3)  # 20/20 and 3/20 missed
                code = "N" if absent else present
                marks.append(
                    Mark(school=school, learner=learner, date=day, session=session, code=code)
                )
    Mark.objects.bulk_create(marks)
    return {"learners": learners, "concerns": concerns, "dsl": dsl}
