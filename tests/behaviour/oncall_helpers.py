"""Set-up for the on-call, removal and isolation tests and their matrix cases."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from behaviour.models import IsolationSession, OnCallRequest, Removal
from pastoral.models import Learner, School, User


def oncall_request(
    school: School,
    by: User,
    *,
    learner: Learner | None = None,
    room: str = "S12",
    reason: str = "disruption",
) -> OnCallRequest:
    return OnCallRequest.objects.create(
        school=school, requested_by=by, room=room, lesson="P3", reason=reason, learner=learner
    )


def removal(
    learner: Learner, by: User, *, when: dt.datetime | None = None, lesson: str = "P2 Maths"
) -> Removal:
    return Removal.objects.create(
        school=learner.school,
        learner=learner,
        removed_at=when or timezone.now(),
        lesson=lesson,
        removed_by=by,
        recorded_by=by,
        reason="Persistent disruption",
        where_to="On-call room",
        minutes=30,
    )


def isolation_session(
    school: School, by: User, *, date: dt.date | None = None, supervisor: User | None = None
) -> IsolationSession:
    return IsolationSession.objects.create(
        school=school,
        date=date or timezone.localdate(),
        room="Isolation 1",
        supervisor=supervisor,
        created_by=by,
    )
