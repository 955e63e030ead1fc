"""Attendance URLs × the six roles.

learner9 is in the head of year's year and on the support officer's
caseload; learner10 is in neither; other_learner is in another school.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.matrix import Case, only

CASE = only(support=True, hoy=True, senco=True, dsl=True)
WHOLE_SCHOOL = only(senco=True, dsl=True)
TARGETS = only(support=True, hoy=True, senco=True)
ADMIN = only(admin=True)
NOBODY = only()
# A POST that succeeds redirects.
CASE_POST = only(302, support=True, hoy=True, senco=True, dsl=True)
WHOLE_SCHOOL_POST = only(302, senco=True, dsl=True)


def _l9(w: Any) -> dict[str, Any]:
    return {"pk": w.learner9.pk}


def _l10(w: Any) -> dict[str, Any]:
    return {"pk": w.learner10.pk}


def _other(w: Any) -> dict[str, Any]:
    return {"pk": w.other_learner.pk}


def _target(learner_attr: str) -> Any:
    def setup(w: Any) -> None:
        from attendance.models import Target

        learner = getattr(w, learner_attr)
        w.target = Target.objects.create(
            school=learner.school,
            learner=learner,
            target_percent=95,
            baseline_percent=88,
            start=dt.date.today() - dt.timedelta(days=14),
            review_date=dt.date.today() + dt.timedelta(days=28),
            owner=w.user("senco"),
            created_by=w.user("senco"),
        )

    return setup


def _other_school_target(w: Any) -> None:
    """A target for world.other_learner, set by the other school's DSL (world.outsider)."""
    from attendance.models import Target

    w.target = Target.objects.create(
        school=w.other_school,
        learner=w.other_learner,
        target_percent=95,
        baseline_percent=88,
        start=dt.date.today() - dt.timedelta(days=14),
        review_date=dt.date.today() + dt.timedelta(days=28),
        owner=w.outsider,
        created_by=w.outsider,
    )


def _job(school_attr: str) -> Any:
    def setup(w: Any) -> None:
        from attendance.models import ImportJob

        w.job = ImportJob.objects.create(
            school=getattr(w, school_attr), filename="marks.csv", status=ImportJob.Status.DONE
        )

    return setup


def _preview_job(school_attr: str) -> Any:
    """An uploaded marks file awaiting confirmation (the school's calendar set up)."""

    def setup(w: Any) -> None:
        from attendance.models import ImportJob
        from tests.attendance.helpers import calendar

        school = getattr(w, school_attr)
        calendar(school)
        learner = w.learner9 if school_attr == "school" else w.other_learner
        w.job = ImportJob.objects.create(
            school=school,
            filename="marks.csv",
            status=ImportJob.Status.PREVIEW,
            content=f"UPN,Date,Session,Code\n{learner.upn},2025-11-03,AM,/\n",
        )

    return setup


def _upload(w: Any) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = f"UPN,Date,Session,Code\n{w.learner9.upn},2025-11-03,AM,/\n"
    return SimpleUploadedFile("marks.csv", body.encode(), content_type="text/csv")


def _future() -> str:
    return (dt.date.today() + dt.timedelta(days=30)).isoformat()


