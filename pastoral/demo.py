"""Demo data for the core: a trust, schools, calendar, learners, contacts, staff.

Deterministic: the same seed gives the same school. Each app adds its own
demo data in `<app>/demo.py` with a `seed(ctx)` function; `seed_demo` calls
them in INSTALLED_APPS order after this module.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from pastoral.demo_names import FIRST_F, FIRST_M, LAST, STAFF_FIRST
from pastoral.models import (
    AcademicYear,
    Agency,
    Closure,
    Contact,
    Learner,
    Membership,
    RegGroup,
    Role,
    School,
    Term,
    Trust,
    User,
    YearGroup,
)
from pastoral.people.demo import seed_agency_people, seed_parents
from pastoral.upn import make_upn

DEMO_PASSWORD = "pastoral-demo-2026"  # noqa: S105 - development only, printed by `make run`
DEMO_DOMAIN = "demo.pastoral.test"

AGENCIES = [
    ("Children's Services Front Door (MASH)", Agency.Kind.SOCIAL_CARE, "0300 123 4001"),
    ("Early Help Hub", Agency.Kind.EARLY_HELP, "0300 123 4002"),
    ("CAMHS Single Point of Access", Agency.Kind.CAMHS, "0300 123 4003"),
    ("Police Schools Liaison Officer", Agency.Kind.POLICE, "101"),
    ("School Nursing Team", Agency.Kind.SCHOOL_NURSE, "0300 123 4005"),
    ("Attendance and Welfare Service", Agency.Kind.EDUCATION_WELFARE, "0300 123 4006"),
    ("Virtual School for Looked-After Children", Agency.Kind.VIRTUAL_SCHOOL, "0300 123 4010"),
    ("Local Authority Designated Officer (LADO)", Agency.Kind.LADO, "0300 123 4011"),
    ("Educational Psychology Service", Agency.Kind.EDUCATIONAL_PSYCHOLOGY, "0300 123 4007"),
    ("Youth Justice Service", Agency.Kind.YOUTH_JUSTICE, "0300 123 4008"),
    ("Young Carers Project", Agency.Kind.VOLUNTARY, "0300 123 4009"),
    ("Kooth / online counselling", Agency.Kind.VOLUNTARY, ""),
]


@dataclass
class DemoContext:
    """What the core seed made, handed to each app's seed(ctx)."""

    rng: random.Random
    scale: str
    today: dt.date
    trust: Trust
    schools: list[School]
    demo_school: School
    # role code -> the named demo sign-in for that role at the demo school
    demo_users: dict[str, User]
    # school id -> role code -> every user holding that role there
    staff: dict[int, dict[str, list[User]]] = field(default_factory=dict)
    academic_years: dict[int, list[AcademicYear]] = field(default_factory=dict)


DEMO_SIGN_INS = [
    (Role.STAFF, "staff", "Tom Teacher", "Teacher of English"),
    (Role.SUPPORT, "support", "Sam Support", "Pastoral support officer"),
    (Role.HEAD_OF_YEAR, "hoy", "Hana Head", "Head of Year 9"),
    (Role.SENCO, "senco", "Selina Senco", "SENCO"),
    (Role.DSL, "dsl", "Dev Dsl", "Designated safeguarding lead"),
    (Role.DEPUTY_DSL, "ddsl", "Dana Deputy", "Deputy DSL"),
    (Role.ADMIN, "admin", "Ada Admin", "School business manager"),
]


def academic_year_start(today: dt.date) -> int:
    return today.year if today.month >= 9 else today.year - 1


