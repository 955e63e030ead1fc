"""Permission matrix cases for the behaviour app (every URL, every role).

ACCESS.md: staff log and see what they logged; form tutors and heads of year
their learners; SENCO and DSL all; admin none. learner9 is in the head of
year's year; learner10 in nobody's but the SENCO's and DSL's; other_learner is
in another school. Settings belong to the behaviour leads (SENCO, DSL team).
"""

from __future__ import annotations

from typing import Any

from tests.matrix import Case, only

MEMBERS = only(staff=True, support=True, hoy=True, senco=True, dsl=True)
MEMBERS_POST = only(302, staff=True, support=True, hoy=True, senco=True, dsl=True)
L9 = only(hoy=True, senco=True, dsl=True)
WHOLE = only(senco=True, dsl=True)
LEADS = only(senco=True, dsl=True)
LEADS_POST = only(302, senco=True, dsl=True)
SESSIONS_POST = only(302, hoy=True, senco=True, dsl=True)
NOBODY = only()


def _h() -> Any:
    from tests.behaviour import helpers

    return helpers


def _incident(attr: str, by: str = "dsl") -> Any:
    def setup(w: Any) -> None:
        learner = getattr(w, attr)
        author = w.outsider if attr == "other_learner" else w.user(by)
        w.incident = _h().incident(learner, author)

    return setup


def _detention(attr: str) -> Any:
    def setup(w: Any) -> None:
        learner = getattr(w, attr)
        author = w.outsider if attr == "other_learner" else w.user("dsl")
        w.detention = _h().detention(learner, author)
        w.session = w.detention.session

    return setup


def _award(attr: str) -> Any:
    def setup(w: Any) -> None:
        w.award = _h().award(getattr(w, attr))

    return setup


def _pk(attr: str) -> Any:
    return lambda w: {"pk": getattr(w, attr).pk}


def _learner(attr: str) -> Any:
    return lambda w: {"pk": getattr(w, attr).pk}


def _group(w: Any) -> dict[str, Any]:
    return {"pk": w.learner9.reg_group_id}


def _other_group(w: Any) -> dict[str, Any]:
    from tests.factories import RegGroupFactory

    group = RegGroupFactory(year_group=w.other_learner.year_group, name="9Z")
    return {"pk": group.pk}


def _type(school_attr: str) -> Any:
    def kwargs(w: Any) -> dict[str, Any]:
        return {"pk": _h().positive(getattr(w, school_attr)).pk}

    return kwargs


def _detention_type(school_attr: str) -> Any:
    def kwargs(w: Any) -> dict[str, Any]:
        from behaviour.models import DetentionType

        return {"pk": DetentionType.objects.filter(school=getattr(w, school_attr)).first().pk}

    return kwargs


def _log_data(w: Any) -> dict[str, Any]:
    return {"learners": [w.learner9.pk], "kind": _h().positive(w.school).pk}


def _session_data(w: Any) -> dict[str, Any]:
    from behaviour.models import DetentionType

    kind = DetentionType.objects.get(school=w.school, name="Lunch detention")
    return {"kind": kind.pk, "date": _h().next_weekday(3).isoformat(), "room": "H1"}


CASES: list = [
    Case("behaviour:home", "members", MEMBERS),
    Case("behaviour:log", "own school class", MEMBERS, kwargs=_group),
    Case("behaviour:log", "another school's class", NOBODY, kwargs=_other_group),
    Case(
        "behaviour:log",
        "post a positive point",
        MEMBERS_POST,
        kwargs=_group,
        method="post",
        data=_log_data,
    ),
    Case("behaviour:incident-list", "members", MEMBERS),
    Case(
        "behaviour:incident-detail",
        "learner9, logged by the DSL",
        L9,
        kwargs=_pk("incident"),
        setup=_incident("learner9"),
    ),
    Case(
        "behaviour:incident-detail",
        "learner10, logged by the staff member",
        only(staff=True, senco=True, dsl=True),
        kwargs=_pk("incident"),
        setup=_incident("learner10", by="staff"),
    ),
    Case(
        "behaviour:incident-detail",
        "another school's",
        NOBODY,
        kwargs=_pk("incident"),
        setup=_incident("other_learner"),
    ),
    Case(
        "behaviour:incident-detention",
        "learner9",
        L9,
        kwargs=_pk("incident"),
        setup=_incident("learner9"),
    ),
    Case(
        "behaviour:incident-detention",
        "another school's",
        NOBODY,
        kwargs=_pk("incident"),
        setup=_incident("other_learner"),
    ),
    Case("behaviour:learner", "learner9", L9, kwargs=_learner("learner9")),
    Case("behaviour:learner", "learner10", WHOLE, kwargs=_learner("learner10")),
    Case("behaviour:learner", "another school's", NOBODY, kwargs=_learner("other_learner")),
    Case("behaviour:learner-detention", "learner9", L9, kwargs=_learner("learner9")),
    Case(
        "behaviour:learner-detention",
        "another school's",
        NOBODY,
        kwargs=_learner("other_learner"),
    ),
    Case("behaviour:settings", "leads", LEADS),
    Case(
        "behaviour:settings",
        "save the settings",
        LEADS_POST,
        method="post",
        data=lambda w: {
            "form": "settings",
            "leaderboard_enabled": "on",
            "milestones": "50, 100",
            "detention_notice_hours": "24",
        },
    ),
    Case("behaviour:type-edit", "own school", LEADS, kwargs=_type("school")),
    Case("behaviour:type-edit", "another school's", NOBODY, kwargs=_type("other_school")),
    Case("behaviour:detention-type-edit", "own school", LEADS, kwargs=_detention_type("school")),
    Case(
        "behaviour:detention-type-edit",
        "another school's",
        NOBODY,
        kwargs=_detention_type("other_school"),
    ),
    Case("behaviour:sessions", "members", MEMBERS),
    Case(
        "behaviour:sessions",
        "open a session",
        SESSIONS_POST,
        method="post",
        data=_session_data,
    ),
    Case(
        "behaviour:session-detail",
        "unsupervised session",
        L9,
        kwargs=_pk("session"),
        setup=_detention("learner9"),
    ),
    Case(
        "behaviour:session-detail",
        "another school's",
        NOBODY,
        kwargs=_pk("session"),
        setup=_detention("other_learner"),
    ),
    Case(
        "behaviour:detention-detail",
        "learner9",
        L9,
        kwargs=_pk("detention"),
        setup=_detention("learner9"),
    ),
    Case(
        "behaviour:detention-detail",
        "another school's",
        NOBODY,
        kwargs=_pk("detention"),
        setup=_detention("other_learner"),
    ),
    Case(
        "behaviour:detention-letter",
        "learner9",
        L9,
        kwargs=_pk("detention"),
        setup=_detention("learner9"),
    ),
    Case(
        "behaviour:detention-letter",
        "another school's",
        NOBODY,
        kwargs=_pk("detention"),
        setup=_detention("other_learner"),
    ),
    Case("behaviour:leaderboard", "members", MEMBERS),
    Case("behaviour:certificate", "learner9", L9, kwargs=_pk("award"), setup=_award("learner9")),
    Case(
        "behaviour:certificate",
        "another school's",
        NOBODY,
        kwargs=_pk("award"),
        setup=_award("other_learner"),
    ),
]