CASES = [
    Case("attendance:dashboard", "year to date", CASE),
    Case("attendance:dashboard", "date range", CASE, query="start=2025-09-01&end=2026-07-20"),
    Case("attendance:learner-list", "all", CASE),
    Case("attendance:learner-list", "persistent absence", CASE, query="flag=pa"),
    Case("attendance:learner-list", "below target", CASE, query="flag=below_target"),
    Case("attendance:learner", "in HoY year and caseload", CASE, kwargs=_l9),
    Case("attendance:learner", "outside year and caseload", WHOLE_SCHOOL, kwargs=_l10),
    Case("attendance:learner", "other school", NOBODY, kwargs=_other),
    Case("attendance:target-create", "in scope", TARGETS, kwargs=_l9),
    Case("attendance:target-create", "learner10", only(senco=True), kwargs=_l10),
    Case("attendance:target-create", "other school", NOBODY, kwargs=_other),
    Case(
        "attendance:target-create",
        "post",
        only(302, support=True, hoy=True, senco=True),
        kwargs=_l9,
        method="post",
        data=lambda w: {
            "target_percent": "95",
            "review_date": _future(),
            "owner": w.user("senco").pk,
        },
    ),
    Case(
        "attendance:target-review",
        "in scope",
        TARGETS,
        kwargs=lambda w: {"pk": w.target.pk},
        setup=_target("learner9"),
    ),
    Case(
        "attendance:target-review",
        "learner10",
        only(senco=True),
        kwargs=lambda w: {"pk": w.target.pk},
        setup=_target("learner10"),
    ),
    Case(
        "attendance:target-review",
        "post",
        only(302, support=True, hoy=True, senco=True),
        kwargs=lambda w: {"pk": w.target.pk},
        setup=_target("learner9"),
        method="post",
        data=lambda w: {"outcome": "progress", "next_review_date": _future()},
    ),
    Case(
        "attendance:target-review",
        "other school",
        NOBODY,
        kwargs=lambda w: {"pk": w.target.pk},
        setup=_other_school_target,
    ),
    Case(
        "attendance:target-review",
        "other school, post",
        NOBODY,
        kwargs=lambda w: {"pk": w.target.pk},
        setup=_other_school_target,
        method="post",
        data=lambda w: {"outcome": "progress", "next_review_date": _future()},
    ),
    Case("attendance:intervention-create", "in scope", CASE, kwargs=_l9),
    Case("attendance:intervention-create", "learner10", WHOLE_SCHOOL, kwargs=_l10),
    Case("attendance:intervention-create", "other school", NOBODY, kwargs=_other),
    Case(
        "attendance:intervention-create",
        "post",
        CASE_POST,
        kwargs=_l9,
        method="post",
        data=lambda w: {
            "kind": "meeting",
            "date": dt.date.today().isoformat(),
            "owner": w.user("senco").pk,
        },
    ),
    Case("attendance:return-plan-create", "in scope", CASE, kwargs=_l9),
    Case("attendance:return-plan-create", "other school", NOBODY, kwargs=_other),
    Case(
        "attendance:return-plan-create",
        "post",
        WHOLE_SCHOOL_POST,
        kwargs=_l10,
        method="post",
        data=lambda w: {
            "absent_from": "2025-10-01",
            "return_date": dt.date.today().isoformat(),
            "reason": "Illness",
            "support": "Meet at the gate",
            "review_date": _future(),
            "owner": w.user("senco").pk,
        },
    ),
    Case("attendance:today", "list", CASE),
    Case("attendance:quick-call", "in scope", CASE_POST, kwargs=_l9, method="post"),
    Case("attendance:quick-call", "learner10", WHOLE_SCHOOL_POST, kwargs=_l10, method="post"),
    Case("attendance:quick-call", "other school", NOBODY, kwargs=_other, method="post"),
    Case("attendance:import", "form", ADMIN),
    Case(
        "attendance:import",
        "upload",
        only(302, admin=True),
        method="post",
        data=lambda w: {"file": _upload(w)},
    ),
    Case(
        "attendance:import-detail",
        "own school",
        ADMIN,
        kwargs=lambda w: {"pk": w.job.pk},
        setup=_job("school"),
    ),
    Case(
        "attendance:import-detail",
        "preview",
        ADMIN,
        kwargs=lambda w: {"pk": w.job.pk},
        setup=_preview_job("school"),
    ),
    Case(
        "attendance:import-confirm",
        "stale preview",
        only(422, admin=True),
        method="post",
        kwargs=lambda w: {"pk": w.job.pk},
        setup=_preview_job("school"),
        data=lambda w: {"fingerprint": "not-the-preview"},
    ),
    Case(
        "attendance:import-confirm",
        "other school",
        NOBODY,
        method="post",
        kwargs=lambda w: {"pk": w.job.pk},
        setup=_preview_job("other_school"),
        data=lambda w: {"fingerprint": ""},
    ),
    Case(
        "attendance:import-detail",
        "other school",
        NOBODY,
        kwargs=lambda w: {"pk": w.job.pk},
        setup=_job("other_school"),
    ),
]


# ---------------------------------------------------------------------------
# Part-time timetables


def _part_time(learner_attr: str, *, school_attr: str = "school") -> Any:
    """A 4-week part-time timetable for the learner (another school's: its DSL's)."""

    def setup(w: Any) -> None:
        from attendance.models import PartTimeSession, PartTimeTimetable

        learner = getattr(w, learner_attr)
        owner = w.outsider if school_attr == "other_school" else w.user("senco")
        today = dt.date.today()
        w.part_time = PartTimeTimetable.objects.create(
            school=getattr(w, school_attr),
            learner=learner,
            reason="Phased return after surgery",
            start=today - dt.timedelta(days=7),
            end=today + dt.timedelta(days=20),
            agreed_by="Mrs Parent",
            agreed_on=today - dt.timedelta(days=8),
            agreement_method="meeting",
            return_plan="Add a morning each week",
            review_date=today + dt.timedelta(days=7),
            owner=owner,
            created_by=owner,
        )
        PartTimeSession.objects.create(timetable=w.part_time, weekday=5, session="PM")

    return setup


