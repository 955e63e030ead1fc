"""SEND URLs × the six roles (ACCESS.md). A SEN record is case data: the SENCO
and the DSL team reach every learner, a head of year their years, a support
officer their caseload ("create/review action plans", Cap.MANAGE_PLANS; the
record page itself under "view learner profile"); staff and the administrator
none (404). The label setting is a school setting: the administrator's.
learner9: support's caseload and HoY's year; learner10: neither; other_learner:
another school (every role 404)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tests.matrix import Case, every, only

CASE_ROLES = {"support": True, "hoy": True, "senco": True, "dsl": True}
WHOLE = {"senco": True, "dsl": True}
OTHER = "other school"


def _setup(world: Any) -> None:
    from tests.caseload.send_factories import make_review, make_sen_record

    world.sen9 = make_sen_record(world.learner9)
    world.sen10 = make_sen_record(world.learner10)
    world.step9 = make_review(world.sen9).steps.get(kind="advice")
    world.step10 = make_review(world.sen10).steps.get(kind="advice")
    world.other_sen = make_sen_record(world.other_learner)
    world.other_step = make_review(world.other_sen).steps.get(kind="advice")


def pk(attr: str) -> Any:
    return lambda w: {"pk": getattr(w, attr).pk}


def _done(world: Any) -> dict[str, Any]:
    return {"done_on": timezone.localdate().isoformat()}


CASES = [
    Case("caseload:send-queue", "queue in scope", only(**CASE_ROLES), setup=_setup),
    Case("caseload:send-queue", "export", only(**CASE_ROLES), setup=_setup, query="export=csv"),
    Case("caseload:send-settings", "labels", only(admin=True)),
    Case(
        "caseload:send-settings",
        "save Wales",
        only(ok=302, admin=True),
        method="post",
        data=lambda w: {"nation": "wales"},
    ),
    Case("caseload:sen-record", "own", only(**CASE_ROLES), setup=_setup, kwargs=pk("learner9")),
    Case("caseload:sen-record", "outside", only(**WHOLE), setup=_setup, kwargs=pk("learner10")),
    Case("caseload:sen-record", OTHER, every(404), setup=_setup, kwargs=pk("other_learner")),
    Case(
        "caseload:sen-record-edit", "own", only(**CASE_ROLES), setup=_setup, kwargs=pk("learner9")
    ),
    Case(
        "caseload:sen-record-edit", "outside", only(**WHOLE), setup=_setup, kwargs=pk("learner10")
    ),
    Case("caseload:sen-record-edit", OTHER, every(404), setup=_setup, kwargs=pk("other_learner")),
    Case("caseload:ehcp-review-create", "own", only(**CASE_ROLES), setup=_setup, kwargs=pk("sen9")),
    Case("caseload:ehcp-review-create", "outside", only(**WHOLE), setup=_setup, kwargs=pk("sen10")),
    Case("caseload:ehcp-review-create", OTHER, every(404), setup=_setup, kwargs=pk("other_sen")),
    Case("caseload:review-step-done", "own", only(**CASE_ROLES), setup=_setup, kwargs=pk("step9")),
    Case("caseload:review-step-done", "outside", only(**WHOLE), setup=_setup, kwargs=pk("step10")),
    Case(
        "caseload:review-step-done",
        "mark outside",
        only(ok=302, **WHOLE),
        method="post",
        setup=_setup,
        kwargs=pk("step10"),
        data=_done,
    ),
    Case(
        "caseload:review-step-done",
        OTHER,
        every(404),
        method="post",
        setup=_setup,
        kwargs=pk("other_step"),
        data=_done,
    ),
]
