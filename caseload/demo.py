"""Caseload demo data: allocations, plans with versions and reviews, groups, contacts.

Called by `seed_demo` after the core (and attendance/safeguarding). Bulk
writes only, so it stays fast at trust scale; deterministic from ctx.rng.
The demo support officer (support@demo.pastoral.test) gets a caseload with
something in every state: overdue reviews, reviews due soon, quiet learners,
amended plans, groups with registers and contacts with agreed actions.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from caseload.models import (
    DEFAULT_NEEDS,
    AgreedAction,
    Allocation,
    ContactLog,
    Intervention,
    Mark,
    Need,
    Plan,
    PlanVersion,
    Review,
    RosterEntry,
    Session,
    Target,
    TargetProgress,
)
from pastoral.models import Agency, Contact, Learner, Role, School, User

PER_WORKER = 12
TARGET_TEXT = [
    ("Attend every lesson on the timetable", "Lesson registers", "3 truancies a week"),
    ("Arrive in school by 8:40", "Late marks in the register", "Late 3 days in 5"),
    ("Use the time-out card instead of leaving class", "Behaviour log", "4 walk-outs a week"),
    ("Complete homework for English and maths", "Homework planner checked weekly", "1 in 4 done"),
    ("Talk to a trusted adult when worried", "Weekly check-in notes", "Does not seek help"),
    ("Join one lunchtime club", "Club register", "Alone at lunch most days"),
    ("Reduce removals from lessons", "Removal log", "6 removals last half term"),
]
STRATEGIES = [
    "Daily morning check-in with key worker; time-out card; seat near the door in science.",
    "Weekly mentoring session; homework club Tuesday and Thursday; praise postcards home.",
    "ELSA sessions; worry box; agreed safe space in the library at break.",
]
LEARNER_VOICE = [
    "I want to stop getting sent out of maths.",
    "Mornings are hard because I look after my little brother.",
    "I like art and want to do it at college.",
]
PARENT_VOICE = [
    "Mum is worried about the walk to school and wants updates by text.",
    "Dad agrees with the plan and will check the planner each night.",
    "Carer asked for a meeting every half term.",
]
SUMMARIES = [
    "Discussed the week; learner calmer and engaged. Agreed to try the time-out card.",
    "Parent reports difficulties at home with sleep; will keep school informed.",
    "Home visit: warm welcome, discussed morning routine and getting to school on time.",
    "Case conference: agencies shared updates; school to continue mentoring.",
    "Phone call to agree return after absence; learner keen to see friends.",
]
GROUPS = [
    ("ELSA Tuesday group", Intervention.Kind.ELSA),
    ("SWEET Year 10", Intervention.Kind.SWEET),
    ("Social skills (Year 8)", Intervention.Kind.SOCIAL_SKILLS),
    ("Anger management", Intervention.Kind.ANGER),
]


def seed(ctx: Any) -> None:
    """Caseload data for every school of the demo (see module docstring)."""
    rng = random.Random(f"caseload-{ctx.rng.random()}")
    for school in ctx.schools:
        staff = ctx.staff.get(school.pk, {})
        workers = list(staff.get(Role.SUPPORT, []))
        if not workers:
            continue
        _seed_school(rng, ctx, school, workers, staff)
    _seed_leavers(ctx)
    from caseload import send_demo

    send_demo.seed(ctx)  # SEN records and EHCP annual reviews (the SENCO's queue)
    send_demo.seed_plan_incidents(ctx)  # behaviour plans and PSPs: their incidents


def _seed_leavers(ctx: Any) -> None:
    """Former pupils who left long ago (the safeguarding demo's retention
    leavers) keep a logged contact from their last year: general pastoral
    records the administrator's retention queue shows as due."""
    school = ctx.demo_school
    workers = ctx.staff.get(school.pk, {}).get(Role.SUPPORT, [])
    leavers = Learner.objects.filter(
        school=school, on_roll_until__lt=ctx.today - dt.timedelta(days=365 * 7)
    )
    if not workers:
        return
    ContactLog.objects.bulk_create(
        ContactLog(
            school=school,
            learner=learner,
            kind=ContactLog.Kind.PHONE,
            when=_at(learner.on_roll_until - dt.timedelta(days=60), 10),
            with_whom="learner",
            summary="Transition call before leaving; moving on to college.",
            recorded_by=workers[0],
        )
        for learner in leavers
    )


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=timezone.get_current_timezone())


