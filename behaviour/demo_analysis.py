"""Demo data for behaviour analysis: the two patterns a head of year looks for.

A few Year 9 learners (the demo head of year's year) whose negatives rise over
the last four weeks, and one lesson where the same teacher removed learners
four times this half term, so that `make run` shows both on the analysis page
and the home-page panel.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from behaviour.models import BehaviourType, Incident, Kind, Removal
from pastoral.demo import DemoContext
from pastoral.models import Learner, Role, School


def seed(ctx: DemoContext, school: School, days: list[dt.date]) -> None:
    rng = ctx.rng
    tz = timezone.get_current_timezone()
    staff = ctx.staff[school.pk][Role.STAFF]
    minor = list(
        BehaviourType.objects.filter(school=school, kind=Kind.NEGATIVE, active=True, severity__lt=3)
    )
    year9 = list(Learner.objects.filter(school=school, year_group__number=9).order_by("pk")[:60])
    recent = [d for d in days if d > ctx.today - dt.timedelta(days=27)]
    if not (minor and year9 and recent and staff):
        return
    incidents = []
    for learner in rng.sample(year9, min(4, len(year9))):
        for _ in range(rng.randint(4, 6)):
            kind = rng.choice(minor)
            when = dt.datetime.combine(rng.choice(recent), dt.time(rng.randint(9, 14), 20), tz)
            incidents.append(
                Incident(
                    school=school,
                    learner=learner,
                    type=kind,
                    kind=kind.kind,
                    points=kind.default_points,
                    occurred_at=when,
                    period=rng.choice(["P3", "P4", "P5"]),
                    room="M6",
                    note="Off task and answering back after a warning.",
                    created_by=rng.choice(staff),
                    created_at=when,
                )
            )
    Incident.objects.bulk_create(incidents)
    teacher = staff[0]
    Removal.objects.bulk_create(
        [
            Removal(
                school=school,
                learner=rng.choice(year9),
                removed_at=dt.datetime.combine(day, dt.time(13, 40), tz),
                lesson="P5 Maths",
                room="M6",
                removed_by=teacher,
                recorded_by=teacher,
                reason="Persistent disruption after two warnings",
                where_to="On-call room",
                minutes=30,
            )
            for day in recent[-4:]
        ]
    )
