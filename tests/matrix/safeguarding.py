"""The safeguarding log: every URL × six roles, with in-scope, out-of-scope,
restricted and shared variants.

World: `staff` logs the concerns (so is the author), learner9 is in the head of
year's year and on the support officer's caseload, learner10 in neither.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tests.matrix import ALL_OK, Case, every, only

HX = {"HTTP_HX_REQUEST": "true"}
DSL_ONLY = only(dsl=True)
DSL_REDIRECT = only(302, dsl=True)
# Who sees a concern, per variant (ACCESS.md "Safeguarding visibility").
SEES = {
    "pastoral9": {"staff", "support", "hoy", "senco", "dsl"},
    "pastoral10": {"staff", "senco", "dsl"},
    "restricted9": {"staff", "dsl"},
    "shared9": {"staff", "support", "dsl"},
    "expired9": {"staff", "dsl"},
    "withdrawn9": {"staff", "dsl"},
    "other_school": set(),
}
# Who sees the whole record (the author alone sees only their own part).
FULL = {k: v - {"staff"} for k, v in SEES.items()}


def _status(roles: set[str], ok: int = 200, denied: int = 404) -> dict[str, int]:
    return only(ok, denied, **dict.fromkeys(roles, True))


def _concern(variant: str) -> Any:
    """A setup that logs the variant's concern and keeps it as world.concern."""

    def setup(world: Any) -> None:
        from pastoral.access import scope_for
        from safeguarding.models import ConcernShare
        from tests.factories import LearnerFactory, UserFactory, YearGroupFactory, member
        from tests.safeguarding.helpers import log_concern, share, triage

        if variant == "other_school":
            outsider_staff = member(UserFactory(), world.other_school)
            from safeguarding import selectors, services

            world.concern = services.concern_create(
                scope=scope_for(outsider_staff, world.other_school),
                learner_ids=[world.other_learner.pk],
                occurred_at=timezone.now(),
                location="",
                description="Elsewhere",
            )
            return
        learner = world.learner10 if variant == "pastoral10" else world.learner9
        world.concern = log_concern(world, "staff", [learner], files=[_pdf()])
        if variant != "pastoral9" and variant != "pastoral10":
            triage(world, world.concern, "restricted")
        if variant == "shared9":
            share(world, world.concern)
        if variant == "expired9":
            row = share(world, world.concern)
            ConcernShare.objects.filter(pk=row.pk).update(
                expires_at=timezone.now() - dt.timedelta(minutes=1)
            )
        if variant == "withdrawn9":
            from safeguarding import selectors, services
            from tests.safeguarding.helpers import scope_of

            row = share(world, world.concern)
            services.share_withdraw(
                scope=scope_of(world, "dsl"),
                share=selectors.share_for(scope_of(world, "dsl"), row.pk),
            )
        world.attachment = world.concern.attachments.first()
        _ = (LearnerFactory, YearGroupFactory)

    return setup


def _pdf() -> Any:
    from tests.safeguarding.helpers import pdf

    return pdf()


def _with_action(variant: str) -> Any:
    base = _concern(variant)

    def setup(world: Any) -> None:
        from safeguarding import selectors, services
        from tests.safeguarding.helpers import scope_of

        base(world)
        world.action = services.action_record(
            scope=scope_of(world, "dsl"),
            concern=selectors.concern_for(scope_of(world, "dsl"), world.concern.pk),
            kind="parent",
            details="Rang mum",
            outcome="",
            taken_on=timezone.localdate(),
            follow_up_due=timezone.localdate() + dt.timedelta(days=3),
        )

    return setup


def _with_investigation(variant: str) -> Any:
    base = _concern(variant)

    def setup(world: Any) -> None:
        from safeguarding import selectors, services
        from tests.safeguarding.helpers import scope_of

        base(world)
        world.investigation = services.investigation_open(
            scope=scope_of(world, "dsl"),
            concern=selectors.concern_for(scope_of(world, "dsl"), world.concern.pk),
            title="Fight on the field",
        )
        world.participant = world.investigation.participants.first()

    return setup


