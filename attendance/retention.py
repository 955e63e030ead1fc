"""Attendance's part in retention (pastoral/retention): a learner's register
entries (marks and their change history), kept 6 years from the last entry
(IRMS toolkit), then disposed of."""

from __future__ import annotations

from django.db.models import Count, Max

from attendance.models import Mark, MarkChange
from pastoral.access import Scope
from pastoral.models import Learner
from pastoral.retention.registry import (
    Basis,
    Disposed,
    Holding,
    RecordType,
    only,
    register_record_type,
)


def register_holdings(school_id: int, learner_ids: list[int] | None = None) -> dict[int, Holding]:
    rows = (
        Mark.objects.filter(school_id=school_id, **only(learner_ids))
        .values("learner_id")
        .annotate(n=Count("id"), last=Max("date"))
    )
    return {r["learner_id"]: Holding(r["n"], r["last"]) for r in rows}


def register_dispose(scope: Scope, learner: Learner) -> Disposed:
    """The learner's marks and their change history (all older than the rule,
    since the last entry is)."""
    count, _ = Mark.objects.filter(school=scope.school, learner=learner).delete()
    MarkChange.objects.filter(school=scope.school, learner=learner).delete()
    return Disposed(count=count)


def register() -> None:
    register_record_type(
        RecordType(
            key="attendance",
            label="Attendance register entries",
            description="Attendance marks and their change history.",
            basis=Basis.LAST_ENTRY,
            default_years=6,
            safeguarding=False,
            holdings=register_holdings,
            dispose=register_dispose,
            source="IRMS toolkit: attendance registers, 6 years from the last entry",
            order=30,
        )
    )
