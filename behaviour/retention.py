"""Behaviour's part in retention (pastoral/retention): a learner's behaviour
incidents, kept for the school's setting (years after the learner leaves)."""

from __future__ import annotations

from django.db.models import Count, Max

from behaviour.models import Incident
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


def incident_holdings(school_id: int, learner_ids: list[int] | None = None) -> dict[int, Holding]:
    rows = (
        Incident.objects.filter(school_id=school_id, **only(learner_ids))
        .values("learner_id")
        .annotate(n=Count("id"), last=Max("occurred_at"))
    )
    return {r["learner_id"]: Holding(r["n"], r["last"].date() if r["last"] else None) for r in rows}


def incident_dispose(scope: Scope, learner: Learner) -> Disposed:
    _, deleted = Incident.objects.filter(school=scope.school, learner=learner).delete()
    return Disposed(count=deleted.get("behaviour.Incident", 0))


def register() -> None:
    register_record_type(
        RecordType(
            key="behaviour",
            label="Behaviour records",
            description="Behaviour incidents (positive and negative).",
            basis=Basis.LEFT,
            default_years=None,
            safeguarding=False,
            holdings=incident_holdings,
            dispose=incident_dispose,
            order=35,
        )
    )