def _seed_school(
    rng: random.Random,
    ctx: Any,
    school: School,
    workers: list[User],
    staff: dict[str, list[User]],
) -> None:
    today: dt.date = ctx.today
    needs = Need.objects.bulk_create(
        [Need(school=school, name=name, order=i) for i, name in enumerate(DEFAULT_NEEDS)]
    )
    learners = list(
        Learner.objects.filter(school=school).order_by("id").values_list("pk", "year_group__number")
    )
    rng.shuffle(learners)
    demo_support = ctx.demo_users.get(Role.SUPPORT)
    # The demo support officer's caseload is mostly Year 9, which the demo head of year leads.
    if demo_support in workers:
        workers.remove(demo_support)
        workers.insert(0, demo_support)
        learners.sort(key=lambda x: 0 if x[1] == 9 else 1)
        learners = learners[:PER_WORKER] + sorted(learners[PER_WORKER:], key=lambda _: rng.random())
    allocations: list[Allocation] = []
    caseload: dict[int, list[int]] = {}
    cursor = 0
    creator = (staff.get(Role.SENCO) or workers)[0]
    for worker in workers:
        mine = [pk for pk, _ in learners[cursor : cursor + PER_WORKER]]
        cursor += PER_WORKER
        caseload[worker.pk] = mine
        for pk in mine:
            start = today - dt.timedelta(days=rng.randrange(20, 300))
            allocations.append(
                Allocation(
                    school=school,
                    learner_id=pk,
                    worker=worker,
                    kind=Allocation.Kind.LEAD,
                    reason=rng.choice(
                        [
                            "Attendance below 90%",
                            "Behaviour: repeated removals",
                            "Wellbeing",
                            "Referred by head of year",
                            "Transition support",
                        ]
                    ),
                    start=start,
                    created_by=creator,
                )
            )
    # History: some learners had an earlier key worker; a few have a supporting worker.
    for alloc in allocations[::7]:
        earlier_end = alloc.start - dt.timedelta(days=1)
        allocations.append(
            Allocation(
                school=school,
                learner_id=alloc.learner_id,
                worker=rng.choice(workers),
                kind=Allocation.Kind.LEAD,
                reason="Previous key worker",
                start=earlier_end - dt.timedelta(days=rng.randrange(60, 200)),
                end=earlier_end,
                end_reason="Reallocated",
                created_by=creator,
            )
        )
    for alloc in allocations[3 : len(workers) * PER_WORKER : 9]:
        other = rng.choice([w for w in workers if w.pk != alloc.worker_id] or workers)
        if other.pk != alloc.worker_id:
            allocations.append(
                Allocation(
                    school=school,
                    learner_id=alloc.learner_id,
                    worker=other,
                    kind=Allocation.Kind.SUPPORTING,
                    reason="Group work",
                    start=alloc.start,
                    created_by=creator,
                )
            )
    Allocation.objects.bulk_create(allocations, batch_size=2000)

    # Plans: about three in four allocated learners have an active plan.
    allocated = [pk for mine in caseload.values() for pk in mine]
    worker_of = {pk: w for w, mine in caseload.items() for pk in mine}
    plans: list[Plan] = []
    for i, pk in enumerate(allocated):
        if rng.random() > 0.75:
            continue
        start = today - dt.timedelta(days=rng.randrange(30, 150))
        # A spread of review dates: overdue, due within 14 days, later.
        offset = [-9, -2, 4, 10, 25, 40, 60][i % 7]
        plans.append(
            Plan(
                school=school,
                learner_id=pk,
                type=rng.choice(Plan.Type.values),
                status=Plan.Status.ACTIVE if i % 11 else Plan.Status.DRAFT,
                start=start,
                next_review=max(start, today + dt.timedelta(days=offset)),
                strategies=rng.choice(STRATEGIES),
                learner_voice=rng.choice(LEARNER_VOICE),
                parent_voice=rng.choice(PARENT_VOICE),
                parent_agreed=rng.random() < 0.7,
                created_by_id=worker_of[pk],
                created_at=_at(start, 10),
                updated_at=_at(start, 10),
            )
        )
    plans = Plan.objects.bulk_create(plans, batch_size=2000)
    Plan.needs.through.objects.bulk_create(
        [
            Plan.needs.through(plan_id=plan.pk, need_id=need.pk)
            for plan in plans
            for need in rng.sample(needs, 2)
        ],
        batch_size=5000,
    )
    targets: list[Target] = []
    for plan in plans:
        for order, (what, measure, baseline) in enumerate(rng.sample(TARGET_TEXT, 3)):
            targets.append(
                Target(
                    plan=plan,
                    what=what,
                    measure=measure,
                    baseline=baseline,
                    by_when=plan.next_review + dt.timedelta(days=rng.choice([14, 28, 42])),
                    who=rng.choice(["Learner and key worker", "Form tutor", "Parent/carer"]),
                    order=order,
                )
            )
    targets = Target.objects.bulk_create(targets, batch_size=5000)
    by_plan: dict[int, list[Target]] = {}
    for target in targets:
        by_plan.setdefault(target.plan_id, []).append(target)
    need_names = {n.pk: n.name for n in needs}
    plan_needs: dict[int, list[str]] = {}
    for row in Plan.needs.through.objects.filter(plan__school=school).values_list(
        "plan_id", "need_id"
    ):
        plan_needs.setdefault(row[0], []).append(need_names[row[1]])

    versions: list[PlanVersion] = []
    reviews: list[Review] = []
    reviewed_plans: list[Plan] = []
    for i, plan in enumerate(plans):
        snapshot = plan.snapshot(by_plan[plan.pk], plan_needs.get(plan.pk, []))
        versions.append(
            PlanVersion(
                plan=plan,
                number=1,
                snapshot=snapshot,
                reason="Plan created",
                created_by_id=plan.created_by_id,
                created_at=plan.created_at,
            )
        )
        # Every other active plan has had one review that amended a target.
        if plan.status == Plan.Status.ACTIVE and i % 2 == 0:
            review_day = plan.start + (today - plan.start) // 2
            amended = [dict(t) for t in snapshot["targets"]]
            amended[0]["by_when"] = (plan.next_review + dt.timedelta(days=28)).isoformat()
            amended[0]["measure"] = amended[0]["measure"] + " (checked fortnightly)"
            versions.append(
                PlanVersion(
                    plan=plan,
                    number=2,
                    snapshot=snapshot | {"targets": amended},
                    reason=f"Amended at review on {review_day:%d %b %Y}",
                    created_by_id=plan.created_by_id,
                    created_at=_at(review_day, 15),
                )
            )
            plan.version = 2
            first = by_plan[plan.pk][0]
            first.measure = amended[0]["measure"]
            first.by_when = dt.date.fromisoformat(amended[0]["by_when"])
            reviews.append(
                Review(
                    plan=plan,
                    date=review_day,
                    summary="Some progress; one target extended.",
                    outcome=Review.Outcome.AMEND,
                    next_review=plan.next_review,
                    version_reviewed=1,
                    version_created=2,
                    reviewed_by_id=plan.created_by_id,
                    created_at=_at(review_day, 15),
                )
            )
            reviewed_plans.append(plan)
    PlanVersion.objects.bulk_create(versions, batch_size=2000)
    Plan.objects.bulk_update(reviewed_plans, ["version"], batch_size=2000)
    Target.objects.bulk_update(
        [by_plan[p.pk][0] for p in reviewed_plans], ["measure", "by_when"], batch_size=2000
    )
    reviews = Review.objects.bulk_create(reviews, batch_size=2000)
    TargetProgress.objects.bulk_create(
        [
            TargetProgress(
                review=review,
                target=target,
                progress=rng.choice(TargetProgress.Progress.values[:4]),
                evidence="Registers and behaviour log",
                next_step="Continue",
            )
            for review in reviews
            for target in by_plan[review.plan_id]
        ],
        batch_size=5000,
    )

    # Groups: a few per school, led by support officers, with weekly sessions.
    groups: list[Intervention] = []
    for i, (name, kind) in enumerate(GROUPS):
        groups.append(
            Intervention(
                school=school,
                name=name,
                kind=kind,
                leader=workers[i % len(workers)],
                start=today - dt.timedelta(days=70),
                description="Weekly small-group sessions.",
            )
        )
    groups = Intervention.objects.bulk_create(groups)
    roster: list[RosterEntry] = []
    members: dict[int, list[int]] = {}
    for group in groups:
        chosen = rng.sample(caseload[group.leader_id], min(6, len(caseload[group.leader_id])))
        members[group.pk] = chosen
        roster += [
            RosterEntry(intervention=group, learner_id=pk, joined=group.start) for pk in chosen
        ]
    RosterEntry.objects.bulk_create(roster)
    sessions: list[Session] = []
    for group in groups:
        for week in range(8):
            day = group.start + dt.timedelta(days=7 * week + 1)
            if day > today:
                break
            sessions.append(
                Session(
                    intervention=group,
                    date=day,
                    duration_minutes=50,
                    notes="Worked on recognising feelings and calming strategies.",
                    outcomes="Most joined in; two shared their own examples.",
                    recorded_by_id=group.leader_id,
                )
            )
    sessions = Session.objects.bulk_create(sessions)
    Mark.objects.bulk_create(
        [
            Mark(
                session=session,
                learner_id=pk,
                status=rng.choices(Mark.Status.values, weights=[80, 14, 6])[0],
            )
            for session in sessions
            for pk in members[session.intervention_id]
        ],
        batch_size=5000,
    )

    # Contacts: a few per allocated learner, most recent for most; some learners quiet.
    parents: dict[int, int] = dict(
        Contact.objects.filter(learner__school=school, priority__lte=1)
        .order_by("learner_id", "-priority")
        .values_list("learner_id", "pk")
    )
    agencies = list(Agency.objects.filter(school=school).values_list("pk", flat=True))
    contacts: list[ContactLog] = []
    for i, pk in enumerate(allocated):
        quiet = i % 6 == 5  # no contact for a while: shows amber/red on the board
        for n in range(rng.randrange(1, 4)):
            days_ago = rng.randrange(35, 120) if quiet else rng.randrange(1, 30) + 20 * n
            kind = rng.choice(ContactLog.Kind.values)
            with_agency = kind in ("conference", "early_help", "taf") and agencies
            contacts.append(
                ContactLog(
                    school=school,
                    learner_id=pk,
                    kind=kind,
                    when=_at(today - dt.timedelta(days=days_ago), rng.randrange(9, 16)),
                    with_whom="agency"
                    if with_agency
                    else ("parent" if pk in parents else "learner"),
                    parent_id=None if with_agency else parents.get(pk),
                    agency_id=rng.choice(agencies) if with_agency else None,
                    summary=rng.choice(SUMMARIES),
                    recorded_by_id=worker_of[pk],
                )
            )
    contacts = ContactLog.objects.bulk_create(contacts, batch_size=5000)
    AgreedAction.objects.bulk_create(
        [
            AgreedAction(
                contact=c,
                action=rng.choice(
                    [
                        "Send attendance letter",
                        "Ring parent on Friday",
                        "Refer to school nurse",
                        "Book a meeting with the head of year",
                    ]
                ),
                owner_id=c.recorded_by_id,
                due=timezone.localdate(c.when) + dt.timedelta(days=rng.choice([3, 7, 14])),
                done_on=(
                    timezone.localdate(c.when) + dt.timedelta(days=2)
                    if rng.random() < 0.6
                    else None
                ),
            )
            for c in contacts[::3]
        ],
        batch_size=5000,
    )
