"""Demo on-call, removals and isolation: the demo teacher and a colleague on the
rota, a term of on-call requests (most resolved in minutes, a few removals from
class), one open request waiting now, and isolation sessions with a register.
Bulk-created; no audit events for seeded rows."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from behaviour.models import (
    IsolationPlace,
    IsolationSession,
    OnCallMember,
    OnCallPolicy,
    OnCallRequest,
    Removal,
)
from behaviour.models.oncall import REMOVAL_OUTCOMES, Outcome, Reason
from pastoral.demo import DemoContext
from pastoral.models import Learner, Role, School

ROOMS = ["E1", "E4", "M2", "M6", "S3", "S12", "H1", "G2"]
LESSONS = ["P1", "P2", "P3", "P4", "P5"]
WHERE = {Outcome.REMOVED: "On-call room", Outcome.ISOLATION: "Isolation", Outcome.SENT_HOME: "Home"}


def seed(ctx: DemoContext, school: School, days: list[dt.date]) -> None:
    rng = ctx.rng
    tz = timezone.get_current_timezone()
    staff = ctx.staff[school.pk][Role.STAFF]
    hoy = ctx.demo_users[Role.HEAD_OF_YEAR]
    dsl = ctx.demo_users[Role.DSL]
    OnCallPolicy.objects.get_or_create(school=school)
    rota = [hoy, *staff[:2]]
    OnCallMember.objects.bulk_create(
        [OnCallMember(school=school, user=u, added_by=dsl) for u in rota], ignore_conflicts=True
    )
    learners = list(Learner.objects.filter(school=school).order_by("pk")[:400])
    if not learners:
        return
    recent = days[-60:]
    outcomes = [Outcome.RETURNED] * 5 + [Outcome.REMOVED] * 3 + [Outcome.ISOLATION, Outcome.OTHER]
    requests = []
    for day in recent:
        for _ in range(rng.randint(0, 3)):
            start = dt.datetime.combine(
                day, dt.time(rng.randint(9, 14), rng.choice([5, 15, 25, 35, 45])), tzinfo=tz
            )
            requests.append(
                OnCallRequest(
                    school=school,
                    requested_by=rng.choice(staff),
                    requested_at=start,
                    room=rng.choice(ROOMS),
                    lesson=rng.choice(LESSONS),
                    reason=rng.choice(Reason.values[:4]),
                    learner=rng.choice(learners),
                    status=OnCallRequest.Status.RESOLVED,
                    accepted_by=(taker := rng.choice(rota)),
                    accepted_at=start + dt.timedelta(minutes=rng.randint(1, 4)),
                    resolved_by=taker,
                    resolved_at=start + dt.timedelta(minutes=rng.randint(6, 20)),
                    outcome=rng.choice(outcomes),
                )
            )
    now = timezone.now()
    requests.append(
        OnCallRequest(
            school=school,
            requested_by=ctx.demo_users[Role.STAFF],
            requested_at=now - dt.timedelta(minutes=2),
            room="E4",
            lesson="P3",
            reason=Reason.DISRUPTION,
            learner=learners[0],
        )
    )
    requests = OnCallRequest.objects.bulk_create(requests)
    Removal.objects.bulk_create(
        [
            Removal(
                school=school,
                learner=r.learner,
                removed_at=r.resolved_at,
                lesson=r.lesson,
                room=r.room,
                removed_by=r.requested_by,
                reason=r.get_reason_display(),
                where_to=WHERE[r.outcome],
                minutes=rng.choice([20, 30, 45, 60]),
                request=r,
                recorded_by=r.resolved_by,
            )
            for r in requests
            if r.outcome in REMOVAL_OUTCOMES
        ]
    )
    # Isolation: a session on some recent days and today, with its register.
    sessions = IsolationSession.objects.bulk_create(
        [
            IsolationSession(
                school=school, date=day, room="Reflection room", supervisor=hoy, created_by=hoy
            )
            for day in recent[-10::3]
        ]
        + [
            IsolationSession(
                school=school,
                date=timezone.localdate(),
                room="Reflection room",
                supervisor=staff[0],
                created_by=hoy,
            )
        ]
    )
    places = []
    for session in sessions:
        today = session.date >= timezone.localdate()
        for learner in rng.sample(learners, k=min(3, len(learners))):
            places.append(
                IsolationPlace(
                    school=school,
                    session=session,
                    learner=learner,
                    reason="Removed from class three times this week",
                    periods=rng.randint(2, 5),
                    status=IsolationPlace.Status.EXPECTED
                    if today
                    else rng.choice([IsolationPlace.Status.ATTENDED] * 4 + ["left"]),
                    placed_by=hoy,
                )
            )
    IsolationPlace.objects.bulk_create(places)
