"""Demo data: a plausible, non-graphic year of concerns and actions.

About 3,000 concerns for the demo school, with triage, actions, follow-ups,
a few shares and investigations, and one Year 9 learner with a long history
(about 200 chronology entries, for the benchmarks). Everything goes in with
bulk_create; no audit events are written for seeded rows.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from pastoral.demo import DemoContext
from pastoral.models import Learner, Role, School, User
from safeguarding.models import (
    Category,
    Concern,
    ConcernAction,
    ConcernDecision,
    ConcernEntry,
    ConcernLearner,
    ConcernShare,
    EvidenceNote,
    Investigation,
    Participant,
    Statement,
)
from safeguarding.services import REFERRAL_KINDS, categories_ensure

CONCERNS_DEMO_SCHOOL = 3000
HEAVY_LEARNER_CONCERNS = 70

LOCATIONS = [
    "Form room",
    "Corridor by the science labs",
    "Canteen",
    "Playground",
    "Library",
    "PE changing rooms",
    "Bus stop outside school",
    "Main entrance",
    "Maths lesson",
    "English lesson",
    "Online (reported by learner)",
    "Pastoral office",
    "School field",
]
TEXT: dict[str, list[str]] = {
    "Child protection": [
        "Said she did not want to go home tonight because of arguments at home and asked if she could stay late.",
        "Told me an adult she met online has been asking her to keep their chats secret.",
    ],
    "Neglect": [
        "Arrived without a coat again in cold weather; said there was no food at home this morning.",
        "Uniform has not been washed for some time and he said he has been getting himself ready for school.",
        'Asked for food at break and said "there wasn\'t any tea last night".',
    ],
    "Physical abuse": [
        "Noticed a bruise on his upper arm; he said he got it playing football at the weekend.",
        "Flinched when I raised my hand to point at the board; said she is fine when asked.",
    ],
    "Emotional abuse": [
        "Said her stepdad calls her stupid and that nobody at home listens to her.",
    ],
    "Sexual abuse": [
        "Disclosed something that made me worried; I listened and passed it straight to the DSL."
    ],
    "Domestic abuse": [
        "Said the police came to the house last night after shouting and that he did not sleep.",
        "Told me mum and her partner were arguing loudly and she hid in her room.",
    ],
    "Self-harm": [
        "Noticed marks on her wrist during PE; she pulled her sleeve down and said it was the cat.",
        "Friend reported that he has talked about hurting himself.",
    ],
    "Mental health": [
        "Very tearful in the lesson and said she feels anxious all the time and cannot concentrate.",
        "Has been eating lunch alone and says he does not see the point in anything at the moment.",
    ],
    "Bullying": [
        "Said a group in Year 10 keep taking his bag and calling him names on the way home.",
        "Reported that she has been left out of a group chat and messages about her are being shared.",
    ],
    "Child-on-child abuse": [
        "Two learners were pushing each other at the lockers; one was upset and said it happens every day.",
    ],
    "Child-on-child sexual violence or harassment": [
        "Reported that boys in her class make comments about her appearance."
    ],
    "Online safety": [
        "Showed me messages from someone he does not know asking for photos; he did not reply.",
        "Said she has been playing online games until 3am and is very tired.",
    ],
    "Prevent / radicalisation": [
        "Made comments in class repeating extreme views seen online; talked about them calmly afterwards."
    ],
    "Substance misuse": ["Smelt strongly of cannabis after lunch and was unsteady in the lesson."],
    "Attendance": [
        "Late for the fourth day this week; said he has to take his younger brother to school.",
        "Parent rang to say she is ill again; this is the third Monday in a row.",
    ],
    "Behaviour": [
        "Walked out of the lesson after being asked to move seats and would not say what was wrong.",
        "Refused to work and was unusually angry; said things are difficult at home.",
    ],
    "Medical": ["Said he has not been taking his medication because it has run out."],
    "Family": [
        "Said her grandad who she is close to is in hospital and she is worried.",
        "Told me dad has moved out and he now lives between two houses.",
    ],
    "Other": ["Seemed withdrawn and quiet all day, which is unusual for him."],
}
ACTION_TAKEN = [
    "Listened, reassured and told the learner I would pass this on.",
    "Took the learner to the pastoral office.",
    "Gave breakfast from the breakfast club.",
    "Informed the head of year by phone.",
    "",
]
FOLLOW_UPS = [
    "Checked in at the end of the day; seemed calmer.",
    "Mentioned it again at lunch; nothing new said.",
    "Parent came to reception; passed to the pastoral team.",
]
ACTION_TEXT = {
    ConcernAction.Kind.SOCIAL_CARE: (
        "Referral made to MASH by phone and online form.",
        "Accepted for assessment.",
    ),
    ConcernAction.Kind.EARLY_HELP: (
        "Early help assessment started with parent's consent.",
        "TAF meeting booked.",
    ),
    ConcernAction.Kind.POLICE: (
        "Spoke to the police schools liaison officer.",
        "Officer to visit the family.",
    ),
    ConcernAction.Kind.CAMHS: ("Referral to CAMHS single point of access.", "On the waiting list."),
    ConcernAction.Kind.SCHOOL_NURSE: (
        "Asked the school nurse to see the learner.",
        "Seen; advice given.",
    ),
    ConcernAction.Kind.PARENT_CONTACTED: (
        "Phoned parent to discuss.",
        "Parent aware and supportive.",
    ),
    ConcernAction.Kind.SPOKE_TO_LEARNER: (
        "DSL spoke to the learner.",
        "Learner happy to talk again next week.",
    ),
    ConcernAction.Kind.MONITORING: (
        "Added to the monitoring list; staff asked to report changes.",
        "",
    ),
    ConcernAction.Kind.INTERNAL: ("Referred to ELSA sessions.", "Six sessions offered."),
    ConcernAction.Kind.NFA: ("No further action: information recorded.", "Closed at review."),
}
ACTION_WEIGHTS = [6, 8, 3, 6, 3, 25, 14, 18, 10, 7]


# What a member of staff notes beside a body-map mark.
BRUISES = [
    "Bruise about 3 cm, purple-yellow",
    "Red mark, finger-shaped, about 5 cm",
    "Graze, fresh, about 2 cm",
    "Bruise about 4 cm, blue; says they fell",
]


def _when(rng: random.Random, today: dt.date, days_back: int) -> dt.datetime:
    day = today - dt.timedelta(days=days_back)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    moment = dt.datetime.combine(day, dt.time(8, 30)) + dt.timedelta(
        minutes=rng.randrange(0, 7 * 60)
    )
    return timezone.make_aware(moment)


def _working_hours(moment: dt.datetime) -> dt.datetime:
    """DSLs triage in the school day: an evening time moves to the next morning."""
    local = timezone.localtime(moment)
    if local.hour >= 17:
        local = (local + dt.timedelta(days=1)).replace(hour=8, minute=local.minute % 45 + 10)
    return min(local, timezone.now())


def seed(ctx: DemoContext) -> None:
    seed_school(ctx, ctx.demo_school, CONCERNS_DEMO_SCHOOL)
    seed_retention(ctx, ctx.demo_school)


def seed_school(ctx: DemoContext, school: School, total: int) -> None:
    rng = random.Random(f"safeguarding-{ctx.rng.random()}-{school.urn}")
    today = ctx.today
    now = timezone.now()
    categories_ensure(school=school)
    categories = {c.name: c for c in Category.objects.filter(school=school)}
    names = list(TEXT)
    weights = [4, 10, 3, 3, 1, 6, 6, 14, 12, 4, 2, 6, 1, 3, 10, 9, 4, 8, 2]
    staff_by_role = ctx.staff.get(school.pk, {})
    authors: list[User] = staff_by_role.get(Role.STAFF, [])
    dsls: list[User] = staff_by_role.get(Role.DSL, []) + staff_by_role.get(Role.DEPUTY_DSL, [])
    supports: list[User] = staff_by_role.get(Role.SUPPORT, [])
    if not authors or not dsls:
        return
    learners = list(
        Learner.objects.filter(school=school).only("pk", "year_group_id").order_by("pk")
    )
    # A minority of learners account for most concerns, as in real schools.
    focus = rng.sample(learners, k=min(450, len(learners)))
    heavy = (
        next((lr for lr in learners if lr.year_group.number == 9), learners[0])
        if learners
        else None
    )

    rising = focus[:6]
    concerns: list[Concern] = []
    plans: list[tuple[list[Learner], list[str]]] = []
    for i in range(total):
        recent = i >= total - 25  # a fresh batch waiting in the DSL inbox
        days_back = rng.randrange(0, 4) if recent else int(rng.triangular(0, 365, 30))
        occurred = min(_when(rng, today, days_back), now - dt.timedelta(minutes=10))
        primary = rng.choices(names, weights=weights)[0]
        cats = [primary] + ([rng.choice(names)] if rng.random() < 0.25 else [])
        cats = list(dict.fromkeys(cats))
        if heavy is not None and i < HEAVY_LEARNER_CONCERNS:
            involved = [heavy]
        elif recent:
            # A few learners with several concerns this fortnight: the "rising" list.
            involved = [rising[i % len(rising)]]
        else:
            involved = [rng.choice(focus) if rng.random() < 0.8 else rng.choice(learners)]
            if primary in ("Bullying", "Child-on-child abuse", "Behaviour") and rng.random() < 0.3:
                involved.append(rng.choice(learners))
        # A restricted category restricts the concern (ACCESS.md); a few more
        # were raised by the DSL at triage.
        restricted = (
            any(categories[c].is_restricted for c in cats)
            or primary == "Physical abuse"
            or rng.random() < 0.05
        )
        age_days = (today - occurred.date()).days
        if recent or (age_days <= 2 and rng.random() < 0.6):
            status = Concern.Status.NEW
        elif age_days > 45 and rng.random() < 0.8:
            status = Concern.Status.CLOSED
        else:
            status = Concern.Status.OPEN
        submitted = min(occurred + dt.timedelta(minutes=rng.randrange(5, 180)), now)
        triaged = status != Concern.Status.NEW
        concerns.append(
            Concern(
                school=school,
                author=rng.choice(authors),
                submitted_at=submitted,
                occurred_at=occurred,
                location=rng.choice(LOCATIONS),
                description=rng.choice(TEXT[primary]),
                action_taken=rng.choice(ACTION_TAKEN),
                body_map=(
                    [
                        {
                            "view": "front",
                            "region": rng.choice(["left-arm", "right-arm", "left-leg"]),
                            "note": rng.choice(BRUISES),
                        }
                    ]
                    if primary == "Physical abuse"
                    else []
                ),
                recorded_categories=list(cats),
                level=Concern.Level.RESTRICTED if restricted else Concern.Level.PASTORAL,
                status=status,
                owner=rng.choice(dsls) if triaged else None,
                next_action=(
                    "Review at the weekly safeguarding meeting"
                    if status == Concern.Status.OPEN
                    else ""
                ),
                due_date=(
                    today + dt.timedelta(days=rng.randrange(-10, 20))
                    if status == Concern.Status.OPEN
                    else None
                ),
                triaged_at=(
                    _working_hours(submitted + dt.timedelta(hours=rng.randrange(1, 6)))
                    if triaged
                    else None
                ),
                closed_at=(
                    submitted + dt.timedelta(days=rng.randrange(5, 40))
                    if status == Concern.Status.CLOSED
                    else None
                ),
                close_reason=(
                    "Support in place; no further concerns"
                    if status == Concern.Status.CLOSED
                    else ""
                ),
            )
        )
        plans.append((list(dict.fromkeys(involved)), cats))
    concerns = Concern.objects.bulk_create(concerns, batch_size=1000)

    links, cat_rows, entries, actions = [], [], [], []
    through = Concern.categories.through
    for concern, (involved, cats) in zip(concerns, plans, strict=True):
        # The first learner is the subject; a second one in a bullying or
        # child-on-child concern is the alleged harmer (their own part, issue 14).
        links += [
            ConcernLearner(
                concern=concern,
                learner=lr,
                role=(
                    ConcernLearner.Role.ALLEGED_HARMER
                    if i and cats and cats[0] in ("Bullying", "Child-on-child abuse")
                    else ConcernLearner.Role.SUBJECT
                ),
            )
            for i, lr in enumerate(involved)
        ]
        cat_rows += [through(concern_id=concern.pk, category_id=categories[c].pk) for c in cats]
        if concern.triaged_at:
            entries.append(
                ConcernEntry(
                    concern=concern,
                    kind=ConcernEntry.Kind.TRIAGE,
                    author=concern.owner,
                    created_at=min(concern.triaged_at, now),
                    text=(
                        f"Status: Open. Level: {concern.get_level_display()}. "
                        f"Owner: {concern.owner.full_name}."
                    ),
                )
            )
            for n in range(rng.choices([0, 1, 2, 3], weights=[15, 50, 25, 10])[0]):
                kind = rng.choices(list(ACTION_TEXT), weights=ACTION_WEIGHTS)[0]
                details, outcome = ACTION_TEXT[kind]
                created = min(concern.triaged_at + dt.timedelta(days=n * rng.randrange(1, 6)), now)
                pending = concern.status == Concern.Status.OPEN and rng.random() < 0.3
                actions.append(
                    ConcernAction(
                        concern=concern,
                        kind=kind,
                        details=details,
                        outcome="" if pending else outcome,
                        taken_on=created.date(),
                        follow_up_due=(
                            today + dt.timedelta(days=rng.randrange(-7, 14)) if pending else None
                        ),
                        completed_at=None if pending else created,
                        recorded_by=concern.owner,
                        created_at=created,
                    )
                )
        if rng.random() < 0.15:
            entries.append(
                ConcernEntry(
                    concern=concern,
                    kind=ConcernEntry.Kind.FOLLOW_UP,
                    author=concern.author,
                    created_at=min(
                        concern.submitted_at + dt.timedelta(hours=rng.randrange(1, 48)), now
                    ),
                    text=rng.choice(FOLLOW_UPS),
                )
            )
        if concern.closed_at:
            entries.append(
                ConcernEntry(
                    concern=concern,
                    kind=ConcernEntry.Kind.CLOSED,
                    author=concern.owner,
                    created_at=min(concern.closed_at, now),
                    reason=concern.close_reason,
                )
            )
    ConcernLearner.objects.bulk_create(links, batch_size=2000)
    through.objects.bulk_create(cat_rows, batch_size=2000)
    ConcernEntry.objects.bulk_create(entries, batch_size=2000)
    ConcernAction.objects.bulk_create(actions, batch_size=2000)
    # Closing without a referral is a decision with its rationale.
    referred = {a.concern_id for a in actions if a.kind in REFERRAL_KINDS}
    ConcernDecision.objects.bulk_create(
        [
            ConcernDecision(
                concern=c,
                kind=ConcernDecision.Kind.CLOSE_NO_REFERRAL,
                decision=c.close_reason,
                rationale=(
                    "Support in place in school and at home; the threshold for a referral "
                    "to children's social care was not met."
                ),
                made_by=c.owner,
                made_at=min(c.closed_at, now),
            )
            for c in concerns
            if c.closed_at and c.pk not in referred
        ],
        batch_size=2000,
    )

    # A few restricted concerns shared with key workers.
    restricted_open = [c for c in concerns if c.is_restricted and c.status == Concern.Status.OPEN]
    if supports:
        ConcernShare.objects.bulk_create(
            [
                ConcernShare(
                    concern=c,
                    user=rng.choice(supports),
                    reason="Key worker for this learner",
                    created_by=c.owner,
                    created_at=min(c.triaged_at or now, now),
                )
                for c in restricted_open[:15]
            ]
        )

    # Investigations of incidents involving several pupils.
    multi = [
        (c, inv)
        for c, (inv, cats) in zip(concerns, plans, strict=True)
        if len(inv) > 1 and c.triaged_at
    ][:30]
    for concern, involved in multi:
        inv = Investigation.objects.create(
            concern=concern,
            title=f"Incident {concern.occurred_at:%d %b}: {concern.location}",
            opened_by=concern.owner,
            opened_at=concern.triaged_at,
            conclusion="Both accounts considered; restorative meeting held."
            if concern.closed_at
            else "",
            concluded_at=concern.closed_at,
        )
        parts = Participant.objects.bulk_create(
            [
                Participant(
                    investigation=inv,
                    learner=lr,
                    part=Participant.Part.AFFECTED if n == 0 else Participant.Part.ALLEGED,
                    outcome=(
                        "Restorative conversation; check-ins for two weeks."
                        if concern.closed_at
                        else ""
                    ),
                    outcome_at=concern.closed_at,
                )
                for n, lr in enumerate(involved)
            ]
        )
        Statement.objects.bulk_create(
            [
                Statement(
                    participant=p,
                    text="Said what happened in their own words; account recorded.",
                    taken_by=concern.owner,
                    taken_at=concern.triaged_at,
                )
                for p in parts
            ]
        )
        EvidenceNote.objects.create(
            investigation=inv,
            source="CCTV",
            reviewed_by=concern.owner,
            reviewed_at=concern.triaged_at,
            finding="Shows the learners together at the time reported.",
        )


# --- retention (docs/retention.md) -------------------------------------------------

RETENTION_LEAVERS = [
    # first, last, years since birth, years since leaving, legal hold?
    ("Connor", "Whitlock", 27, 11, False),
    ("Imogen", "Farrow", 26, 10, True),
]


def seed_retention(ctx: DemoContext, school: School) -> list[Learner]:
    """Two former pupils born over 25 years ago whose CP files are due for review;
    the second is on legal hold for a public inquiry."""
    from pastoral.models import LegalHold
    from pastoral.upn import make_upn

    dsls = ctx.staff.get(school.pk, {}).get(Role.DSL, [])
    year_group = school.year_groups.order_by("-number").first()  # type: ignore[attr-defined]
    if not dsls or year_group is None:
        return []
    today = ctx.today
    leavers = []
    for serial, (first, last, age, left_ago, held) in enumerate(RETENTION_LEAVERS, start=900):
        born = dt.date(today.year - age, 3, 14)
        learner = Learner(
            school=school,
            upn=make_upn(int(school.la_code or "330"), int(school.urn[-4:]), born.year + 4, serial),
            legal_first_name=first,
            legal_last_name=last,
            date_of_birth=born,
            gender="M" if first == "Connor" else "F",
            year_group=year_group,
            on_roll_from=dt.date(today.year - left_ago - 5, 9, 1),
            on_roll_until=dt.date(today.year - left_ago, 7, 20),
        )
        learner.save()
        for months_before in (30, 8):
            when = timezone.make_aware(
                dt.datetime(today.year - left_ago, 7, 1, 10, 30)
                - dt.timedelta(days=30 * months_before)
            )
            concern = Concern.objects.create(
                school=school,
                author=dsls[0],
                submitted_at=when,
                occurred_at=when,
                location="Pastoral office",
                description="Disclosure recorded at the time; referred to children's social care.",
                level=Concern.Level.RESTRICTED,
                status=Concern.Status.CLOSED,
                closed_at=when + dt.timedelta(days=40),
                close_reason="Case closed by children's social care",
            )
            ConcernLearner.objects.create(concern=concern, learner=learner)
        if held:
            LegalHold.objects.create(
                school=school,
                learner=learner,
                covers=LegalHold.Covers.SAFEGUARDING,
                reason=LegalHold.Reason.INQUIRY,
                details="Independent inquiry: request to preserve records, ref. INQ/2026/114",
                placed_by=dsls[0],
            )
        leavers.append(learner)
    return leavers