def _weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def make_calendar(school: School, first_year: int) -> AcademicYear:
    """A plausible English calendar: three terms, half terms and INSET days."""
    ay = AcademicYear.objects.create(
        school=school,
        name=f"{first_year}/{(first_year + 1) % 100:02d}",
        start=dt.date(first_year, 9, 1),
        end=dt.date(first_year + 1, 8, 31),
    )
    y0, y1 = first_year, first_year + 1
    terms = [
        (
            "Autumn",
            dt.date(y0, 9, 3),
            dt.date(y0, 12, 18),
            (dt.date(y0, 10, 26), dt.date(y0, 10, 30)),
        ),
        ("Spring", dt.date(y1, 1, 5), dt.date(y1, 3, 26), (dt.date(y1, 2, 15), dt.date(y1, 2, 19))),
        ("Summer", dt.date(y1, 4, 12), dt.date(y1, 7, 21), (dt.date(y1, 5, 31), dt.date(y1, 6, 4))),
    ]
    closures = []
    for name, start, end, (half_start, half_end) in terms:
        Term.objects.create(academic_year=ay, name=f"{name} {start.year}", start=start, end=end)
        closures += [
            Closure(school=school, date=d, kind=Closure.Kind.HOLIDAY, name=f"{name} half term")
            for d in _weekdays(half_start, half_end)
        ]
    closures.append(
        Closure(school=school, date=dt.date(y0, 9, 3), kind=Closure.Kind.INSET, name="INSET day")
    )
    closures.append(
        Closure(school=school, date=dt.date(y1, 1, 5), kind=Closure.Kind.INSET, name="INSET day")
    )
    may_day = dt.date(y1, 5, 1)
    while may_day.weekday() != 0:
        may_day += dt.timedelta(days=1)
    closures.append(
        Closure(
            school=school,
            date=may_day,
            kind=Closure.Kind.BANK_HOLIDAY,
            name="Early May bank holiday",
        )
    )
    Closure.objects.bulk_create(closures, ignore_conflicts=True)
    return ay


def _staff_user(rng: random.Random, school: School, n: int, password_hash: str) -> User:
    first = rng.choice(STAFF_FIRST)
    last = rng.choice(LAST)
    return User(
        email=f"{first.lower()}.{last.lower()}.{n}@{school.urn}.{DEMO_DOMAIN}",
        full_name=f"{first} {last}",
        job_title="Teacher",
        password=password_hash,
    )


def seed_school(
    ctx_rng: random.Random,
    school: School,
    *,
    years: list[int],
    per_year: int,
    groups_per_year: int,
    today: dt.date,
    password_hash: str,
    staff_count: int,
) -> dict[str, list[User]]:
    rng = random.Random(f"{ctx_rng.random()}-{school.urn}")
    ay_start = academic_year_start(today)
    make_calendar(school, ay_start - 1)
    make_calendar(school, ay_start)
    seed_agency_people(
        Agency.objects.bulk_create(
            [Agency(school=school, name=n, kind=k, phone=p) for n, k, p in AGENCIES]
        )
    )

    staff_users = User.objects.bulk_create(
        [_staff_user(rng, school, n, password_hash) for n in range(staff_count)]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, school=school, role=Role.STAFF) for u in staff_users]
    )

    year_groups = YearGroup.objects.bulk_create(
        [
            YearGroup(school=school, number=n, name="Reception" if n == 0 else f"Year {n}")
            for n in years
        ]
    )
    letters = "ABCDEFGHJK"[:groups_per_year]
    reg_groups = RegGroup.objects.bulk_create(
        [
            RegGroup(
                school=school,
                year_group=yg,
                name=f"{yg.number or 'R'}{letter}",
                tutor=staff_users[(i * groups_per_year + j) % len(staff_users)],
            )
            for i, yg in enumerate(year_groups)
            for j, letter in enumerate(letters)
        ]
    )
    by_year: dict[int, list[RegGroup]] = {}
    for rg in reg_groups:
        by_year.setdefault(rg.year_group_id, []).append(rg)

    learners = []
    establishment = int(school.urn[-4:])
    la = int(school.la_code or "330")
    for yg in year_groups:
        birth_year = ay_start - yg.number - 5
        for serial in range(per_year):
            female = rng.random() < 0.49
            first = rng.choice(FIRST_F if female else FIRST_M)
            last = rng.choice(LAST)
            dob = dt.date(birth_year, 9, 1) + dt.timedelta(days=rng.randrange(365))
            sen = rng.choices(["N", "K", "E"], weights=[83, 14, 3])[0]
            status = rng.choices(["", "CIN", "CP"], weights=[96, 3, 1])[0]
            learner = Learner(
                school=school,
                upn=make_upn(la, establishment, birth_year + 4, serial),
                legal_first_name=first,
                legal_last_name=last,
                preferred_first_name=(first[:3] if rng.random() < 0.03 else ""),
                date_of_birth=dob,
                gender="F" if female else rng.choice(["M", "M", "M", "M", "X"]),
                year_group=yg,
                reg_group=by_year[yg.pk][serial % groups_per_year],
                sen_status=sen,
                pupil_premium=rng.random() < 0.27,
                eal=rng.random() < 0.18,
                looked_after=rng.random() < 0.012,
                cp_status=status,
                on_roll_from=dt.date(ay_start - (yg.number - years[0]), 9, 1),
            )
            learner.search_text = learner.build_search_text()
            learners.append(learner)
    learners = Learner.objects.bulk_create(learners, batch_size=2000)

    contacts = []
    for learner in learners:
        mother = f"{rng.choice(FIRST_F)} {learner.legal_last_name}"
        contacts.append(
            Contact(
                learner=learner,
                name=mother,
                relationship=Contact.Relationship.MOTHER,
                parental_responsibility=True,
                priority=1,
                phone=f"07700 9{rng.randrange(10000, 99999)}",
                email=f"{mother.split()[0].lower()}{rng.randrange(99)}@example.com",
            )
        )
        if rng.random() < 0.7:
            contacts.append(
                Contact(
                    learner=learner,
                    name=f"{rng.choice(FIRST_M)} {rng.choice([learner.legal_last_name, rng.choice(LAST)])}",
                    relationship=rng.choice(
                        [Contact.Relationship.FATHER, Contact.Relationship.STEP_PARENT]
                    ),
                    parental_responsibility=rng.random() < 0.8,
                    lives_with_learner=rng.random() < 0.6,
                    priority=2,
                    phone=f"07700 9{rng.randrange(10000, 99999)}",
                )
            )
        if learner.looked_after:
            contacts.append(
                Contact(
                    learner=learner,
                    name=f"{rng.choice(STAFF_FIRST)} {rng.choice(LAST)}",
                    relationship=Contact.Relationship.FOSTER_CARER,
                    parental_responsibility=False,
                    priority=0,
                    phone=f"07700 9{rng.randrange(10000, 99999)}",
                )
            )
    contacts = Contact.objects.bulk_create(contacts, batch_size=5000)
    seed_parents(rng, contacts, today)
    return {Role.STAFF: list(staff_users)}


