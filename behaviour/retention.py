"""Behaviour's part in retention (pastoral/retention): a learner's behaviour
incidents, removals from class and isolation places, kept for the school's
setting (years after the learner leaves)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Max
from django.utils import timezone

from behaviour.models import Incident, IsolationPlace, Removal
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
    """Incidents and removals per learner, in one query (a UNION ALL)."""
    incidents = (
        Incident.objects.filter(school_id=school_id, **only(learner_ids))
        .values("learner_id")
        .annotate(n=Count("id"), last=Max("occurred_at"))
        .order_by()
    )
    removals = (
        Removal.objects.filter(school_id=school_id, **only(learner_ids))
        .values("learner_id")
        .annotate(n=Count("id"), last=Max("removed_at"))
        .order_by()
    )
    found: dict[int, Holding] = {}
    for r in incidents.union(removals, all=True):
        last = _as_date(r["last"])
        held = found.get(r["learner_id"])
        if held is None:
            found[r["learner_id"]] = Holding(r["n"], last)
        else:
            dates = [d for d in (held.last_on, last) if d is not None]
            found[r["learner_id"]] = Holding(held.count + r["n"], max(dates, default=None))
    return found


def _as_date(value: Any) -> dt.date | None:
    # Some backends hand back UNION columns without the datetime converter.
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return dt.date.fromisoformat(str(value)[:10])


def incident_dispose(scope: Scope, learner: Learner) -> Disposed:
    count = 0
    for model in (IsolationPlace, Removal, Incident):
        _, deleted = model.objects.filter(school=scope.school, learner=learner).delete()
        count += deleted.get(model._meta.label, 0)
    return Disposed(count=count)


def register() -> None:
    register_record_type(
        RecordType(
            key="behaviour",
            label="Behaviour records",
            description="Behaviour incidents (positive and negative), removals from class "
            "and isolation places.",
            basis=Basis.LEFT,
            default_years=None,
            safeguarding=False,
            holdings=incident_holdings,
            dispose=incident_dispose,
            order=35,
        )
    )
