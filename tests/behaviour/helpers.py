"""Shared set-up for the behaviour tests and the permission matrix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from behaviour.models import (
    BehaviourType,
    Detention,
    DetentionSession,
    DetentionType,
    Incident,
    MilestoneAward,
)
from pastoral.models import Learner, School, User


def kind(school: School, name: str) -> BehaviourType:
    return BehaviourType.objects.get(school=school, name=name)


def positive(school: School) -> BehaviourType:
    return kind(school, "Excellent work")


def negative(school: School) -> BehaviourType:
    return kind(school, "Rudeness to staff")


def incident(
    learner: Learner, by: User, *, name: str = "Rudeness to staff", note: str = ""
) -> Incident:
    t = kind(learner.school, name)
    return Incident.objects.create(
        school=learner.school,
        learner=learner,
        type=t,
        kind=t.kind,
        points=t.default_points,
        note=note,
        created_by=by,
    )


def next_weekday(days: int = 2) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def session(
    school: School,
    by: User,
    *,
    name: str = "After-school detention",
    date: dt.date | None = None,
    supervisor: User | None = None,
) -> DetentionSession:
    t = DetentionType.objects.get(school=school, name=name)
    return DetentionSession.objects.create(
        school=school,
        type=t,
        date=date or next_weekday(),
        start=t.default_start,
        room="S12",
        supervisor=supervisor,
        created_by=by,
    )


def detention(learner: Learner, by: User, **kwargs: Any) -> Detention:
    s = session(learner.school, by, **kwargs)
    return Detention.objects.create(
        school=learner.school, learner=learner, session=s, reason="Rudeness", issued_by=by
    )


def award(learner: Learner, points: int = 50) -> MilestoneAward:
    return MilestoneAward.objects.create(school=learner.school, learner=learner, points=points)