def _pt(w: Any) -> dict[str, Any]:
    return {"pk": w.part_time.pk}


def _part_time_post(w: Any) -> dict[str, Any]:
    today = dt.date.today()
    return {
        "for_behaviour": "no",
        "reason": "Anxiety: a phased return agreed with CAMHS",
        "start": today.isoformat(),
        "end": (today + dt.timedelta(days=27)).isoformat(),
        "absent_sessions": ["1-PM", "5-PM"],
        "agreed_by": "Mr Parent",
        "agreed_on": today.isoformat(),
        "agreement_method": "meeting",
        "return_plan": "Monday afternoons back in week 3",
        "review_date": (today + dt.timedelta(days=14)).isoformat(),
        "owner": w.user("senco").pk,
    }


CASES += [
    Case("attendance:settings", "form", ADMIN),
    Case(
        "attendance:settings",
        "post",
        only(302, admin=True),
        method="post",
        data=lambda w: {"part_time_max_weeks": "8"},
    ),
    Case("attendance:part-time-list", "active", CASE),
    Case("attendance:part-time-list", "all", CASE, query="status="),
    Case("attendance:part-time-list", "export", CASE, query="export=csv"),
    Case("attendance:part-time-reconciliation", "list", CASE),
    Case("attendance:part-time-reconciliation", "export", CASE, query="export=xlsx"),
    Case("attendance:part-time-create", "in scope", CASE, kwargs=_l9),
    Case("attendance:part-time-create", "learner10", WHOLE_SCHOOL, kwargs=_l10),
    Case("attendance:part-time-create", "other school", NOBODY, kwargs=_other),
    Case(
        "attendance:part-time-create",
        "post",
        CASE_POST,
        kwargs=_l9,
        method="post",
        data=_part_time_post,
    ),
    Case(
        "attendance:part-time-create",
        "post, other school",
        NOBODY,
        kwargs=_other,
        method="post",
        data=_part_time_post,
    ),
    Case("attendance:part-time-detail", "in scope", CASE, kwargs=_pt, setup=_part_time("learner9")),
    Case(
        "attendance:part-time-detail",
        "learner10",
        WHOLE_SCHOOL,
        kwargs=_pt,
        setup=_part_time("learner10"),
    ),
    Case(
        "attendance:part-time-detail",
        "other school",
        NOBODY,
        kwargs=_pt,
        setup=_part_time("other_learner", school_attr="other_school"),
    ),
    Case(
        "attendance:part-time-la-notice",
        "in scope",
        CASE,
        kwargs=_pt,
        setup=_part_time("learner9"),
    ),
    Case(
        "attendance:part-time-la-notice",
        "other school",
        NOBODY,
        kwargs=_pt,
        setup=_part_time("other_learner", school_attr="other_school"),
    ),
    Case(
        "attendance:part-time-agreement",
        "no scan",
        NOBODY,
        kwargs=_pt,
        setup=_part_time("learner9"),
    ),
    Case(
        "attendance:part-time-agreement",
        "other school",
        NOBODY,
        kwargs=_pt,
        setup=_part_time("other_learner", school_attr="other_school"),
    ),
    Case(
        "attendance:part-time-la-notified",
        "post",
        CASE_POST,
        kwargs=_pt,
        setup=_part_time("learner9"),
        method="post",
        data=lambda w: {"notified_on": dt.date.today().isoformat(), "how": "email"},
    ),
    Case(
        "attendance:part-time-la-notified",
        "other school",
        NOBODY,
        kwargs=_pt,
        setup=_part_time("other_learner", school_attr="other_school"),
        method="post",
        data=lambda w: {"notified_on": dt.date.today().isoformat(), "how": "email"},
    ),
    Case(
        "attendance:part-time-review",
        "post",
        CASE_POST,
        kwargs=_pt,
        setup=_part_time("learner9"),
        method="post",
        data=lambda w: {"notes": "Going well"},
    ),
    Case(
        "attendance:part-time-review",
        "learner10",
        only(302, senco=True, dsl=True),
        kwargs=_pt,
        setup=_part_time("learner10"),
        method="post",
        data=lambda w: {"notes": "Going well"},
    ),
    Case(
        "attendance:part-time-review",
        "other school",
        NOBODY,
        kwargs=_pt,
        setup=_part_time("other_learner", school_attr="other_school"),
        method="post",
        data=lambda w: {"notes": "Going well"},
    ),
]
