"""Retention and disposal (/retention/): safeguarding record types are the DSL's
alone; the other types the administrator's and the DSL's (Cap.REVIEW_RETENTION);
everyone else 404. Another school's learner or hold: 404 for all."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tests.matrix import Case, every, only

REVIEWERS = only(admin=True, dsl=True)
DSL_ONLY = only(dsl=True)
NOBODY = every(404)


def _records(world: Any) -> None:
    """learner9 (a leaver born 27 years ago) with a CP file and an SEN plan;
    the same for the other school's learner."""
    from caseload.models import Plan
    from tests.reports.data import concern
    from tests.retention.data import make_leaver, old_enough

    for learner in (world.learner9, world.other_learner):
        make_leaver(learner, born=old_enough())
        concern(world, learner, text="An old concern", restricted=True)
        Plan.objects.create(
            school=learner.school,
            learner=learner,
            type=Plan.Type.SEN_SUPPORT,
            start=dt.date(2010, 1, 1),
            next_review=dt.date(2010, 3, 1),
            updated_at=timezone.now(),
        )


def _holds(world: Any) -> None:
    from pastoral.models import LegalHold

    _records(world)
    for attr, learner in (("hold", world.learner9), ("other_hold", world.other_learner)):
        setattr(
            world,
            attr,
            LegalHold.objects.create(
                school=learner.school,
                learner=learner,
                covers=LegalHold.Covers.RECORDS,
                reason=LegalHold.Reason.LITIGATION,
                details="Claim 123",
                placed_by=world.user("admin") if learner == world.learner9 else world.outsider,
            ),
        )


def _review(key: str, other: bool = False) -> Any:
    return lambda w: {"key": key, "pk": (w.other_learner if other else w.learner9).pk}


HOLD = {"reason": "litigation", "details": "Claim 123"}
WRONG_NAME = {"confirm_name": "Not the name", "understood": "on"}

CASES = [
    Case("retention:home", "hub", REVIEWERS),
    Case("retention:queue", "safeguarding", DSL_ONLY, lambda w: {"kind": "safeguarding"}),
    Case("retention:queue", "records", REVIEWERS, lambda w: {"kind": "records"}),
    Case(
        "retention:queue",
        "records csv",
        REVIEWERS,
        lambda w: {"kind": "records"},
        query="export=csv",
    ),
    Case("retention:queue", "unknown kind", NOBODY, lambda w: {"kind": "everything"}),
    Case("retention:review", "cp file", DSL_ONLY, _review("cp-file"), setup=_records),
    Case("retention:review", "sen", REVIEWERS, _review("sen"), setup=_records),
    Case("retention:review", "other school", NOBODY, _review("cp-file", True), setup=_records),
    Case("retention:review", "other school sen", NOBODY, _review("sen", True), setup=_records),
    Case(
        "retention:dispose",
        "wrong name",
        only(422, dsl=True),
        _review("cp-file"),
        method="post",
        data=lambda w: WRONG_NAME,
        setup=_records,
    ),
    Case(
        "retention:dispose",
        "other school",
        NOBODY,
        _review("sen", True),
        method="post",
        data=lambda w: WRONG_NAME,
        setup=_records,
    ),
    Case(
        "retention:hold-place",
        "sen",
        only(302, admin=True, dsl=True),
        _review("sen"),
        method="post",
        data=lambda w: HOLD,
        setup=_records,
    ),
    Case(
        "retention:hold-place",
        "other school",
        NOBODY,
        _review("cp-file", True),
        method="post",
        data=lambda w: HOLD,
        setup=_records,
    ),
    Case("retention:holds", "list", REVIEWERS, setup=_holds),
    Case(
        "retention:hold-lift",
        "lift",
        only(302, admin=True, dsl=True),
        lambda w: {"pk": w.hold.pk},
        method="post",
        data=lambda w: {"reason": "Claim settled"},
        setup=_holds,
    ),
    Case(
        "retention:hold-lift",
        "other school",
        NOBODY,
        lambda w: {"pk": w.other_hold.pk},
        method="post",
        data=lambda w: {"reason": "Claim settled"},
        setup=_holds,
    ),
    Case("retention:tombstones", "list", REVIEWERS),
    Case("retention:report", "pdf", REVIEWERS),
    Case("retention:rules", "list", REVIEWERS),
    Case("retention:rule-edit", "cp file", DSL_ONLY, lambda w: {"key": "cp-file"}),
    Case("retention:rule-edit", "behaviour", REVIEWERS, lambda w: {"key": "behaviour"}),
    Case(
        "retention:rule-edit",
        "save",
        only(302, admin=True, dsl=True),
        lambda w: {"key": "behaviour"},
        method="post",
        data=lambda w: {"years": 8, "reason": "Trust policy"},
    ),
    Case("retention:rule-edit", "unknown type", NOBODY, lambda w: {"key": "everything"}),
]
