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
        "other school",
        NOBODY,
        kwargs=lambda w: {"pk": w.job.pk},
        setup=_job("other_school"),
    ),
]