def _add_role_holders(
    rng: random.Random,
    school: School,
    staff: dict[str, list[User]],
    password_hash: str,
    counts: dict[str, int],
) -> None:
    """Give extra roles to some of the school's staff (support officers, HoYs...)."""
    pool = [
        u
        for u in staff[Role.STAFF]
        if not u.email.endswith("@" + DEMO_DOMAIN)
        and not any(u in staff.get(r, []) for r in counts)
    ]
    rng.shuffle(pool)
    year_groups = list(YearGroup.objects.filter(school=school).order_by("number"))
    for role, count in counts.items():
        holders = [pool.pop() for _ in range(min(count, len(pool)))]
        for i, user in enumerate(holders):
            membership = Membership.objects.create(user=user, school=school, role=role)
            if role == Role.HEAD_OF_YEAR and year_groups:
                membership.year_groups.add(year_groups[i % len(year_groups)])
        staff.setdefault(role, []).extend(holders)


@transaction.atomic
def seed_core(*, seed: int, scale: str, today: dt.date) -> DemoContext:
    rng = random.Random(seed)
    password_hash = make_password(DEMO_PASSWORD)
    trust = Trust.objects.create(name="Riverside Learning Trust")
    demo_school = School.objects.create(
        trust=trust,
        name="Oakfield Academy",
        urn="136001",
        la_code="330",
        phase=School.Phase.SECONDARY,
        headteacher="Mrs Joanna Whitfield",
        address="Oakfield Lane\nRiverside\nRV1 4OA",
        phone="01632 960 123",
        email="office@oakfield.example",
        pastoral_retention_years=6,
    )
    schools = [demo_school]
    staff = {
        demo_school.pk: seed_school(
            rng,
            demo_school,
            years=[7, 8, 9, 10, 11],
            per_year=220,
            groups_per_year=8,
            today=today,
            password_hash=password_hash,
            staff_count=70,
        )
    }
    demo_users: dict[str, User] = {}
    year9 = YearGroup.objects.get(school=demo_school, number=9)
    for role, local, name, title in DEMO_SIGN_INS:
        user = User.objects.create(
            email=f"{local}@{DEMO_DOMAIN}", full_name=name, job_title=title, password=password_hash
        )
        Membership.objects.create(user=user, school=demo_school, role=Role.STAFF)
        if role != Role.STAFF:
            membership = Membership.objects.create(user=user, school=demo_school, role=role)
            if role == Role.HEAD_OF_YEAR:
                membership.year_groups.add(year9)
        demo_users[role] = user
        staff[demo_school.pk].setdefault(role, []).append(user)
        if role != Role.STAFF:
            staff[demo_school.pk][Role.STAFF].append(user)
    _add_role_holders(
        rng,
        demo_school,
        staff[demo_school.pk],
        password_hash,
        {Role.SUPPORT: 5, Role.HEAD_OF_YEAR: 4, Role.DEPUTY_DSL: 1},
    )
    # The demo head of year leads Year 9; the other four lead the other years.
    for membership in (
        Membership.objects.filter(school=demo_school, role=Role.HEAD_OF_YEAR)
        .exclude(user=demo_users[Role.HEAD_OF_YEAR])
        .order_by("pk")
    ):
        membership.year_groups.clear()
    others = [
        yg
        for yg in YearGroup.objects.filter(school=demo_school).order_by("number")
        if yg.number != 9
    ]
    for membership, yg in zip(
        Membership.objects.filter(school=demo_school, role=Role.HEAD_OF_YEAR)
        .exclude(user=demo_users[Role.HEAD_OF_YEAR])
        .order_by("pk"),
        others,
        strict=False,
    ):
        membership.year_groups.add(yg)

    if scale == "trust":
        for n in range(1, 20):
            secondary = n % 2 == 0
            school = School.objects.create(
                trust=trust,
                name=f"{rng.choice(['Meadow', 'Brook', 'Hill', 'Castle', 'Park', 'Valley', 'Kings', 'St Anne'])}"
                f"{' Academy' if secondary else ' Primary School'} {n}",
                urn=f"{136001 + n}",
                la_code=str(330 + n % 5),
                phase=School.Phase.SECONDARY if secondary else School.Phase.PRIMARY,
            )
            schools.append(school)
            years = [7, 8, 9, 10, 11] if secondary else [0, 1, 2, 3, 4, 5, 6]
            # 9 secondaries of 1,800 and 10 primaries of 840 (classes of 30),
            # with the demo school's 1,100: about 25,000 learners in the trust.
            per_year = 360 if secondary else 120
            staff[school.pk] = seed_school(
                rng,
                school,
                years=years,
                per_year=per_year,
                groups_per_year=10 if secondary else 4,
                today=today,
                password_hash=password_hash,
                staff_count=90 if secondary else 30,
            )
            _add_role_holders(
                rng,
                school,
                staff[school.pk],
                password_hash,
                {
                    Role.SUPPORT: 40 if secondary else 4,
                    Role.HEAD_OF_YEAR: 5 if secondary else 0,
                    Role.SENCO: 1,
                    Role.DSL: 1,
                    Role.DEPUTY_DSL: 2,
                    Role.ADMIN: 1,
                },
            )
            hoys = Membership.objects.filter(school=school, role=Role.HEAD_OF_YEAR).order_by("pk")
            for membership, yg in zip(
                hoys, YearGroup.objects.filter(school=school).order_by("number"), strict=False
            ):
                membership.year_groups.set([yg])
        # The demo DSL also works at a second school of the trust (two-school access).
        Membership.objects.create(user=demo_users[Role.SENCO], school=schools[1], role=Role.SENCO)

    # The trust's safeguarding lead and administrator (pastoral/trust/demo.py).
    from pastoral.trust.demo import seed_trust_roles

    demo_users.update(seed_trust_roles(trust, domain=DEMO_DOMAIN, password_hash=password_hash))
    years = {s.pk: list(AcademicYear.objects.filter(school=s).order_by("start")) for s in schools}
    return DemoContext(
        rng=rng,
        scale=scale,
        today=today,
        trust=trust,
        schools=schools,
        demo_school=demo_school,
        demo_users=demo_users,
        staff=staff,
        academic_years=years,
    )
