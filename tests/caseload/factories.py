"""Builders for caseload rows in tests (direct model writes, no audit)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from caseload.models import (
    AgreedAction,
    Allocation,
    ContactLog,
    Intervention,
    Mark,
    Plan,
    PlanVersion,
    RosterEntry,
    Session,
    Target,
)


def today() -> dt.date:
    return timezone.localdate()


def allocate(learner: Any, worker: Any, *, kind: str = "lead", days_ago: int = 10) -> Allocation:
    return Allocation.objects.create(
        school=learner.school,
        learner=learner,
        worker=worker,
        kind=kind,
        reason="test",
        start=today() - dt.timedelta(days=days_ago),
    )


def make_plan(
    learner: Any,
    *,
    status: str = Plan.Status.ACTIVE,
    next_review: dt.date | None = None,
    targets: int = 2,
    start_days_ago: int = 30,
) -> Plan:
    start = today() - dt.timedelta(days=start_days_ago)
    plan = Plan.objects.create(
        school=learner.school,
        learner=learner,
        type=Plan.Type.PSP,
        status=status,
        start=start,
        next_review=next_review or today() + dt.timedelta(days=30),
        strategies="Meet weekly",
    )
    rows = Target.objects.bulk_create(
        [
            Target(
                plan=plan,
                what=f"Target {i + 1}",
                measure=f"Measure {i + 1}",
                by_when=today() + dt.timedelta(days=60),
                who="Key worker",
                order=i,
            )
            for i in range(targets)
        ]
    )
    PlanVersion.objects.create(
        plan=plan, number=1, snapshot=plan.snapshot(rows, []), reason="Plan created"
    )
    return plan


def make_group(leader: Any, learners: list[Any], *, name: str = "ELSA group") -> Intervention:
    school = learners[0].school
    group = Intervention.objects.create(
        school=school, name=name, kind=Intervention.Kind.ELSA, leader=leader, start=today()
    )
    RosterEntry.objects.bulk_create([RosterEntry(intervention=group, learner=x) for x in learners])
    return group


def make_session(group: Intervention, marks: dict[Any, str], *, days_ago: int = 1) -> Session:
    session = Session.objects.create(intervention=group, date=today() - dt.timedelta(days=days_ago))
    Mark.objects.bulk_create(
        [Mark(session=session, learner=learner, status=s) for learner, s in marks.items()]
    )
    return session


def make_contact(
    learner: Any, *, days_ago: int = 1, owner: Any = None, due_days: int = 5
) -> ContactLog:
    entry = ContactLog.objects.create(
        school=learner.school,
        learner=learner,
        kind=ContactLog.Kind.PHONE,
        when=timezone.now() - dt.timedelta(days=days_ago),
        with_whom=ContactLog.With.LEARNER,
        summary="Talked about the week",
    )
    if owner is not None:
        AgreedAction.objects.create(
            contact=entry,
            action="Ring home",
            owner=owner,
            due=today() + dt.timedelta(days=due_days),
        )
    return entry