def _closed(variant: str) -> Any:
    base = _concern(variant)

    def setup(world: Any) -> None:
        from safeguarding import selectors, services
        from tests.safeguarding.helpers import scope_of

        base(world)
        world.concern.refresh_from_db()
        services.concern_close(
            scope=scope_of(world, "dsl"),
            concern=selectors.concern_for(scope_of(world, "dsl"), world.concern.pk),
            version=world.concern.version,
            reason="Resolved",
            rationale="Handled in school; threshold for referral not met",
        )

    return setup


def _two_concerns(world: Any) -> None:
    _concern("pastoral9")(world)
    first = world.concern
    _concern("pastoral10")(world)
    world.other = first


def _dsl_share(world: Any) -> None:
    _concern("shared9")(world)
    world.share = world.concern.shares.get()


def _category(world: Any) -> None:
    from tests.safeguarding.helpers import category

    world.category = category(world, "Medical")


def _elsewhere(closed: bool = False) -> Any:
    """A setup that builds, in world.other_school and by its DSL (world.outsider),
    a restricted concern about world.other_learner with an attachment, an action,
    a share, an investigation and a category (and world.other, a concern of
    world.school, for the link form); with closed=True the concern is closed."""

    def setup(world: Any) -> None:
        from pastoral.access import scope_for
        from safeguarding import selectors, services
        from safeguarding.models import Category
        from tests.factories import UserFactory, member
        from tests.safeguarding.helpers import log_concern

        world.other = log_concern(world, "staff", [world.learner9])
        dsl = world.outsider
        scope = scope_for(dsl, world.other_school)
        colleague = member(UserFactory(), world.other_school)
        world.category = Category.objects.filter(school=world.other_school).first()
        world.concern = services.concern_create(
            scope=scope,
            learner_ids=[world.other_learner.pk],
            occurred_at=timezone.now() - dt.timedelta(hours=1),
            location="Elsewhere",
            description="Elsewhere",
            category_ids=[world.category.pk],
            files=[_pdf()],
        )
        world.attachment = world.concern.attachments.first()
        world.concern.refresh_from_db()
        services.concern_triage(
            scope=scope,
            concern=selectors.concern_for(scope, world.concern.pk),
            version=world.concern.version,
            level="restricted",
            owner_id=dsl.pk,
            category_ids=[world.category.pk],
            next_action="Call social care",
            due_date=timezone.localdate() + dt.timedelta(days=2),
        )
        world.share = services.share_create(
            scope=scope,
            concern=selectors.concern_for(scope, world.concern.pk),
            user_id=colleague.pk,
            reason="Needs to know",
        )
        world.action = services.action_record(
            scope=scope,
            concern=selectors.concern_for(scope, world.concern.pk),
            kind="parent",
            details="Rang mum",
            outcome="",
            taken_on=timezone.localdate(),
            follow_up_due=timezone.localdate() + dt.timedelta(days=3),
        )
        world.investigation = services.investigation_open(
            scope=scope, concern=selectors.concern_for(scope, world.concern.pk), title="Elsewhere"
        )
        world.participant = world.investigation.participants.first()
        if closed:
            world.concern.refresh_from_db()
            services.concern_close(
                scope=scope,
                concern=selectors.concern_for(scope, world.concern.pk),
                version=world.concern.version,
                reason="Resolved",
                rationale="Handled in school; threshold for referral not met",
            )

    return setup


def _other_school(
    name: str,
    kwargs: Any,
    method: str = "post",
    data: Any = None,
    closed: bool = False,
) -> Case:
    """The tenancy check of ACCESS.md: another school's object answers 404 to everyone."""
    return Case(
        name,
        "other school",
        every(404),
        kwargs=kwargs,
        method=method,
        data=data,
        setup=_elsewhere(closed),
    )


def _concern_pk(world: Any) -> dict[str, Any]:
    return {"pk": world.concern.pk}


def _version(world: Any) -> int:
    world.concern.refresh_from_db()
    return world.concern.version


