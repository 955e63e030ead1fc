"""Demo data: two providers (one confirmed, one whose confirmation expired),
two Year 9 placements (one active for a fortnight, one draft that cannot start
yet), the register marked B for the active placement's sessions and the
provider's reports, one of which disagrees with the register."""

from __future__ import annotations

import datetime as dt

from attendance.models import Mark
from pastoral.calendar import SchoolCalendar
from pastoral.demo import DemoContext
from pastoral.models import Learner, Role
from provision.models import Confirmation, Placement, Provider, Report, session_code

SESSIONS = ["MON-AM", "MON-PM", "WED-AM", "WED-PM", "THU-AM"]


def seed(ctx: DemoContext) -> None:
    school = ctx.demo_school
    owner = ctx.demo_users.get(Role.HEAD_OF_YEAR) or ctx.demo_users.get(Role.SENCO)
    admin = ctx.demo_users.get(Role.ADMIN) or owner
    if owner is None or admin is None:
        return
    learners = list(
        Learner.objects.filter(school=school, year_group__number=9, on_roll_until__isnull=True)
        .order_by("id")
        .all()[:2]
    )
    if len(learners) < 2:
        return
    today = ctx.today
    riverside = Provider.objects.create(
        school=school,
        name="Riverside Learning Centre",
        urn="143210",
        ukprn="10054321",
        registration=Provider.Registration.AP,
        address="Unit 4, Riverside Way\nExampletown EX1 2AB",
        contact_name="Jo Rivers, centre manager",
        phone="01632 960 123",
        email="office@riverside.example",
    )
    northgate = Provider.objects.create(
        school=school,
        name="Northgate Motor Skills",
        ukprn="10098765",
        registration=Provider.Registration.UNREGISTERED,
        address="Northgate Industrial Estate\nExampletown EX3 9ZZ",
        contact_name="Mo Gates",
        phone="01632 960 456",
    )
    Confirmation.objects.create(
        provider=riverside,
        confirmed_by="Jo Rivers, centre manager",
        confirmed_on=today - dt.timedelta(days=60),
        expires_on=today + dt.timedelta(days=305),
        recorded_by=admin,
    )
    Confirmation.objects.create(
        provider=northgate,
        confirmed_by="Mo Gates, director",
        confirmed_on=today - dt.timedelta(days=400),
        expires_on=today - dt.timedelta(days=35),
        recorded_by=admin,
    )
    start = today - dt.timedelta(days=12)
    active = Placement.objects.create(
        school=school,
        learner=learners[0],
        provider=riverside,
        owner=owner,
        created_by=owner,
        status=Placement.Status.ACTIVE,
        start=start,
        end=today + dt.timedelta(days=56),
        sessions=SESSIONS,
        times="9:30 to 14:30",
        reason=Placement.Reason.REENGAGE,
        reason_detail="Re-engage with learning through a small-group vocational programme; "
        "English and maths continue at the centre.",
        cost="45.00",
    )
    Placement.objects.create(
        school=school,
        learner=learners[1],
        provider=northgate,
        owner=owner,
        created_by=owner,
        start=today + dt.timedelta(days=7),
        end=today + dt.timedelta(days=70),
        sessions=["TUE-AM", "TUE-PM"],
        reason=Placement.Reason.VOCATIONAL,
        reason_detail="Motor vehicle taster course, two days a week.",
    )
    calendar = SchoolCalendar.load(school, start, today)
    sessions = [
        (day, half)
        for day in calendar.school_days(start, today - dt.timedelta(days=1))
        for half in ("AM", "PM")
        if session_code(day, half) in SESSIONS
    ]
    # The register: B (approved educational activity off-site) for the placement's sessions.
    for day, half in sessions:
        Mark.objects.update_or_create(
            learner=learners[0],
            date=day,
            session=half,
            defaults={"school": school, "code": "B"},
        )
    # The provider's reports for every session so far; one says absent where the
    # register says B (the disagreement on the reconciliation list).
    for i, (day, half) in enumerate(sessions):
        absent = i == len(sessions) - 2
        Report.objects.create(
            placement=active,
            date=day,
            session=half,
            outcome=Report.Outcome.ABSENT if absent else Report.Outcome.ATTENDED,
            note="Did not arrive; centre phoned home" if absent else "",
            recorded_by=owner,
        )
