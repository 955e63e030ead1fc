"""Permission matrix cases for on-call, removals and isolation (every URL, every role).

ACCESS.md, "Behaviour records": every member but a lone administrator asks for
on-call and sees their own requests; responders (the school's on-call rota and
the behaviour leads, SENCO and DSL team; the rota is empty here) see and answer
every request. Removals are behaviour records: the learner's head of year,
SENCO, DSL and the person who removed. Isolation sessions are run by heads of
year and leads (and seen by their supervisor). Another school's objects: 404.
"""

from __future__ import annotations

from typing import Any

from tests.matrix import Case, only

MEMBERS = only(staff=True, support=True, hoy=True, senco=True, dsl=True)
MEMBERS_POST = only(302, staff=True, support=True, hoy=True, senco=True, dsl=True)
L9 = only(hoy=True, senco=True, dsl=True)
L9_POST = only(302, hoy=True, senco=True, dsl=True)
LEADS = only(senco=True, dsl=True)
LEADS_POST = only(302, senco=True, dsl=True)
NOBODY = only()


def _h() -> Any:
    from tests.behaviour import oncall_helpers

    return oncall_helpers


def _request(foreign: bool = False) -> Any:
    def setup(w: Any) -> None:
        if foreign:
            w.oncall = _h().oncall_request(w.other_school, w.outsider, learner=w.other_learner)
        else:
            w.oncall = _h().oncall_request(w.school, w.user("staff"), learner=w.learner9)

    return setup


def _session(foreign: bool = False) -> Any:
    def setup(w: Any) -> None:
        if foreign:
            w.isolation = _h().isolation_session(w.other_school, w.outsider)
        else:
            w.isolation = _h().isolation_session(w.school, w.user("dsl"))

    return setup


def _pk(attr: str) -> Any:
    return lambda w: {"pk": getattr(w, attr).pk}


CASES: list = [
    Case("behaviour:oncall", "members", MEMBERS),
    Case(
        "behaviour:oncall",
        "ask for on-call",
        MEMBERS_POST,
        method="post",
        data=lambda w: {"room": "S12", "lesson": "P3", "reason": "disruption"},
    ),
    Case("behaviour:oncall-live", "members", MEMBERS, headers={"HX-Request": "true"}),
    Case("behaviour:oncall-requests", "members", MEMBERS),
    Case("behaviour:oncall-requests", "closed", MEMBERS, query="state=closed"),
    Case(
        "behaviour:oncall-detail",
        "asked by the staff member",
        only(staff=True, senco=True, dsl=True),
        kwargs=_pk("oncall"),
        setup=_request(),
    ),
    Case(
        "behaviour:oncall-detail",
        "another school's",
        NOBODY,
        kwargs=_pk("oncall"),
        setup=_request(foreign=True),
    ),
    Case(
        "behaviour:oncall-accept",
        "responders",
        LEADS_POST,
        kwargs=_pk("oncall"),
        method="post",
        setup=_request(),
    ),
    Case(
        "behaviour:oncall-accept",
        "another school's",
        NOBODY,
        kwargs=_pk("oncall"),
        method="post",
        setup=_request(foreign=True),
    ),
    Case(
        "behaviour:oncall-resolve",
        "responders, returned to class",
        LEADS_POST,
        kwargs=_pk("oncall"),
        method="post",
        data=lambda w: {"outcome": "returned"},
        setup=_request(),
    ),
    Case(
        "behaviour:oncall-resolve",
        "another school's",
        NOBODY,
        kwargs=_pk("oncall"),
        method="post",
        data=lambda w: {"outcome": "returned"},
        setup=_request(foreign=True),
    ),
    Case("behaviour:oncall-settings", "leads", LEADS),
    Case(
        "behaviour:oncall-settings",
        "save the removal alert",
        LEADS_POST,
        method="post",
        data=lambda w: {"form": "policy", "removal_threshold": "4", "removal_window_days": "10"},
    ),
    Case("behaviour:removals", "members", MEMBERS),
    # Any teacher records a removal from their lesson (directory fields only).
    Case("behaviour:learner-removal", "learner9", MEMBERS, kwargs=_pk("learner9")),
    Case("behaviour:learner-removal", "learner10", MEMBERS, kwargs=_pk("learner10")),
    Case("behaviour:learner-removal", "another school's", NOBODY, kwargs=_pk("other_learner")),
    Case(
        "behaviour:learner-removal",
        "record for learner9",
        MEMBERS_POST,
        kwargs=_pk("learner9"),
        method="post",
        data=lambda w: {
            "lesson": "P2 Maths",
            "reason": "Persistent disruption",
            "where_to": "On-call room",
            "minutes": "30",
        },
    ),
    Case("behaviour:isolation", "members", MEMBERS),
    Case(
        "behaviour:isolation",
        "open a session",
        L9_POST,
        method="post",
        data=lambda w: {"date": _next_weekday(), "room": "Isolation 1"},
    ),
    Case(
        "behaviour:isolation-session",
        "unsupervised session",
        L9,
        kwargs=_pk("isolation"),
        setup=_session(),
    ),
    Case(
        "behaviour:isolation-session",
        "another school's",
        NOBODY,
        kwargs=_pk("isolation"),
        setup=_session(foreign=True),
    ),
]


def _next_weekday() -> str:
    from tests.behaviour.helpers import next_weekday

    return next_weekday(3).isoformat()
