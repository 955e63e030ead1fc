"""Demo behaviour: a year of positive and negative incidents (positive
outweighing negative about three to one), houses with totals, milestones,
and detention sessions with their registers (attended, a few missed and
escalated, a few excused because the learner was off school).

Only the demo school gets behaviour (the trust-scale schools have the default
types only). Everything goes in with bulk_create; no audit events are written
for seeded rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Sum
from django.utils import timezone

from behaviour.models import (
    BehaviourSettings,
    BehaviourType,
    Detention,
    DetentionSession,
    DetentionType,
    House,
    HouseMember,
    Incident,
    Kind,
    MilestoneAward,
)
from pastoral.calendar import SchoolCalendar
from pastoral.demo import DemoContext, academic_year_start
from pastoral.models import Learner, RegGroup, Role, School

PERIODS = ["P1", "P2", "P3", "P4", "P5", "Tutor time", "Break", "Lunch"]
ROOMS = ["E1", "E4", "M2", "M6", "S3", "S12", "H1", "G2", "PE hall", "Library"]
NOTES = {
    Kind.POSITIVE: [
        "",
        "",
        "Really thoughtful answer in the discussion.",
        "Helped a classmate who was stuck.",
        "Stayed focused all lesson.",
    ],
    Kind.NEGATIVE: [
        "",
        "Talking over the teacher after two reminders.",
        "Arrived without equipment again.",
        "Refused to move seats when asked.",
    ],
}
HOUSES = ["Brunel", "Curie", "Seacole", "Turing"]


def seed(ctx: DemoContext) -> None:
    school = ctx.demo_school
    BehaviourSettings.objects.filter(school=school).update(houses_enabled=True)
    rng = ctx.rng
    learners = list(Learner.objects.filter(school=school).select_related("reg_group"))
    staff = ctx.staff[school.pk][Role.STAFF]
    teacher = ctx.demo_users[Role.STAFF]
    # The demo teacher is 9A's form tutor: a tutor's view of their learners.
    RegGroup.objects.filter(school=school, name="9A").update(tutor=teacher)
    types = list(BehaviourType.objects.filter(school=school, active=True))
    positive = [t for t in types if t.kind == Kind.POSITIVE]
    negative = [t for t in types if t.kind == Kind.NEGATIVE]
    serious = [t for t in negative if t.severity >= 3]
    minor = [t for t in negative if t.severity < 3]
    start = dt.date(academic_year_start(ctx.today), 9, 1)
    calendar = SchoolCalendar.load(school, start, ctx.today)
    days = calendar.school_days(start, ctx.today - dt.timedelta(days=1)) or [ctx.today]
    tz = timezone.get_current_timezone()

    houses = House.objects.bulk_create([House(school=school, name=n) for n in HOUSES])
    HouseMember.objects.bulk_create(
        [HouseMember(learner=lr, house=houses[i % len(houses)]) for i, lr in enumerate(learners)]
    )

    incidents = []
    for learner in learners:
        # Most learners mostly positive; a tail of about one in eight gets more negatives.
        tricky = rng.random() < 0.12
        count = rng.randint(8, 30)
        for _ in range(count):
            roll = rng.random()
            if roll < (0.55 if tricky else 0.8):
                kind = rng.choice(positive)
            elif roll < 0.97:
                kind = rng.choice(minor)
            else:
                kind = rng.choice(serious)
            day = rng.choice(days)
            when = dt.datetime.combine(
                day, dt.time(rng.randint(8, 15), rng.choice([0, 10, 20, 30, 40, 50])), tzinfo=tz
            )
            points = rng.randint(kind.min_points, kind.max_points)
            incidents.append(
                Incident(
                    school=school,
                    learner=learner,
                    type=kind,
                    kind=kind.kind,
                    points=points,
                    occurred_at=when,
                    period=rng.choice(PERIODS),
                    room=rng.choice(ROOMS),
                    note=rng.choice(NOTES[kind.kind]),
                    created_by=teacher if rng.random() < 0.05 else rng.choice(staff),
                    created_at=when,
                )
            )
    incidents = Incident.objects.bulk_create(incidents, batch_size=5000)

    milestones = BehaviourSettings.objects.get(school=school).milestones
    totals = (
        Incident.objects.filter(school=school, kind=Kind.POSITIVE)
        .values("learner_id")
        .annotate(total=Sum("points"))
    )
    now = timezone.now()
    MilestoneAward.objects.bulk_create(
        [
            MilestoneAward(school=school, learner_id=row["learner_id"], points=m, reached_at=now)
            for row in totals
            for m in milestones
            if row["total"] >= m
        ],
        ignore_conflicts=True,
    )
    _detentions(ctx, school, [i for i in incidents if i.kind == Kind.NEGATIVE], days)
    from behaviour import demo_oncall

    demo_oncall.seed(ctx, school, days)
    from behaviour import demo_analysis

    # The head of year's patterns: rising negatives, many removals from one lesson.
    demo_analysis.seed(ctx, school, days)
    from behaviour import demo_exclusions

    # Suspensions: the runs of code E the attendance demo put in the register.
    demo_exclusions.seed(ctx)


def _detentions(
    ctx: DemoContext, school: School, negatives: list[Incident], days: list[dt.date]
) -> None:
    rng = ctx.rng
    kinds = {t.name: t for t in DetentionType.objects.filter(school=school)}
    staff = ctx.staff[school.pk][Role.STAFF]
    hoy = ctx.demo_users[Role.HEAD_OF_YEAR]
    sessions: dict[tuple[dt.date, str], DetentionSession] = {}

    def session_on(day: dt.date, name: str) -> DetentionSession:
        key = (day, name)
        if key not in sessions:
            kind = kinds[name]
            sessions[key] = DetentionSession(
                school=school,
                type=kind,
                date=day,
                start=kind.default_start,
                room=rng.choice(["S12", "H1", "Library"]),
                supervisor=rng.choice(staff),
                created_by=hoy,
            )
        return sessions[key]

    later = {d: days[i + 2] for i, d in enumerate(days[:-2])}
    chosen = [i for i in negatives if i.occurred_at.date() in later and rng.random() < 0.3]
    places: list[tuple[Incident, DetentionSession, str]] = []
    taken: set[tuple[int, dt.date]] = set()
    for incident in chosen:
        day = later[incident.occurred_at.date()]
        if (incident.learner_id, day) in taken:
            continue
        taken.add((incident.learner_id, day))
        name = "After-school detention" if incident.type.severity >= 3 else "Lunch detention"
        status = rng.choices(
            [Detention.Status.ATTENDED, Detention.Status.MISSED, Detention.Status.ABSENT],
            weights=[88, 8, 4],
        )[0]
        places.append((incident, session_on(day, name), status))
    DetentionSession.objects.bulk_create(list(sessions.values()))
    detentions = Detention.objects.bulk_create(
        [
            Detention(
                school=school,
                learner_id=incident.learner_id,
                session=session,
                incident=incident,
                reason=incident.type.name,
                status=status,
                issued_by=incident.created_by,
                issued_at=incident.occurred_at,
                marked_by=session.supervisor,
                marked_at=timezone.now(),
            )
            for incident, session, status in places
        ],
        batch_size=2000,
    )
    # A missed detention escalates by the school's rule (two school days later).
    escalations: dict[tuple[dt.date, str], list[Detention]] = defaultdict(list)
    for d in detentions:
        rule = d.session.type.escalates_to
        if d.status == Detention.Status.MISSED and rule and d.session.date in later:
            escalations[(later[d.session.date], rule.name)].append(d)
    extra = {
        key: session_on(*key) for key in escalations if key not in sessions or not sessions[key].pk
    }
    DetentionSession.objects.bulk_create([s for s in extra.values() if s.pk is None])
    Detention.objects.bulk_create(
        [
            Detention(
                school=school,
                learner_id=d.learner_id,
                session=sessions[key],
                incident=d.incident,
                escalated_from=d,
                reason=f"Missed {d.session.type.name} on {d.session.date:%d/%m/%Y} ({d.reason})",
                status=Detention.Status.ATTENDED,
                issued_by=hoy,
            )
            for key, missed in escalations.items()
            for d in missed
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
