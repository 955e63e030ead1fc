"""Permission matrix cases for suspensions and permanent exclusions.

The head of year (learner9 is in their year), the SENCO and the DSL team record
and see suspensions; staff, the support officer and the administrator do not
(behaviour/selectors/exclusions.py says why); another school's: 404 for all.
"""

from __future__ import annotations

from typing import Any

from tests.matrix import Case, only

HANDLERS = only(hoy=True, senco=True, dsl=True)
HANDLERS_POST = only(302, hoy=True, senco=True, dsl=True)
WHOLE = only(senco=True, dsl=True)
NOBODY = only()


def _h() -> Any:
    from tests.behaviour import exclusion_helpers

    return exclusion_helpers


def _exclusion(attr: str) -> Any:
    def setup(w: Any) -> None:
        learner = getattr(w, attr)
        author = w.outsider if attr == "other_learner" else w.user("dsl")
        w.exclusion = _h().exclusion(learner, author)
        w.notice = w.exclusion.notices.get()

    return setup


def _pk(attr: str) -> Any:
    return lambda w: {"pk": getattr(w, attr).pk}


def _record_data(w: Any) -> dict[str, Any]:
    return {
        "kind": "suspension",
        "reason": "VA",
        "start_date": _h().school_day(w.school.pk).isoformat(),
        "start_session": "AM",
        "sessions": "2",
        "decided_by": "Mrs Head",
    }


def _meeting_data(w: Any) -> dict[str, Any]:
    return {
        "on": _h().school_day(w.school.pk, n=3).isoformat(),
        "with_user": w.user("hoy").pk,
    }


def _sent_data(w: Any) -> dict[str, Any]:
    from django.utils import timezone

    return {"notice": w.notice.pk, "sent_on": timezone.localdate().isoformat(), "note": "e-mail"}


CASES: list = [
    Case("behaviour:exclusion-list", "handlers", HANDLERS),
    Case("behaviour:exclusion-list", "export", HANDLERS, query="export=csv"),
    Case("behaviour:exclusion-notices", "handlers", HANDLERS),
    Case(
        "behaviour:exclusion-notices",
        "record a notice sent (learner9)",
        HANDLERS_POST,
        method="post",
        setup=_exclusion("learner9"),
        data=_sent_data,
    ),
    Case(
        "behaviour:exclusion-notices",
        "record another school's notice sent",
        NOBODY,
        method="post",
        setup=_exclusion("other_learner"),
        data=_sent_data,
    ),
    Case("behaviour:exclusion-mismatches", "handlers", HANDLERS),
    Case("behaviour:exclusion-create", "learner9", HANDLERS, kwargs=_pk("learner9")),
    Case("behaviour:exclusion-create", "learner10", WHOLE, kwargs=_pk("learner10")),
    Case("behaviour:exclusion-create", "another school's", NOBODY, kwargs=_pk("other_learner")),
    Case(
        "behaviour:exclusion-create",
        "record a suspension of learner9",
        HANDLERS_POST,
        kwargs=_pk("learner9"),
        method="post",
        data=_record_data,
    ),
    Case(
        "behaviour:exclusion-detail",
        "learner9",
        HANDLERS,
        kwargs=_pk("exclusion"),
        setup=_exclusion("learner9"),
    ),
    Case(
        "behaviour:exclusion-detail",
        "learner10",
        WHOLE,
        kwargs=_pk("exclusion"),
        setup=_exclusion("learner10"),
    ),
    Case(
        "behaviour:exclusion-detail",
        "another school's",
        NOBODY,
        kwargs=_pk("exclusion"),
        setup=_exclusion("other_learner"),
    ),
    Case(
        "behaviour:exclusion-detail",
        "schedule the reintegration meeting",
        HANDLERS_POST,
        kwargs=_pk("exclusion"),
        setup=_exclusion("learner9"),
        method="post",
        data=_meeting_data,
    ),
    Case(
        "behaviour:exclusion-letter",
        "learner9",
        HANDLERS,
        kwargs=_pk("exclusion"),
        setup=_exclusion("learner9"),
    ),
    Case(
        "behaviour:exclusion-letter",
        "another school's",
        NOBODY,
        kwargs=_pk("exclusion"),
        setup=_exclusion("other_learner"),
    ),
]
