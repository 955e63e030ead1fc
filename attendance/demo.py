"""Demo attendance: a year of marks with realistic patterns, targets and interventions.

Most learners attend about 96% of sessions; a tail is persistently absent
(10% or more missed) and a few severely (50% or more); some have fallen in
the last four weeks. Marks cover the school days of the current academic
year up to today (weekends, closures and holidays skipped using the core's
calendar); today has morning marks only, with a few unexplained absences.

At trust scale every school gets marks (about 25,000 learners × the
sessions so far): written with COPY on PostgreSQL, bulk_create elsewhere.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from decimal import Decimal

from django.db import connection

from attendance import selectors
from attendance.models import (
    Intervention,
    LetterTemplate,
    Mark,
    PartTimeReview,
    PartTimeSession,
    PartTimeTimetable,
    ReturnPlan,
    Target,
    TargetReview,
)
from pastoral.demo import DemoContext
from pastoral.models import AcademicYear, Closure, Learner, Role, School, Term, User

LETTERS = [
    (
        "Attendance concern (stage 1)",
        "Dear parent or carer,\n\n{learner}'s attendance this year is {attendance}. "
        "Every day in school matters. Please contact the attendance officer so that we "
        "can talk about any support {learner} needs.\n\nYours sincerely,\nPastoral team\n{date}",
    ),
    (
        "Invitation to an attendance meeting (stage 2)",
        "Dear parent or carer,\n\n{learner}'s attendance remains a concern at {attendance}. "
        "We would like to meet you to agree a plan to improve it.\n\nPastoral team\n{date}",
    ),
    (
        "Improvement noticed",
        "Dear parent or carer,\n\nThank you: {learner}'s attendance has improved to "
        "{attendance}. Please keep it up.\n\nPastoral team\n{date}",
    ),
]

# Absence codes and how often each is used, as a school's register shows them.
# No E: code E is set only on the demo's suspension days (attendance/demo_suspensions.py).
ABSENCE_CODES = ["I", "I", "I", "I", "I", "I", "M", "O", "N", "G", "C", "R"]
BATCH = 20_000


def school_days(school: School, today: dt.date) -> list[dt.date]:
    """The current academic year's school days up to today, from the core's calendar."""
    ay = AcademicYear.objects.filter(school=school, start__lte=today, end__gte=today).first()
    if ay is None:
        return []
    terms = list(Term.objects.filter(academic_year=ay).values_list("start", "end"))
    closed = set(Closure.objects.filter(school=school).values_list("date", flat=True))
    days = []
    day = ay.start
    while day <= today:
        if (
            day.weekday() < 5
            and day not in closed
            and any(start <= day <= end for start, end in terms)
        ):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _absence_rate(rng: random.Random) -> float:
    # Most learners near 96%; a tail of persistent absence; a few severe.
    roll = rng.random()
    if roll < 0.80:
        return rng.uniform(0.0, 0.05)
    if roll < 0.92:
        return rng.uniform(0.05, 0.12)
    if roll < 0.98:
        return rng.uniform(0.12, 0.35)
    return rng.uniform(0.5, 0.75)


def _learner_marks(
    rng: random.Random, school_id: int, learner_id: int, days: list[dt.date], today: dt.date
) -> Iterator[tuple[int, int, dt.date, str, str, int | None]]:
    rate = _absence_rate(rng)
    falling = rng.random() < 0.04
    recent = today - dt.timedelta(weeks=4)
    spell = 0
    spell_code = "I"
    for day in days:
        day_rate = min(0.9, rate * 2 + 0.05) if falling and day > recent else rate
        # A spell lasts 1.6 days on average, so it starts on rate / 1.6 of days.
        if spell == 0 and rng.random() < day_rate / 1.6:
            spell = rng.choice([1, 1, 1, 2, 3])
            spell_code = rng.choice(ABSENCE_CODES)
        sessions = ("AM",) if day == today else ("AM", "PM")
        for session in sessions:
            minutes = None
            if spell:
                code = spell_code
                if day == today and session == "AM" and rng.random() < 0.5:
                    code = "N"  # not yet explained this morning
            else:
                roll = rng.random()
                if session == "AM" and roll < 0.04:
                    code, minutes = "L", rng.randrange(3, 25)
                elif session == "AM" and roll < 0.045:
                    code, minutes = "U", rng.randrange(31, 60)
                elif roll < 0.055:
                    code = rng.choice(["V", "P", "B", "W"])
                else:
                    code = "/" if session == "AM" else "\\"
            yield (school_id, learner_id, day, session, code, minutes)
        if spell:
            spell -= 1


def _write(rows: list[tuple[int, int, dt.date, str, str, int | None]]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                "COPY attendance_mark (school_id, learner_id, date, session, code,"
                " minutes_late, updated_at) FROM STDIN"
            ) as copy,
        ):
            now = dt.datetime.now(dt.UTC)
            for row in rows:
                copy.write_row((*row, now))
        return
    Mark.objects.bulk_create(
        [
            Mark(school_id=s, learner_id=lid, date=d, session=ses, code=c, minutes_late=m)
            for s, lid, d, ses, c, m in rows
        ],
        batch_size=5000,
    )


def seed_marks(rng: random.Random, school: School, today: dt.date) -> int:
    days = school_days(school, today)
    learner_ids = list(Learner.objects.filter(school=school).values_list("pk", flat=True))
    buffer: list[tuple[int, int, dt.date, str, str, int | None]] = []
    count = 0
    for learner_id in learner_ids:
        buffer.extend(_learner_marks(rng, school.pk, learner_id, days, today))
        if len(buffer) >= BATCH:
            _write(buffer)
            count += len(buffer)
            buffer = []
    _write(buffer)
    return count + len(buffer)


def _staff(ctx: DemoContext, school: School, role: str) -> list[User]:
    return ctx.staff.get(school.pk, {}).get(role, [])


def seed_casework(ctx: DemoContext, school: School) -> None:
    """Letter templates, targets (with reviews), interventions and return plans."""
    rng = ctx.rng
    templates = LetterTemplate.objects.bulk_create(
        [LetterTemplate(school=school, name=name, body=body) for name, body in LETTERS]
    )
    owners = (_staff(ctx, school, Role.SUPPORT) + _staff(ctx, school, Role.HEAD_OF_YEAR)) or _staff(
        ctx, school, Role.SENCO
    )
    if not owners:
        return
    senco = (_staff(ctx, school, Role.SENCO) or owners)[0]
    start, end = selectors.default_range(school, None, ctx.today)
    # One query: every learner's figures; the worst attenders get casework.
    rows = list(
        selectors.annotate_learners(Learner.objects.filter(school=school), start, end)
        .filter(is_pa=True)
        .order_by("attendance_pct")
        .values_list("pk", "attendance_pct", "is_sa", "year_group__number")[:120]
    )
    # Year 9 first, so the demo head of year (Year 9) has targets to look at.
    rows.sort(key=lambda r: (r[3] != 9, r[1] or 0))
    targets, reviews, interventions, plans = [], [], [], []
    for i, (pk, pct, is_sa, _year) in enumerate(rows[:80]):
        owner = owners[i % len(owners)]
        set_on = ctx.today - dt.timedelta(days=rng.randrange(14, 50))
        baseline = Decimal(f"{max(0.0, (pct or 0) - rng.uniform(0, 3)):.1f}")
        target = Target(
            school=school,
            learner_id=pk,
            target_percent=Decimal("90.0") if is_sa else Decimal("95.0"),
            baseline_percent=baseline,
            start=set_on,
            review_date=set_on + dt.timedelta(weeks=rng.choice([4, 6, 8])),
            owner=owner,
            created_by=senco,
            notes="Agreed with parent at the attendance meeting.",
        )
        targets.append(target)
        kinds = [Intervention.Kind.FIRST_DAY_CALL, Intervention.Kind.LETTER]
        kinds += [Intervention.Kind.MEETING, Intervention.Kind.HOME_VISIT]
        if is_sa:
            kinds += [Intervention.Kind.SAFE_AND_WELL, Intervention.Kind.LA_REFERRAL]
            kinds += [Intervention.Kind.PARENTING_CONTRACT]
        for n, kind in enumerate(kinds):
            template = templates[0 if n < 3 else 1] if kind == Intervention.Kind.LETTER else None
            interventions.append(
                Intervention(
                    school=school,
                    learner_id=pk,
                    kind=kind,
                    date=set_on - dt.timedelta(days=(len(kinds) - n) * 3),
                    owner=owner,
                    letter_template=template,
                    letter_text=(template.body if template else ""),
                    notes="",
                    outcome=rng.choice(
                        [
                            "Parent answered; illness, expected back tomorrow.",
                            "No answer; message left.",
                            "Parent attended; plan agreed.",
                            "Learner seen at home, safe and well.",
                            "Referral accepted by the attendance service.",
                        ]
                    ),
                    created_by=owner,
                )
            )
        if is_sa and len(plans) < 6:
            plans.append(
                ReturnPlan(
                    school=school,
                    learner_id=pk,
                    absent_from=set_on - dt.timedelta(days=21),
                    return_date=set_on,
                    reason="Anxiety-related absence",
                    support="Meet at the gate with the key worker; morning check-in; "
                    "catch-up work in the learning support base; full timetable in 4 weeks.",
                    review_date=set_on + dt.timedelta(weeks=2),
                    owner=owner,
                    created_by=owner,
                )
            )
    Target.objects.bulk_create(targets)
    for target in targets[: len(targets) // 3]:
        reviews.append(
            TargetReview(
                target=target,
                reviewed_on=target.start + dt.timedelta(days=14),
                attendance_percent=target.baseline_percent + Decimal("1.5"),
                outcome=TargetReview.Outcome.PROGRESS,
                notes="Some improvement; continue with the morning check-in.",
                next_review_date=target.review_date,
                reviewed_by=target.owner,
            )
        )
    TargetReview.objects.bulk_create(reviews)
    Intervention.objects.bulk_create(interventions, batch_size=2000)
    ReturnPlan.objects.bulk_create(plans)


def seed(ctx: DemoContext) -> None:
    rng = random.Random(f"attendance-{ctx.rng.random()}")
    schools = ctx.schools if ctx.scale == "trust" else [ctx.demo_school]
    total = 0
    started = time.monotonic()
    for school in schools:
        total += seed_marks(rng, school, ctx.today)
    from attendance.demo_suspensions import seed_suspension_marks

    seed_suspension_marks(rng, ctx.demo_school, school_days(ctx.demo_school, ctx.today))
    # Fresh statistics after a bulk load (both databases), or the planner guesses
    # "one row" and picks nested loops over the whole year's marks.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for school in schools:
        seed_casework(ctx, school)
    seed_part_time(ctx, ctx.demo_school)
    from attendance.la_demo import seed_la_returns

    seed_la_returns(ctx, ctx.demo_school)
    print(  # noqa: T201 - the seed command reports timings
        f"  attendance: {total:,} marks for {len(schools)} school(s) "
        f"in {time.monotonic() - started:.1f}s"
    )


def seed_part_time(ctx: DemoContext, school: School) -> None:
    """Two part-time timetables in Year 9 (the demo head of year's): one running for
    two weeks, its afternoons marked C2 except one marked O (so the reconciliation
    list has something on it), notified to the LA and reviewed; one starting next
    week, its first review due and the LA not yet told."""
    # The head of year owns them: Year 9 is in their scope (a key worker's caseload
    # is seeded later, by the caseload app).
    owner = ctx.demo_users.get(Role.HEAD_OF_YEAR) or ctx.demo_users.get(Role.SENCO)
    if owner is None:
        return
    learners = list(Learner.objects.filter(school=school, year_group__number=9).order_by("pk")[5:7])
    if len(learners) < 2:
        return
    monday = ctx.today - dt.timedelta(days=ctx.today.weekday())
    running, upcoming = learners
    first = PartTimeTimetable.objects.create(
        school=school,
        learner=running,
        reason="Phased return after a long illness, on the hospital consultant's advice.",
        start=monday - dt.timedelta(weeks=2),
        end=monday + dt.timedelta(weeks=2, days=4),
        agreed_by="Mrs J. Parent (mother)",
        agreed_on=monday - dt.timedelta(weeks=2, days=3),
        agreement_method=PartTimeTimetable.AgreementMethod.MEETING,
        return_plan="Mornings only for two weeks; Tuesday and Thursday afternoons from week 3; "
        "full time from the end date.",
        review_date=monday + dt.timedelta(days=4),
        owner=owner,
        la_notified_on=monday - dt.timedelta(weeks=2),
        la_notified_by=owner,
        la_notified_how=PartTimeTimetable.NoticeMethod.PORTAL,
        created_by=owner,
    )
    PartTimeSession.objects.bulk_create(
        [PartTimeSession(timetable=first, weekday=day, session="PM") for day in range(1, 6)]
    )
    PartTimeReview.objects.create(
        timetable=first,
        reviewed_on=first.start + dt.timedelta(weeks=1),
        notes="Coping well with mornings; keep the plan.",
        next_review_date=first.review_date,
        reviewed_by=owner,
    )
    planned = Mark.objects.filter(
        learner=running, date__gte=first.start, date__lte=ctx.today, session="PM"
    )
    planned.update(code="C2")
    slip = planned.order_by("date").first()
    if slip is not None:  # a planned afternoon marked O by mistake
        Mark.objects.filter(pk=slip.pk).update(code="O")
    second = PartTimeTimetable.objects.create(
        school=school,
        learner=upcoming,
        reason="Anxiety: a graded return agreed with CAMHS.",
        start=monday + dt.timedelta(weeks=1),
        end=monday + dt.timedelta(weeks=4, days=4),
        agreed_by="Mr K. Carer (father)",
        agreed_on=ctx.today,
        agreement_method=PartTimeTimetable.AgreementMethod.SIGNED_LETTER,
        return_plan="Add one afternoon a week; full time after four weeks.",
        review_date=monday + dt.timedelta(weeks=2),
        owner=owner,
        created_by=owner,
    )
    PartTimeSession.objects.bulk_create(
        [PartTimeSession(timetable=second, weekday=day, session="PM") for day in (3, 5)]
    )