def _per_variant(
    name: str,
    method: str = "get",
    ok: int = 200,
    full_only: bool = False,
    data: Any = None,
    variants: tuple[str, ...] = tuple(SEES),
    setup: Any = _concern,
    kwargs: Any = _concern_pk,
    denied_ok: int | None = None,
) -> list[Case]:
    cases = []
    for variant in variants:
        seers = (FULL if full_only else SEES)[variant]
        expect = _status(seers, ok)
        cases.append(
            Case(
                name, variant, expect, kwargs=kwargs, method=method, data=data, setup=setup(variant)
            )
        )
    return cases


def _log_data(world: Any) -> dict[str, Any]:
    return {
        "learners": [world.learner10.pk],
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "description": "Seemed withdrawn in maths.",
    }


def _outcome_data(w: Any) -> dict[str, Any]:
    return {"outcome": "Mum will come in"}


def _link_data(w: Any) -> dict[str, Any]:
    return {"reference": w.other.reference}


def _close_data(w: Any) -> dict[str, Any]:
    return {
        "version": _version(w),
        "reason": "Resolved",
        "rationale": "Threshold for referral not met",
    }


def _reopen_data(w: Any) -> dict[str, Any]:
    return {"version": _version(w), "reason": "New information"}


def _decision_data(w: Any) -> dict[str, Any]:
    return {
        "kind": "no_share",
        "decision": "Not shared with the youth club",
        "rationale": "Sharing would put the learner at risk (s16LA)",
    }


def _link_role_pk(world: Any) -> dict[str, Any]:
    return {"pk": world.concern.pk, "link_pk": world.concern.learner_links.first().pk}


def _link_role_data(w: Any) -> dict[str, Any]:
    prefix = f"link{w.concern.learner_links.first().pk}"
    return {f"{prefix}-role": "witness"}


def _share_data(w: Any) -> dict[str, Any]:
    return {"user": w.user("hoy").pk, "reason": "Needs to know"}


def _participant_data(w: Any) -> dict[str, Any]:
    return {"learner": w.learner10.pk, "part": "witness"}


def _statement_data(w: Any) -> dict[str, Any]:
    return {"participant": w.participant.pk, "text": "He pushed me first."}


def _evidence_data(w: Any) -> dict[str, Any]:
    return {"source": "CCTV field camera", "finding": "Shows both pupils pushing."}


def _investigation_outcome_data(w: Any) -> dict[str, Any]:
    return {"participant": w.participant.pk, "outcome": "Restorative conversation held."}


def _conclude_data(w: Any) -> dict[str, Any]:
    return {"conclusion": "Both pupils share responsibility."}


def _investigation_pk(w: Any) -> dict[str, Any]:
    return {"pk": w.investigation.pk}


