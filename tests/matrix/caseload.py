"""Caseload URLs × the six roles. learner9: support's caseload and HoY's year;
learner10: neither (SENCO and DSL only); other_learner: another school."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tests.matrix import Case, every, only

CASE_ROLES = {"support": True, "hoy": True, "senco": True, "dsl": True}
WHOLE = {"senco": True, "dsl": True}
BOARD = {"hoy": True, "senco": True}


def _setup(world: Any) -> None:
    from caseload.models import Allocation, Need
    from tests.caseload.factories import allocate, make_contact, make_group, make_plan, make_session

    world.alloc9 = Allocation.objects.get(learner=world.learner9)
    world.alloc10 = allocate(world.learner10, world.user("senco"))
    world.plan9 = make_plan(world.learner9)
    world.plan10 = make_plan(world.learner10)
    world.group9 = make_group(world.user("support"), [world.learner9])
    world.group10 = make_group(world.user("senco"), [world.learner10], name="SWEET")
    world.session9 = make_session(world.group9, {world.learner9: "present"})
    world.session10 = make_session(world.group10, {world.learner10: "absent"})
    world.contact9 = make_contact(world.learner9, owner=world.user("support"))
    world.contact10 = make_contact(world.learner10, owner=world.user("senco"))
    world.action9 = world.contact9.actions.get()
    world.action10 = world.contact10.actions.get()
    world.need = Need.objects.create(school=world.school, name="Mental health")


def _other_setup(world: Any) -> None:
    """Objects of another school, for the tenancy check: every role gets 404."""
    from tests.caseload.factories import allocate, make_contact, make_group, make_plan, make_session

    _setup(world)
    world.other_alloc = allocate(world.other_learner, world.outsider)
    world.other_plan = make_plan(world.other_learner)
    world.other_group = make_group(world.outsider, [world.other_learner], name="Elsewhere ELSA")
    world.other_session = make_session(world.other_group, {world.other_learner: "present"})
    world.other_contact = make_contact(world.other_learner, owner=world.outsider)
    world.other_action = world.other_contact.actions.get()


def pk(attr: str) -> Any:
    return lambda w: {"pk": getattr(w, attr).pk}


def learner(attr: str) -> Any:
    return lambda w: {"pk": getattr(w, attr).pk}


def _today() -> str:
    return timezone.localdate().isoformat()


def _reallocate(attr: str) -> Any:
    return lambda w: {
        "from_worker": w.user("support").pk if attr == "learner9" else w.user("senco").pk,
        "to_worker": w.user("dsl").pk,
        "start": _today(),
        "reason": "Leaving",
        "learners": [getattr(w, attr).pk],
    }


def _one_to_one(w: Any) -> dict[str, Any]:
    return {"date": _today(), "duration_minutes": 30, "status": "present", "notes": "ok"}


def _contact(w: Any) -> dict[str, Any]:
    return {
        "kind": "phone",
        "when": (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "with_whom": "learner",
        "summary": "Check-in",
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
    }


def _close(w: Any) -> dict[str, Any]:
    return {"status": "closed", "version": 1}


def _version(attr: str) -> Any:
    return lambda w: {"pk": getattr(w, attr).pk, "number": 1}


CASES = [
    Case("caseload:mine", "own caseload", only(**CASE_ROLES)),
    Case("caseload:board", "board", only(**BOARD), setup=_setup),
    Case("caseload:board", "filtered", only(**BOARD), setup=_setup, query="year=&need=&worker="),
    Case(
        "caseload:reallocate",
        "learner in HoY's year",
        only(302, **BOARD),
        method="post",
        setup=_setup,
        data=_reallocate("learner9"),
    ),
    Case(
        "caseload:reallocate",
        "learner outside HoY's years",
        {**only(**{}), "senco": 302},
        method="post",
        setup=_setup,
        data=_reallocate("learner10"),
    ),
    Case("caseload:learner-picker", "allocate", only(**BOARD), query="for=allocate&q=ni"),
    Case("caseload:learner-picker", "roster", only(**CASE_ROLES), query="for=roster&q=ni"),
    Case("caseload:learner-picker", "no purpose", every(404), query="q=ni"),
    Case("caseload:allocation-create", "form", only(**BOARD)),
    Case(
        "caseload:allocation-create",
        "supporting for learner9",
        only(302, **BOARD),
        method="post",
        data=lambda w: {
            "learner": w.learner9.pk,
            "worker": w.user("senco").pk,
            "kind": "supporting",
            "reason": "Extra support",
            "start": _today(),
        },
    ),
    Case("caseload:allocation-end", "in year", only(**BOARD), setup=_setup, kwargs=pk("alloc9")),
    Case(
        "caseload:allocation-end",
        "outside HoY's years",
        only(senco=True),
        setup=_setup,
        kwargs=pk("alloc10"),
    ),
    Case("caseload:profile", "own caseload", only(**CASE_ROLES), kwargs=learner("learner9")),
    Case("caseload:profile", "outside caseload", only(**WHOLE), kwargs=learner("learner10")),
    Case("caseload:profile", "other school", every(404), kwargs=learner("other_learner")),
    Case(
        "caseload:learner-sessions",
        "own",
        only(**CASE_ROLES),
        setup=_setup,
        kwargs=learner("learner9"),
    ),
    Case(
        "caseload:learner-sessions",
        "outside",
        only(**WHOLE),
        setup=_setup,
        kwargs=learner("learner10"),
    ),
    Case(
        "caseload:learner-contacts",
        "own",
        only(**CASE_ROLES),
        setup=_setup,
        kwargs=learner("learner9"),
    ),
    Case("caseload:learner-contacts", "outside", only(**WHOLE), kwargs=learner("learner10")),
    Case("caseload:session-one-to-one", "form", only(**CASE_ROLES), kwargs=learner("learner9")),
    Case(
        "caseload:session-one-to-one",
        "record",
        only(302, **CASE_ROLES),
        method="post",
        kwargs=learner("learner9"),
        data=lambda w: {
            "date": _today(),
            "duration_minutes": 30,
            "status": "present",
            "notes": "ok",
        },
    ),
    Case("caseload:session-one-to-one", "outside", only(**WHOLE), kwargs=learner("learner10")),
    Case("caseload:contact-create", "form", only(**CASE_ROLES), kwargs=learner("learner9")),
    Case(
        "caseload:contact-create",
        "log a call",
        only(302, **CASE_ROLES),
        method="post",
        kwargs=learner("learner9"),
        data=lambda w: {
            "kind": "phone",
            "when": (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "with_whom": "learner",
            "summary": "Check-in",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
    ),
    Case("caseload:contact-create", "outside", only(**WHOLE), kwargs=learner("learner10")),
    Case("caseload:plan-create", "form", only(**CASE_ROLES), kwargs=learner("learner9")),
    Case("caseload:plan-create", "outside", only(**WHOLE), kwargs=learner("learner10")),
    Case("caseload:plan-detail", "own", only(**CASE_ROLES), setup=_setup, kwargs=pk("plan9")),
    Case("caseload:plan-detail", "outside", only(**WHOLE), setup=_setup, kwargs=pk("plan10")),
    Case("caseload:plan-edit", "own", only(**CASE_ROLES), setup=_setup, kwargs=pk("plan9")),
    Case("caseload:plan-edit", "outside", only(**WHOLE), setup=_setup, kwargs=pk("plan10")),
    Case(
        "caseload:plan-status",
        "close own",
        only(302, **CASE_ROLES),
        method="post",
        setup=_setup,
        kwargs=pk("plan9"),
        data=lambda w: {"status": "closed", "version": 1},
    ),
    Case(
        "caseload:plan-status",
        "close outside",
        only(302, **WHOLE),
        method="post",
        setup=_setup,
        kwargs=pk("plan10"),
        data=lambda w: {"status": "closed", "version": 1},
    ),
    Case("caseload:plan-review", "own", only(**CASE_ROLES), setup=_setup, kwargs=pk("plan9")),
    Case("caseload:plan-review", "outside", only(**WHOLE), setup=_setup, kwargs=pk("plan10")),
    Case(
        "caseload:plan-version", "own", only(**CASE_ROLES), setup=_setup, kwargs=_version("plan9")
    ),
    Case(
        "caseload:plan-version", "outside", only(**WHOLE), setup=_setup, kwargs=_version("plan10")
    ),
    Case("caseload:plan-diff", "own", only(**CASE_ROLES), setup=_setup, kwargs=pk("plan9")),
    Case("caseload:plan-diff", "outside", only(**WHOLE), setup=_setup, kwargs=pk("plan10")),
    Case("caseload:intervention-list", "list", only(**CASE_ROLES), setup=_setup),
    Case("caseload:intervention-create", "form", only(**CASE_ROLES)),
    Case(
        "caseload:intervention-detail",
        "support's group of learner9",
        only(**CASE_ROLES),
        setup=_setup,
        kwargs=pk("group9"),
    ),
    Case(
        "caseload:intervention-detail",
        "group of learner10",
        only(**WHOLE),
        setup=_setup,
        kwargs=pk("group10"),
    ),
    Case(
        "caseload:session-create",
        "leader, SENCO and DSL take the register",
        only(support=True, senco=True, dsl=True),
        setup=_setup,
        kwargs=pk("group9"),
    ),
    Case("caseload:session-create", "outside", only(**WHOLE), setup=_setup, kwargs=pk("group10")),
    Case("caseload:session-detail", "own", only(**CASE_ROLES), setup=_setup, kwargs=pk("session9")),
    Case("caseload:session-detail", "outside", only(**WHOLE), setup=_setup, kwargs=pk("session10")),
    Case("caseload:contact-detail", "own", only(**CASE_ROLES), setup=_setup, kwargs=pk("contact9")),
    Case("caseload:contact-detail", "outside", only(**WHOLE), setup=_setup, kwargs=pk("contact10")),
    Case(
        "caseload:action-done",
        "own",
        only(302, **CASE_ROLES),
        method="post",
        setup=_setup,
        kwargs=pk("action9"),
    ),
    Case(
        "caseload:action-done",
        "outside",
        only(302, **WHOLE),
        method="post",
        setup=_setup,
        kwargs=pk("action10"),
    ),
    Case("caseload:need-list", "SENCO edits the list", only(senco=True)),
]

# ACCESS.md's tenancy check: another school's object answers 404 to every role.
OTHER = "other school"
CASES += [
    Case(
        "caseload:allocation-end", OTHER, every(404), setup=_other_setup, kwargs=pk("other_alloc")
    ),
    Case("caseload:learner-sessions", OTHER, every(404), kwargs=learner("other_learner")),
    Case("caseload:learner-contacts", OTHER, every(404), kwargs=learner("other_learner")),
    Case("caseload:session-one-to-one", OTHER, every(404), kwargs=learner("other_learner")),
    Case(
        "caseload:session-one-to-one",
        "record for other school",
        every(404),
        method="post",
        kwargs=learner("other_learner"),
        data=_one_to_one,
    ),
    Case("caseload:contact-create", OTHER, every(404), kwargs=learner("other_learner")),
    Case(
        "caseload:contact-create",
        "log a call for other school",
        every(404),
        method="post",
        kwargs=learner("other_learner"),
        data=_contact,
    ),
    Case("caseload:plan-create", OTHER, every(404), kwargs=learner("other_learner")),
    Case("caseload:plan-detail", OTHER, every(404), setup=_other_setup, kwargs=pk("other_plan")),
    Case("caseload:plan-edit", OTHER, every(404), setup=_other_setup, kwargs=pk("other_plan")),
    Case(
        "caseload:plan-status",
        OTHER,
        every(404),
        method="post",
        setup=_other_setup,
        kwargs=pk("other_plan"),
        data=_close,
    ),
    Case("caseload:plan-review", OTHER, every(404), setup=_other_setup, kwargs=pk("other_plan")),
    Case(
        "caseload:plan-version",
        OTHER,
        every(404),
        setup=_other_setup,
        kwargs=_version("other_plan"),
    ),
    Case("caseload:plan-diff", OTHER, every(404), setup=_other_setup, kwargs=pk("other_plan")),
    Case(
        "caseload:intervention-detail",
        OTHER,
        every(404),
        setup=_other_setup,
        kwargs=pk("other_group"),
    ),
    Case(
        "caseload:session-create", OTHER, every(404), setup=_other_setup, kwargs=pk("other_group")
    ),
    Case(
        "caseload:session-detail",
        OTHER,
        every(404),
        setup=_other_setup,
        kwargs=pk("other_session"),
    ),
    Case(
        "caseload:contact-detail",
        OTHER,
        every(404),
        setup=_other_setup,
        kwargs=pk("other_contact"),
    ),
    Case(
        "caseload:action-done",
        OTHER,
        every(404),
        method="post",
        setup=_other_setup,
        kwargs=pk("other_action"),
    ),
]


# --- subject access (caseload.reports.sar): record (admin, DSL), records part
# (HoY of the learner's year, SENCO, DSL), safeguarding part and release (DSL only).


def _sar(learner_attr: str, *, school_attr: str = "school", by: str = "admin") -> Any:
    def make(world: Any) -> None:
        from caseload.models import SubjectAccessRequest

        learner = getattr(world, learner_attr)
        world.sar = SubjectAccessRequest.objects.create(
            school=getattr(world, school_attr),
            learner=learner,
            requester_name="Pat Parent",
            requester_relationship="parent",
            received_on=timezone.localdate(),
            identity_checked_by="Reception",
            identity_checked_on=timezone.localdate(),
            identity_method="Passport seen",
            recorded_by=world.outsider if school_attr == "other_school" else world.user(by),
        )

    return make


def _ready_sar(world: Any) -> None:
    """Both parts done, as they stand: the DSL may release."""
    from caseload.reports.sar import entry_refs, records_sections, safeguarding_sections
    from pastoral.access import scope_for

    _sar("learner9")(world)
    dsl = scope_for(world.user("dsl"), world.school)
    world.sar.records_assembled_at = world.sar.safeguarding_approved_at = timezone.now()
    world.sar.records_assembled_by = world.sar.safeguarding_approved_by = world.user("dsl")
    world.sar.records_refs = entry_refs(records_sections(dsl, world.learner9))
    world.sar.safeguarding_refs = entry_refs(safeguarding_sections(dsl, world.learner9))
    world.sar.save()


SAR_RECORD = {"dsl": True, "admin": True}
SAR_FOLLOW = {"hoy": True, "senco": True, "dsl": True, "admin": True}
SAR_RECORDS = {"hoy": True, "senco": True, "dsl": True}
SAR9 = _sar("learner9")
SAR10 = _sar("learner10")
SAR_OTHER = _sar("other_learner", school_attr="other_school")


def _sar_request(w: Any) -> dict[str, Any]:
    return {
        "requester_name": "Pat Parent",
        "requester_relationship": "parent",
        "received_on": _today(),
        "identity_checked_by": "Reception",
        "identity_checked_on": _today(),
        "identity_method": "Passport seen",
    }


CASES += [
    Case("caseload_reports:sar-list", "requests", only(**SAR_FOLLOW), setup=SAR9),
    Case("caseload_reports:sar-record", "form", only(**SAR_RECORD), kwargs=learner("learner9")),
    Case(
        "caseload_reports:sar-record",
        "record",
        only(302, **SAR_RECORD),
        method="post",
        kwargs=learner("learner9"),
        data=_sar_request,
    ),
    Case("caseload_reports:sar-record", OTHER, every(404), kwargs=learner("other_learner")),
    Case(
        "caseload_reports:sar-detail", "learner9", only(**SAR_FOLLOW), setup=SAR9, kwargs=pk("sar")
    ),
    Case(
        "caseload_reports:sar-detail",
        "learner outside HoY's years",
        only(senco=True, dsl=True, admin=True),
        setup=SAR10,
        kwargs=pk("sar"),
    ),
    Case("caseload_reports:sar-detail", OTHER, every(404), setup=SAR_OTHER, kwargs=pk("sar")),
    Case("caseload_reports:sar-extend", "form", only(**SAR_RECORD), setup=SAR9, kwargs=pk("sar")),
    Case(
        "caseload_reports:sar-extend",
        "extend",
        only(302, **SAR_RECORD),
        method="post",
        setup=SAR9,
        kwargs=pk("sar"),
        data=lambda w: {"months": "1", "reason": "Complex request"},
    ),
    Case("caseload_reports:sar-extend", OTHER, every(404), setup=SAR_OTHER, kwargs=pk("sar")),
    Case(
        "caseload_reports:sar-records",
        "learner9",
        only(**SAR_RECORDS),
        setup=SAR9,
        kwargs=pk("sar"),
    ),
    Case(
        "caseload_reports:sar-records",
        "learner outside HoY's years",
        only(senco=True, dsl=True),
        setup=SAR10,
        kwargs=pk("sar"),
    ),
    Case(
        "caseload_reports:sar-records",
        "assemble",
        only(302, **SAR_RECORDS),
        method="post",
        setup=SAR9,
        kwargs=pk("sar"),
        data=lambda w: {"action": "approve"},
    ),
    Case("caseload_reports:sar-records", OTHER, every(404), setup=SAR_OTHER, kwargs=pk("sar")),
    Case(
        "caseload_reports:sar-safeguarding",
        "learner9",
        only(dsl=True),
        setup=SAR9,
        kwargs=pk("sar"),
    ),
    Case(
        "caseload_reports:sar-safeguarding",
        "approve",
        only(302, dsl=True),
        method="post",
        setup=SAR9,
        kwargs=pk("sar"),
        data=lambda w: {"action": "approve"},
    ),
    Case("caseload_reports:sar-safeguarding", OTHER, every(404), setup=SAR_OTHER, kwargs=pk("sar")),
    Case("caseload_reports:sar-release", "not ready", only(dsl=True), setup=SAR9, kwargs=pk("sar")),
    Case(
        "caseload_reports:sar-release",
        "release when not ready: refused",
        only(422, dsl=True),
        method="post",
        setup=SAR9,
        kwargs=pk("sar"),
    ),
    Case(
        "caseload_reports:sar-release",
        "release",
        only(302, dsl=True),
        method="post",
        setup=_ready_sar,
        kwargs=pk("sar"),
    ),
    Case("caseload_reports:sar-release", OTHER, every(404), setup=SAR_OTHER, kwargs=pk("sar")),
]
