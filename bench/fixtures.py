"""Benchmark data the demo seed does not (yet) provide, added once to the bench
database through the apps' own services (so it is audited and shaped exactly
as real use would make it), and topped up only when missing."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

CHRONOLOGY_ENTRIES = 200
SCHOOL_CONCERNS = 400
WORDS = [
    "upset at break, said things are difficult at home",
    "bruise on the forearm, said it happened at football",
    "not eating lunch for a week, looks tired",
    "comment online about another pupil, screenshots taken",
    "late every day this week, mum not answering the phone",
    "disclosed worries about an older boyfriend",
]


def ensure_safeguarding(ctx: Any) -> dict[str, int]:
    """200 concerns about one Year 9 learner (the chronology benchmark) and
    400 more across the school, most of them untriaged (the DSL inbox)."""
    try:
        from safeguarding import services
        from safeguarding.models import Concern, ConcernLearner
    except ImportError:
        return {}
    from django.utils import timezone

    from pastoral.access import scope_for
    from pastoral.models import Learner

    rng = random.Random(5)
    author = ctx.users["staff"]
    scope = scope_for(author, ctx.school)
    learner = ctx.learner_in_year9()
    made = 0
    have = ConcernLearner.objects.filter(learner_id=learner).count()
    now = timezone.now()
    for n in range(have, CHRONOLOGY_ENTRIES):
        services.concern_create(
            scope=scope,
            learner_ids=[learner],
            occurred_at=now - dt.timedelta(days=n * 3, hours=n % 7),
            location="Playground",
            description=f"Bench {n}: {rng.choice(WORDS)}.",
        )
        made += 1
    others = list(
        Learner.objects.filter(school=ctx.school).exclude(pk=learner).values_list("pk", flat=True)
    )
    have = Concern.objects.filter(school=ctx.school).count() - CHRONOLOGY_ENTRIES
    for n in range(max(have, 0), SCHOOL_CONCERNS):
        services.concern_create(
            scope=scope,
            learner_ids=[rng.choice(others)],
            occurred_at=now - dt.timedelta(days=rng.randrange(1, 200)),
            location="Corridor",
            description=f"Bench school {n}: {rng.choice(WORDS)}.",
        )
        made += 1
    return {"concerns_added": made}


HISTORY_YEARS = 5
HISTORY_MARKER = "History: "
CONTACTS_A_YEAR = 40
SESSIONS_A_YEAR = 30
CONCERNS_A_YEAR = 6
CONTACT_NOTES = [
    "talked through the week; friendship worries again",
    "mum rang about mornings; agreed a meet-and-greet at the gate",
    "check-in after the incident at lunch; calmer now",
    "reviewed the report card with form tutor",
    "CAMHS worker updated on progress; next appointment booked",
    "talked about revision and sleep",
]


def ensure_history(ctx: Any) -> dict[str, int]:
    """Five years of casework for the busiest caseload learner (the learner
    profile benchmark): a key worker a year, two plans a year each reviewed
    three times, a weekly group, forty contacts, a few concerns, attendance
    work and marks for every past year.

    Written straight to the tables (one transaction, all or nothing) because
    the services stamp everything with today's date, and this history must
    lie in the past; the concerns go through safeguarding's service with a
    past `occurred_at`, as in ensure_safeguarding. Added once: the learner's
    contacts marked "History: " say it is there.
    """
    from django.db import transaction
    from django.utils import timezone

    from caseload.models import (
        AgreedAction,
        Allocation,
        ContactLog,
        Intervention,
        Mark,
        Plan,
        PlanVersion,
        Review,
        RosterEntry,
        Session,
        Target,
        TargetProgress,
    )
    from pastoral.models import Contact, Learner, Membership, Role

    learner = Learner.objects.select_related("school").get(pk=ctx.caseload_learner())
    if ContactLog.objects.filter(learner=learner, summary__startswith=HISTORY_MARKER).exists():
        return {}
    school = learner.school
    rng = random.Random(11)
    workers = list(
        Membership.objects.filter(school=school, role=Role.SUPPORT)
        .select_related("user")
        .order_by("user_id")
    )
    workers = [m.user for m in workers] or [ctx.users["support"]]
    parent = Contact.objects.filter(learner=learner).first()
    first_current = (
        Allocation.objects.filter(learner=learner).order_by("start").values_list("start", flat=True)
    ).first() or timezone.localdate()
    tz = timezone.get_current_timezone()
    counts = {"plans": 0, "contacts": 0, "sessions": 0, "marks": 0, "concerns": 0}

    def at(day: dt.date, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=tz)

    with transaction.atomic():
        this_year = first_current.year if first_current.month >= 9 else first_current.year - 1
        for k in range(HISTORY_YEARS):
            year = this_year - HISTORY_YEARS + k
            start, end = dt.date(year, 9, 3), dt.date(year + 1, 7, 18)
            end = min(end, first_current - dt.timedelta(days=1))
            if end <= start:
                continue
            worker = workers[k % len(workers)]
            Allocation.objects.create(
                school=school,
                learner=learner,
                worker=worker,
                kind=Allocation.Kind.LEAD,
                reason=f"Year {k + 1} of support",
                start=start,
                end=end,
                end_reason="End of the school year",
                created_by=worker,
                created_at=at(start),
            )
            span = (end - start).days
            # Two plans a year, each with three targets, three reviews and a version per review.
            for half in range(2):
                p_start = start + dt.timedelta(days=half * span // 2)
                reviews = [p_start + dt.timedelta(days=42 * (r + 1)) for r in range(3)]
                plan = Plan.objects.create(
                    school=school,
                    learner=learner,
                    type=[Plan.Type.PSP, Plan.Type.BEHAVIOUR, Plan.Type.ATTENDANCE][(k + half) % 3],
                    status=Plan.Status.CLOSED,
                    start=p_start,
                    next_review=reviews[-1],
                    strategies="Weekly check-in; time-out card; meet-and-greet",
                    version=4,
                    created_by=worker,
                    created_at=at(p_start),
                    updated_at=at(reviews[-1]),
                    closed_on=reviews[-1],
                )
                targets = Target.objects.bulk_create(
                    Target(
                        plan=plan,
                        what=f"Target {t + 1}",
                        measure="Weekly report card",
                        by_when=reviews[-1],
                        who="Key worker",
                        order=t,
                    )
                    for t in range(3)
                )
                PlanVersion.objects.bulk_create(
                    PlanVersion(
                        plan=plan,
                        number=n + 1,
                        snapshot=plan.snapshot(targets, []),
                        reason="Plan created" if n == 0 else f"Review {n}",
                        created_by=worker,
                        created_at=at(p_start if n == 0 else reviews[n - 1], 15),
                    )
                    for n in range(4)
                )
                for n, day in enumerate(reviews):
                    review = Review.objects.create(
                        plan=plan,
                        date=day,
                        summary="Progress reviewed with the learner and home.",
                        outcome=Review.Outcome.CLOSE if n == 2 else Review.Outcome.AMEND,
                        next_review=None if n == 2 else reviews[n + 1],
                        version_reviewed=n + 1,
                        version_created=n + 2,
                        reviewed_by=worker,
                        created_at=at(day, 15),
                    )
                    TargetProgress.objects.bulk_create(
                        TargetProgress(review=review, target=t, progress=rng.choice(PROGRESS))
                        for t in targets
                    )
                counts["plans"] += 1
            # A weekly group for the year.
            group = Intervention.objects.create(
                school=school,
                name=f"History group {year}/{(year + 1) % 100:02d}",
                kind=Intervention.Kind.ELSA,
                leader=worker,
                start=start,
                end=end,
                created_at=at(start),
            )
            RosterEntry.objects.create(intervention=group, learner=learner, joined=start, left=end)
            days = [start + dt.timedelta(days=7 * w) for w in range(SESSIONS_A_YEAR)]
            sessions = Session.objects.bulk_create(
                Session(intervention=group, date=d, recorded_by=worker, created_at=at(d, 16))
                for d in days
                if d <= end
            )
            Mark.objects.bulk_create(
                Mark(
                    session=s,
                    learner=learner,
                    status=Mark.Status.ABSENT if rng.random() < 0.15 else Mark.Status.PRESENT,
                )
                for s in sessions
            )
            counts["sessions"] += len(sessions)
            # Contacts through the year, one in four with an agreed action (done).
            for c in range(CONTACTS_A_YEAR):
                when = at(start + dt.timedelta(days=span * c // CONTACTS_A_YEAR), 9 + c % 7)
                with_parent = parent is not None and c % 3 == 0
                entry = ContactLog.objects.create(
                    school=school,
                    learner=learner,
                    kind=[ContactLog.Kind.MEETING, ContactLog.Kind.PHONE][c % 2],
                    when=when,
                    with_whom=ContactLog.With.PARENT if with_parent else ContactLog.With.LEARNER,
                    parent=parent if with_parent else None,
                    summary=HISTORY_MARKER + rng.choice(CONTACT_NOTES),
                    recorded_by=worker,
                    created_at=when,
                )
                if c % 4 == 0:
                    AgreedAction.objects.create(
                        contact=entry,
                        action="Ring home with an update",
                        owner=worker,
                        due=when.date() + dt.timedelta(days=7),
                        done_on=when.date() + dt.timedelta(days=5),
                    )
                counts["contacts"] += 1
            counts["marks"] += _attendance_history(ctx, learner, start, end, worker, rng)
        counts["concerns"] = _concern_history(ctx, learner, this_year, rng)
    return {f"history_{key}": value for key, value in counts.items()}


PROGRESS = ["some", "good", "achieved", "not_started"]


def _attendance_history(
    ctx: Any, learner: Any, start: dt.date, end: dt.date, owner: Any, rng: random.Random
) -> int:
    """A year's attendance marks, four attendance contacts and a target with two reviews."""
    try:
        from attendance.models import Intervention, Mark, Target, TargetReview
    except ImportError:
        return 0
    marks = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            for session in ("AM", "PM"):
                roll = rng.random()
                code = "/" if roll > 0.1 else ("I" if roll > 0.04 else "N")
                marks.append(
                    Mark(
                        school=learner.school, learner=learner, date=day, session=session, code=code
                    )
                )
        day += dt.timedelta(days=1)
    Mark.objects.bulk_create(marks, ignore_conflicts=True)
    for n in range(4):
        Intervention.objects.create(
            school=learner.school,
            learner=learner,
            kind=[Intervention.Kind.FIRST_DAY_CALL, Intervention.Kind.LETTER][n % 2],
            date=start + dt.timedelta(days=40 * (n + 1)),
            owner=owner,
            letter_text="Attendance letter" if n % 2 else "",
            outcome="Parent agreed to a meeting",
            created_by=owner,
        )
    target = Target.objects.create(
        school=learner.school,
        learner=learner,
        target_percent=95,
        baseline_percent=89,
        start=start + dt.timedelta(days=30),
        review_date=start + dt.timedelta(days=90),
        owner=owner,
        status=Target.Status.CLOSED,
        created_by=owner,
    )
    for n in range(2):
        TargetReview.objects.create(
            target=target,
            reviewed_on=start + dt.timedelta(days=90 + 60 * n),
            attendance_percent=92,
            outcome=TargetReview.Outcome.PROGRESS,
            reviewed_by=owner,
        )
    return len(marks)


def _concern_history(ctx: Any, learner: Any, this_year: int, rng: random.Random) -> int:
    """A few concerns a year about the learner, through safeguarding's service."""
    try:
        from safeguarding import services
    except ImportError:
        return 0
    from django.utils import timezone

    from pastoral.access import scope_for

    author = ctx.users["staff"]
    scope = scope_for(author, ctx.school)
    made = 0
    for k in range(HISTORY_YEARS):
        for n in range(CONCERNS_A_YEAR):
            day = dt.date(this_year - HISTORY_YEARS + k, 9, 10) + dt.timedelta(days=50 * n)
            services.concern_create(
                scope=scope,
                learner_ids=[learner.pk],
                occurred_at=dt.datetime.combine(
                    day, dt.time(12, 30), tzinfo=timezone.get_current_timezone()
                ),
                location="Playground",
                description=f"History {k}.{n}: {rng.choice(WORDS)}.",
            )
            made += 1
    return made
