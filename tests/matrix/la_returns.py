"""Local-authority returns URLs × the six roles (attendance/la_returns_views.py).

The queues are attendance work (Cap.RECORD_CONTACTS, ACCESS.md "record
sessions and contacts"): the support officer for their caseload, the head of
year for their years, the SENCO and DSLs for the school; staff and the
administrator see none of it. The thresholds are a school setting (the
administrator). learner9 is on the support officer's caseload and in the head
of year's year; learner10 in neither; other_learner in another school.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.matrix import Case, only

CASE = only(support=True, hoy=True, senco=True, dsl=True)
WHOLE_SCHOOL = only(senco=True, dsl=True)
NOBODY = only()
CASE_POST = only(302, support=True, hoy=True, senco=True, dsl=True)
ADMIN = only(admin=True)


def _run(learner_attr: str) -> Any:
    def setup(w: Any) -> None:
        from tests.attendance.la_helpers import absent_run

        w.run = absent_run(getattr(w, learner_attr), 10)
        w.run_learner = getattr(w, learner_attr)

    return setup


def _run_kwargs(w: Any) -> dict[str, Any]:
    return {"pk": w.run_learner.pk, "start": w.run[0].isoformat()}


def _notified(learner_attr: str, school_attr: str = "school") -> Any:
    def setup(w: Any) -> None:
        from attendance.models import LaAbsenceNotification

        learner = getattr(w, learner_attr)
        today = dt.date.today()
        # get_or_create: the role walk runs every setup in one world, and two
        # cases may each notify the same learner's run.
        w.notification, _ = LaAbsenceNotification.objects.get_or_create(
            learner=learner,
            run_start=today - dt.timedelta(days=16),
            defaults={
                "school": getattr(w, school_attr),
                "run_end": today,
                "school_days": 12,
                "notified_on": today,
                "how": "email",
                "la_reference": "EWS-1",
                "notified_by": w.outsider if school_attr == "other_school" else w.user("senco"),
            },
        )

    return setup


def _roll_change(learner_attr: str, school_attr: str = "school") -> Any:
    def setup(w: Any) -> None:
        from attendance.models import RollChange

        learner = getattr(w, learner_attr)
        today = dt.date.today()
        w.roll_change = RollChange.objects.create(
            school=getattr(w, school_attr),
            learner=learner,
            kind="deletion",
            date=today,
            ground="moved_away",
            due_by=today + dt.timedelta(days=7),
            created_by=w.outsider if school_attr == "other_school" else w.user("senco"),
        )

    return setup


def _pk(attr: str) -> Any:
    return lambda w: {"pk": getattr(w, attr).pk}


def _learner(attr: str) -> Any:
    return lambda w: {"pk": getattr(w, attr).pk}


_NOTIFY = {"notified_on": dt.date.today().isoformat(), "how": "email", "la_reference": "R1"}
_ROLL = {"kind": "deletion", "date": dt.date.today().isoformat(), "ground": "moved_away"}

CASES = [
    Case("attendance:la-absence-queue", "list", CASE),
    Case("attendance:la-absence-queue", "export", CASE, query="export=csv"),
    Case(
        "attendance:la-absence-notify", "in scope", CASE, kwargs=_run_kwargs, setup=_run("learner9")
    ),
    Case(
        "attendance:la-absence-notify",
        "learner10",
        WHOLE_SCHOOL,
        kwargs=_run_kwargs,
        setup=_run("learner10"),
    ),
    Case(
        "attendance:la-absence-notify",
        "other school",
        NOBODY,
        kwargs=_run_kwargs,
        setup=_run("other_learner"),
    ),
    Case(
        "attendance:la-absence-notify",
        "post",
        CASE_POST,
        kwargs=_run_kwargs,
        setup=_run("learner9"),
        method="post",
        data=lambda w: _NOTIFY,
    ),
    Case(
        "attendance:la-absence-notify",
        "post, other school",
        NOBODY,
        kwargs=_run_kwargs,
        setup=_run("other_learner"),
        method="post",
        data=lambda w: _NOTIFY,
    ),
    Case("attendance:la-absence-notified", "list", CASE, setup=_notified("learner9")),
    Case(
        "attendance:la-absence-notified",
        "export",
        CASE,
        setup=_notified("learner9"),
        query="export=xlsx",
    ),
    Case(
        "attendance:la-absence-notice",
        "in scope",
        CASE,
        kwargs=_pk("notification"),
        setup=_notified("learner9"),
    ),
    Case(
        "attendance:la-absence-notice",
        "learner10",
        WHOLE_SCHOOL,
        kwargs=_pk("notification"),
        setup=_notified("learner10"),
    ),
    Case(
        "attendance:la-absence-notice",
        "other school",
        NOBODY,
        kwargs=_pk("notification"),
        setup=_notified("other_learner", "other_school"),
    ),
    Case("attendance:roll-changes", "due", CASE, setup=_roll_change("learner9")),
    Case("attendance:roll-changes", "all", CASE, query="status=", setup=_roll_change("learner9")),
    Case("attendance:roll-changes", "export", CASE, query="export=csv"),
    Case("attendance:roll-change-create", "in scope", CASE, kwargs=_learner("learner9")),
    Case("attendance:roll-change-create", "learner10", WHOLE_SCHOOL, kwargs=_learner("learner10")),
    Case("attendance:roll-change-create", "other school", NOBODY, kwargs=_learner("other_learner")),
    Case(
        "attendance:roll-change-create",
        "post",
        CASE_POST,
        kwargs=_learner("learner9"),
        method="post",
        data=lambda w: _ROLL,
    ),
    Case(
        "attendance:roll-change-create",
        "post, other school",
        NOBODY,
        kwargs=_learner("other_learner"),
        method="post",
        data=lambda w: _ROLL,
    ),
    Case(
        "attendance:roll-change-detail",
        "in scope",
        CASE,
        kwargs=_pk("roll_change"),
        setup=_roll_change("learner9"),
    ),
    Case(
        "attendance:roll-change-detail",
        "learner10",
        WHOLE_SCHOOL,
        kwargs=_pk("roll_change"),
        setup=_roll_change("learner10"),
    ),
    Case(
        "attendance:roll-change-detail",
        "other school",
        NOBODY,
        kwargs=_pk("roll_change"),
        setup=_roll_change("other_learner", "other_school"),
    ),
    Case(
        "attendance:roll-change-detail",
        "post",
        CASE_POST,
        kwargs=_pk("roll_change"),
        setup=_roll_change("learner9"),
        method="post",
        data=lambda w: _NOTIFY,
    ),
    Case(
        "attendance:roll-change-detail",
        "post, other school",
        NOBODY,
        kwargs=_pk("roll_change"),
        setup=_roll_change("other_learner", "other_school"),
        method="post",
        data=lambda w: _NOTIFY,
    ),
    Case("attendance:penalty-threshold", "list", CASE),
    Case("attendance:penalty-threshold", "export", CASE, query="export=csv"),
    Case("attendance:la-settings", "form", ADMIN),
    Case(
        "attendance:la-settings",
        "post",
        only(302, admin=True),
        method="post",
        data=lambda w: {
            "la_consecutive_days": "12",
            "penalty_sessions": "10",
            "penalty_weeks": "10",
        },
    ),
    Case(
        "attendance:la-settings",
        "add the default letters",
        only(302, admin=True),
        method="post",
        data=lambda w: {"install_letters": "1"},
    ),
]