CASES = [
    Case("safeguarding:concern-new", "form", ALL_OK),
    Case("safeguarding:concern-new", "submit", every(302), method="post", data=_log_data),
    Case(
        "safeguarding:concern-new",
        "no learner",
        every(422),
        method="post",
        data=lambda w: {"occurred_at": "2026-01-05T09:00", "description": "x"},
    ),
    Case(
        "safeguarding:concern-new",
        "learner of another school",
        every(422),
        method="post",
        data=lambda w: {**_log_data(w), "learners": [w.other_learner.pk]},
    ),
    Case("safeguarding:learner-picker", "htmx", ALL_OK, query="q=nin", headers=HX),
    Case(
        "safeguarding:draft-save",
        "autosave",
        every(204),
        method="post",
        data=lambda w: {"description": "typing", "saved_at": "1"},
    ),
    Case("safeguarding:draft-discard", "discard", every(302), method="post"),
    Case("safeguarding:my-concerns", "mine", ALL_OK, setup=_concern("pastoral9")),
    Case("safeguarding:inbox", "dsl", DSL_ONLY, setup=_concern("pastoral9")),
    Case("safeguarding:dashboard", "dsl", DSL_ONLY, setup=_concern("pastoral9")),
    Case(
        "safeguarding:dashboard",
        "filters",
        DSL_ONLY,
        setup=_concern("pastoral9"),
        query="?sen=1&pupil_premium=1&looked_after=1",
    ),
    Case(
        "safeguarding:inbox",
        "filters",
        DSL_ONLY,
        setup=_concern("pastoral9"),
        query="?status=new&mine=1&age=under_7&overdue=1",
    ),
    # Pastoral concerns about one's learners: every case role (ACCESS.md
    # "view pastoral concerns"), not staff, not the administrator.
    Case(
        "safeguarding:pastoral-list",
        "case roles",
        only(support=True, hoy=True, senco=True, dsl=True),
        setup=_concern("pastoral9"),
    ),
    Case(
        "safeguarding:pastoral-list",
        "filters",
        only(support=True, hoy=True, senco=True, dsl=True),
        setup=_concern("restricted9"),
        query="?status=all&age=over_30&sen=1",
    ),
    Case("safeguarding:concern-list", "dsl", DSL_ONLY, setup=_concern("pastoral9")),
    Case(
        "safeguarding:concern-list",
        "filters",
        DSL_ONLY,
        setup=_concern("pastoral9"),
        query="q=coat&level=pastoral&status=new&learner=nina",
    ),
    Case("safeguarding:categories", "dsl", DSL_ONLY),
    Case(
        "safeguarding:category-toggle",
        "dsl",
        DSL_REDIRECT,
        method="post",
        setup=_category,
        kwargs=lambda w: {"pk": w.category.pk},
    ),
    Case(
        "safeguarding:category-update",
        "dsl",
        DSL_REDIRECT,
        method="post",
        setup=_category,
        kwargs=lambda w: {"pk": w.category.pk},
        data=lambda w: {
            f"cat{w.category.pk}-default_level": "pastoral",
            f"cat{w.category.pk}-alert_groups": ["sen"],
        },
    ),
    Case(
        "safeguarding:category-update",
        "no level",
        only(422, dsl=True),
        method="post",
        setup=_category,
        kwargs=lambda w: {"pk": w.category.pk},
        data=lambda w: {f"cat{w.category.pk}-default_level": ""},
    ),
    *_per_variant("safeguarding:concern-detail"),
    *_per_variant(
        "safeguarding:concern-follow-up",
        method="post",
        ok=302,
        data=lambda w: {"text": "Saw her again at lunch, seemed happier."},
    ),
    # Only the author corrects their own account; others who see it get the form back.
    *[
        Case(
            "safeguarding:concern-correct",
            variant,
            {
                r: (302 if r == "staff" else 422) if r in SEES[variant] else 404
                for r in SEES["pastoral9"] | {"admin"}
            },
            kwargs=_concern_pk,
            method="post",
            setup=_concern(variant),
            data=lambda w: {
                "corrects": "original",
                "text": "It was Tuesday, not Monday.",
                "reason": "Wrong day",
            },
        )
        for variant in ("pastoral9", "restricted9", "other_school")
    ],
    Case(
        "safeguarding:concern-triage",
        "form",
        DSL_ONLY,
        kwargs=_concern_pk,
        setup=_concern("pastoral9"),
    ),
    Case(
        "safeguarding:concern-triage",
        "other school",
        every(404),
        kwargs=_concern_pk,
        setup=_concern("other_school"),
    ),
    Case(
        "safeguarding:concern-triage",
        "submit",
        DSL_REDIRECT,
        kwargs=_concern_pk,
        method="post",
        setup=_concern("pastoral9"),
        data=lambda w: {
            "version": _version(w),
            "level": "restricted",
            "owner": "",
            "next_action": "Ring MASH",
        },
    ),
    Case(
        "safeguarding:concern-triage",
        "stale version",
        only(409, dsl=True),
        kwargs=_concern_pk,
        method="post",
        setup=_concern("pastoral9"),
        data=lambda w: {"version": _version(w) - 1 if _version(w) > 1 else 99, "level": "pastoral"},
    ),
    Case(
        "safeguarding:concern-action",
        "referral",
        DSL_REDIRECT,
        kwargs=_concern_pk,
        method="post",
        setup=_concern("restricted9"),
        data=lambda w: {
            "kind": "social_care",
            "details": "Referred",
            "taken_on": timezone.localdate().isoformat(),
        },
    ),
    Case(
        "safeguarding:concern-action",
        "other school",
        every(404),
        kwargs=_concern_pk,
        method="post",
        setup=_concern("other_school"),
        data=lambda w: {"kind": "nfa", "taken_on": timezone.localdate().isoformat()},
    ),
    Case(
        "safeguarding:action-outcome",
        "record",
        DSL_REDIRECT,
        kwargs=lambda w: {"pk": w.action.pk},
        method="post",
        setup=_with_action("restricted9"),
        data=_outcome_data,
    ),
    Case(
        "safeguarding:concern-link",
        "link",
        DSL_REDIRECT,
        kwargs=_concern_pk,
        method="post",
        setup=_two_concerns,
        data=_link_data,
    ),
    Case(
        "safeguarding:concern-close",
        "close",
        DSL_REDIRECT,
        kwargs=_concern_pk,
        method="post",
        setup=_concern("pastoral9"),
        data=_close_data,
    ),
    Case(
        "safeguarding:concern-decision",
        "pastoral",
        DSL_REDIRECT,
        kwargs=_concern_pk,
        method="post",
        setup=_concern("pastoral9"),
        data=_decision_data,
    ),
    Case(
        "safeguarding:concern-decision",
        "restricted",
        DSL_REDIRECT,
        kwargs=_concern_pk,
        method="post",
        setup=_concern("restricted9"),
        data=_decision_data,
    ),
    Case(
        "safeguarding:concern-learner-role",
        "pastoral",
        DSL_REDIRECT,
        kwargs=_link_role_pk,
        method="post",
        setup=_concern("pastoral9"),
        data=_link_role_data,
    ),
    Case(
        "safeguarding:concern-learner-role",
        "restricted",
        DSL_REDIRECT,
        kwargs=_link_role_pk,
        method="post",
        setup=_concern("restricted9"),
        data=_link_role_data,
    ),
    Case(
        "safeguarding:concern-reopen",
        "reopen",
        DSL_REDIRECT,
        kwargs=_concern_pk,
        method="post",
        setup=_closed("pastoral9"),
        data=_reopen_data,
    ),
    Case(
        "safeguarding:concern-share",
        "restricted",
        DSL_REDIRECT,
        kwargs=_concern_pk,
        method="post",
        setup=_concern("restricted9"),
        data=_share_data,
    ),
    Case(
        "safeguarding:concern-share",
        "pastoral (not shareable)",
        only(422, dsl=True),
        kwargs=_concern_pk,
        method="post",
        setup=_concern("pastoral9"),
        data=_share_data,
    ),
    Case(
        "safeguarding:share-withdraw",
        "withdraw",
        DSL_REDIRECT,
        kwargs=lambda w: {"pk": w.share.pk},
        method="post",
        setup=_dsl_share,
    ),
    *_per_variant(
        "safeguarding:attachment",
        kwargs=lambda w: {"pk": w.attachment.pk},
        variants=("pastoral9", "pastoral10", "restricted9", "shared9", "withdrawn9"),
    ),
    *_per_variant(
        "safeguarding:investigation-new",
        method="post",
        ok=302,
        full_only=True,
        data=lambda w: {"title": "Incident on the field"},
    ),
    *[
        Case(
            "safeguarding:investigation-detail",
            variant,
            _status(FULL[variant]),
            kwargs=lambda w: {"pk": w.investigation.pk},
            setup=_with_investigation(variant),
        )
        for variant in ("pastoral9", "pastoral10", "restricted9", "shared9")
    ],
    Case(
        "safeguarding:investigation-participant",
        "add witness",
        _status(FULL["pastoral9"], 302),
        kwargs=lambda w: {"pk": w.investigation.pk},
        method="post",
        setup=_with_investigation("pastoral9"),
        data=_participant_data,
    ),
    Case(
        "safeguarding:investigation-statement",
        "typed",
        _status(FULL["restricted9"], 302),
        kwargs=lambda w: {"pk": w.investigation.pk},
        method="post",
        setup=_with_investigation("restricted9"),
        data=_statement_data,
    ),
    Case(
        "safeguarding:investigation-evidence",
        "cctv",
        _status(FULL["shared9"], 302),
        kwargs=lambda w: {"pk": w.investigation.pk},
        method="post",
        setup=_with_investigation("shared9"),
        data=_evidence_data,
    ),
    Case(
        "safeguarding:investigation-outcome",
        "outcome",
        _status(FULL["pastoral10"], 302),
        kwargs=lambda w: {"pk": w.investigation.pk},
        method="post",
        setup=_with_investigation("pastoral10"),
        data=_investigation_outcome_data,
    ),
    Case(
        "safeguarding:investigation-conclude",
        "conclude",
        _status(FULL["pastoral9"], 302),
        kwargs=lambda w: {"pk": w.investigation.pk},
        method="post",
        setup=_with_investigation("pastoral9"),
        data=_conclude_data,
    ),
    Case(
        "safeguarding:learner-chronology",
        "learner9",
        only(support=True, hoy=True, senco=True, dsl=True),
        kwargs=lambda w: {"pk": w.learner9.pk},
        setup=_concern("pastoral9"),
    ),
    Case(
        "safeguarding:learner-chronology",
        "learner10",
        only(senco=True, dsl=True),
        kwargs=lambda w: {"pk": w.learner10.pk},
    ),
    Case(
        "safeguarding:learner-chronology",
        "other school",
        every(404),
        kwargs=lambda w: {"pk": w.other_learner.pk},
    ),
    Case(
        "safeguarding:cp-file",
        "learner9",
        DSL_ONLY,
        kwargs=lambda w: {"pk": w.learner9.pk},
        setup=_concern("restricted9"),
    ),
    Case(
        "safeguarding:cp-file",
        "other school",
        every(404),
        kwargs=lambda w: {"pk": w.other_learner.pk},
    ),
    # The tenancy check of ACCESS.md for each object URL: another school's
    # concern, action, share, attachment, investigation or category.
    _other_school("safeguarding:category-toggle", kwargs=lambda w: {"pk": w.category.pk}),
    _other_school(
        "safeguarding:category-update",
        kwargs=lambda w: {"pk": w.category.pk},
        data=lambda w: {f"cat{w.category.pk}-default_level": "pastoral"},
    ),
    _other_school(
        "safeguarding:action-outcome", kwargs=lambda w: {"pk": w.action.pk}, data=_outcome_data
    ),
    _other_school("safeguarding:concern-link", kwargs=_concern_pk, data=_link_data),
    _other_school("safeguarding:concern-close", kwargs=_concern_pk, data=_close_data),
    _other_school(
        "safeguarding:concern-reopen", kwargs=_concern_pk, data=_reopen_data, closed=True
    ),
    _other_school("safeguarding:concern-share", kwargs=_concern_pk, data=_share_data),
    _other_school("safeguarding:concern-decision", kwargs=_concern_pk, data=_decision_data),
    _other_school("safeguarding:concern-learner-role", kwargs=_link_role_pk, data=_link_role_data),
    _other_school("safeguarding:share-withdraw", kwargs=lambda w: {"pk": w.share.pk}),
    _other_school(
        "safeguarding:attachment", kwargs=lambda w: {"pk": w.attachment.pk}, method="get"
    ),
    _other_school("safeguarding:investigation-detail", kwargs=_investigation_pk, method="get"),
    _other_school(
        "safeguarding:investigation-participant", kwargs=_investigation_pk, data=_participant_data
    ),
    _other_school(
        "safeguarding:investigation-statement", kwargs=_investigation_pk, data=_statement_data
    ),
    _other_school(
        "safeguarding:investigation-evidence", kwargs=_investigation_pk, data=_evidence_data
    ),
    _other_school(
        "safeguarding:investigation-outcome",
        kwargs=_investigation_pk,
        data=_investigation_outcome_data,
    ),
    _other_school(
        "safeguarding:investigation-conclude", kwargs=_investigation_pk, data=_conclude_data
    ),
]
