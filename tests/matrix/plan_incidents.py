"""The incidents behind a behaviour plan or PSP (issue 15) × the six roles: the
plan's scope ("create/review action plans"); the incidents listed on it are
behaviour's own scope (tests/caseload/test_plan_incidents.py)."""

from __future__ import annotations

from typing import Any

from tests.matrix import Case, every, only

CASE_ROLES = {"support": True, "hoy": True, "senco": True, "dsl": True}
WHOLE = {"senco": True, "dsl": True}


def _setup(world: Any) -> None:
    from tests.caseload.factories import make_plan

    world.psp9 = make_plan(world.learner9)
    world.psp10 = make_plan(world.learner10)
    world.other_psp = make_plan(world.other_learner)


def pk(attr: str) -> Any:
    return lambda w: {"pk": getattr(w, attr).pk}


CASES = [
    Case("caseload:plan-incidents", "own", only(**CASE_ROLES), setup=_setup, kwargs=pk("psp9")),
    Case("caseload:plan-incidents", "outside", only(**WHOLE), setup=_setup, kwargs=pk("psp10")),
    Case(
        "caseload:plan-incidents",
        "other school",
        every(404),
        method="post",
        setup=_setup,
        kwargs=pk("other_psp"),
        data=lambda w: {},
    ),
]
