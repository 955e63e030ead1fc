"""The policy world: one school with a person in every role of ACCESS.md (and a
deputy DSL), a second school with its own DSL, and records whose text is a
distinctive phrase, each with the roles ACCESS.md lets see it.

Built once per test module (see conftest.py) through the real services, so
that notifications and e-mails go out as they would in the school.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pastoral.access import scope_for
from pastoral.audit.context import RequestFacts, request_facts
from pastoral.models import Role
from tests.conftest import World, build_world
from tests.factories import UserFactory, member

# Every role of ACCESS.md's tables, the deputy DSL, and a DSL of another school.
ROLES = ["staff", "support", "hoy", "senco", "dsl", "ddsl", "admin", "outsider"]
DSLS = {"dsl", "ddsl"}

# Where the world's own audit events came from: ACCESS.md's "from where" of
# the audit trail. The address marks the audit trail in any response.
AUDIT_ADDRESS = "203.0.113.77"


@dataclass(frozen=True)
class Secret:
    phrase: str
    what: str
    # Roles ACCESS.md allows to see it (all others must never).
    allowed: frozenset[str]
    # Roles that must see it somewhere (so the suite cannot pass vacuously).
    must_see: frozenset[str] = frozenset()


def _s(phrase: str, what: str, allowed: set[str], must_see: set[str] | None = None) -> Secret:
    return Secret(phrase, what, frozenset(allowed), frozenset(must_see or allowed))


# "not what the DSL did with them": staff never see actions/notes, whoever else may.
SECRETS = [
    _s(
        "PURPLE-ELEPHANT-1",
        "restricted concern text (learner9, logged by staff)",
        DSLS | {"staff"},
    ),
    _s(
        "PURPLE-ELEPHANT-2",
        "DSL's action on the restricted concern",
        DSLS,
    ),
    _s(
        "PURPLE-ELEPHANT-3",
        "DSL's follow-up note on the restricted concern",
        DSLS,
    ),
    _s(
        "PURPLE-ELEPHANT-4",
        "DSL's triage next step on the restricted concern",
        DSLS,
    ),
    _s(
        "PURPLE-ELEPHANT-5",
        "attachment of the restricted concern (file bytes)",
        DSLS | {"staff"},
        DSLS,
    ),
    _s(
        "PURPLE-ELEPHANT-6",
        "investigation statement on the restricted concern",
        DSLS,
    ),
    _s(
        "PASTORAL-BADGER-1",
        "pastoral concern text (learner9, logged by staff)",
        DSLS | {"staff", "support", "hoy", "senco"},
    ),
    _s(
        # Pastoral: only the staff author is barred (ACCESS.md: staff see the concerns
        # they logged, "not what the DSL did with them"); SENCO/HoY/key worker unspecified.
        "PASTORAL-BADGER-2",
        "DSL's action on the pastoral concern",
        DSLS | {"support", "hoy", "senco"},
        DSLS,
    ),
    _s(
        "OUTSIDE-OTTER-1",
        "pastoral concern about learner10 (outside the HoY's year and the caseload)",
        DSLS | {"senco"},
    ),
    _s(
        "SHARED-HERON-1",
        "restricted concern (learner10) a DSL shared with the support officer",
        DSLS | {"support"},
    ),
    _s(
        "WITHDRAWN-WOLF-1",
        "restricted concern (learner9) shared with the HoY, sharing withdrawn",
        DSLS,
    ),
    _s(
        "DEFAULT-DINGO-1",
        "concern in a restricted-by-default category (Child protection), logged by "
        "the support officer without ticking restricted",
        DSLS | {"support"},
    ),
    _s(
        "CASE-CAMEL-1",
        "learner9's support plan (case content)",
        DSLS | {"support", "hoy", "senco"},
    ),
    _s(
        "FOREIGN-FOX-1",
        "another school's restricted concern",
        {"outsider"},
    ),
    _s(
        "FOREIGN-FOX-2",
        "another school's pastoral concern",
        {"outsider"},
    ),
    _s(
        "QUOKKA-FOREIGN",
        "another school's learner's name",
        {"outsider"},
    ),
    _s(
        AUDIT_ADDRESS,
        "the audit trail (address recorded on the world's audit events)",
        DSLS,
    ),
]
SECRET_BY_PHRASE = {s.phrase: s for s in SECRETS}


@dataclass
class PolicyWorld:
    base: World
    users: dict[str, Any]
    concerns: dict[str, Any] = field(default_factory=dict)
    pks: dict[str, list[int]] = field(default_factory=dict)
    emails: list[Any] = field(default_factory=list)
    dsl_exports: dict[str, str] = field(default_factory=dict)
    private_root: Any = None
    sar_released: Any = None
    sar_open: Any = None
    sar_job: Any = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.base, name)


PDF_WITH_SECRET = (
    b"%PDF-1.4\n% PURPLE-ELEPHANT-5\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def _concern(user: Any, school: Any, learners: list[Any], text: str, **kwargs: Any) -> Any:
    from safeguarding import services
    from safeguarding.models import Category

    cats = kwargs.pop("categories", ["Bullying"])
    return services.concern_create(
        scope=scope_for(user, school),
        learner_ids=[lr.pk for lr in learners],
        occurred_at=timezone.now() - dt.timedelta(hours=2),
        location="Corridor B",
        description=f"Told me something worrying. {text}",
        category_ids=list(
            Category.objects.filter(school=school, name__in=cats).values_list("pk", flat=True)
        ),
        **kwargs,
    )


def build() -> PolicyWorld:
    from caseload.models import Plan
    from caseload.services import plan_create
    from safeguarding import selectors, services
    from safeguarding.models import ConcernAction, Participant

    base = build_world()
    users = dict(base.users)
    users["ddsl"] = member(UserFactory(full_name="Dee Deputy"), base.school, Role.DEPUTY_DSL)
    users["outsider"] = base.outsider
    base.other_learner.legal_last_name = "QUOKKA-FOREIGN"
    base.other_learner.preferred_name = ""
    base.other_learner.save()
    world = PolicyWorld(base=base, users=users)
    school, learner9, learner10 = base.school, base.learner9, base.learner10
    dsl = scope_for(users["dsl"], school)
    today = timezone.localdate()

    with request_facts(RequestFacts(ip=AUDIT_ADDRESS, user_agent="policy-world")):
        restricted = _concern(
            users["staff"],
            school,
            [learner9],
            "PURPLE-ELEPHANT-1",
            restricted=True,
            files=[SimpleUploadedFile("note.pdf", PDF_WITH_SECRET, "application/pdf")],
        )
        full = selectors.concern_for(dsl, restricted.pk)
        services.concern_triage(
            scope=dsl,
            concern=full,
            version=full.version,
            level="restricted",
            owner_id=users["dsl"].pk,
            category_ids=[c.pk for c in full.categories.all()],
            next_action="Call social care PURPLE-ELEPHANT-4",
            due_date=today + dt.timedelta(days=2),
        )
        full = selectors.concern_for(dsl, restricted.pk)
        services.action_record(
            scope=dsl,
            concern=full,
            kind=ConcernAction.Kind.SOCIAL_CARE,
            details="Referral to MASH PURPLE-ELEPHANT-2",
            outcome="Strategy meeting PURPLE-ELEPHANT-2",
            taken_on=today,
        )
        services.entry_add_follow_up(
            scope=dsl, concern=full, text="DSL note: PURPLE-ELEPHANT-3 spoke to social care"
        )
        inv = services.investigation_open(
            scope=dsl, concern=full, title="Investigation into the disclosure"
        )
        inv = selectors.investigation_for(dsl, inv.pk)
        services.statement_add(
            scope=dsl,
            participant=selectors.participant_for(
                dsl, inv, Participant.objects.filter(investigation=inv).first().pk
            ),
            text="Statement: PURPLE-ELEPHANT-6",
        )

        pastoral = _concern(users["staff"], school, [learner9], "PASTORAL-BADGER-1")
        full_p = selectors.concern_for(dsl, pastoral.pk)
        services.action_record(
            scope=dsl,
            concern=full_p,
            kind=ConcernAction.Kind.MONITORING,
            details="Monitoring PASTORAL-BADGER-2",
            outcome="Agreed PASTORAL-BADGER-2",
            taken_on=today,
        )
        outside = _concern(users["dsl"], school, [learner10], "OUTSIDE-OTTER-1")
        shared = _concern(users["dsl"], school, [learner10], "SHARED-HERON-1", restricted=True)
        services.share_create(
            scope=dsl,
            concern=selectors.concern_for(dsl, shared.pk),
            user_id=users["support"].pk,
            reason="Key worker needs to know",
        )
        withdrawn = _concern(users["dsl"], school, [learner9], "WITHDRAWN-WOLF-1", restricted=True)
        share = services.share_create(
            scope=dsl,
            concern=selectors.concern_for(dsl, withdrawn.pk),
            user_id=users["hoy"].pk,
            reason="For a meeting",
        )
        services.share_withdraw(scope=dsl, share=share)
        default = _concern(
            users["support"],
            school,
            [learner9],
            "DEFAULT-DINGO-1",
            categories=["Child protection"],
            restricted=False,
        )
        plan_create(
            scope=scope_for(users["hoy"], school),
            learner=learner9,
            fields={
                "type": Plan.Type.PSP,
                "start": today - dt.timedelta(days=10),
                "next_review": today + dt.timedelta(days=10),
                "strategies": "Weekly mentoring CASE-CAMEL-1",
            },
            targets=[
                {
                    "what": "Attend every lesson",
                    "measure": "Register",
                    "baseline": "80%",
                    "by_when": today,
                    "who": "Learner",
                }
            ],
            status=Plan.Status.ACTIVE,
        )
    other = base.other_school
    foreign_r = _concern(
        users["outsider"], other, [base.other_learner], "FOREIGN-FOX-1", restricted=True
    )
    foreign_p = _concern(users["outsider"], other, [base.other_learner], "FOREIGN-FOX-2")
    world.concerns = {
        "restricted": restricted,
        "pastoral": pastoral,
        "outside": outside,
        "shared": shared,
        "withdrawn": withdrawn,
        "default": default,
        "foreign_restricted": foreign_r,
        "foreign_pastoral": foreign_p,
    }
    return world
