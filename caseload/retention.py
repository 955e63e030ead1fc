"""Caseload's part in retention (pastoral/retention): SEN records (date of
birth + 31 years), general pastoral casework (plans and logged contacts: the
school's setting, years after the learner leaves), and "a subject access
request is open" as a blocker of every disposal."""

from __future__ import annotations

from django.db.models import Count, Max

from caseload.models import ContactLog, Plan, SubjectAccessRequest
from pastoral.access import Scope
from pastoral.models import Learner
from pastoral.retention.registry import (
    Basis,
    Disposed,
    Holding,
    RecordType,
    only,
    register_blocker,
    register_record_type,
)

SEN = Plan.Type.SEN_SUPPORT


def _holdings(rows: object) -> dict[int, Holding]:
    return {
        r["learner_id"]: Holding(r["n"], r["last"].date() if r["last"] else None)
        for r in rows  # type: ignore[attr-defined]
    }


def sen_holdings(school_id: int, learner_ids: list[int] | None = None) -> dict[int, Holding]:
    """SEN support plans and SEN records with their EHCP reviews (two queries)."""
    from caseload.models import SenRecord

    out: dict[int, Holding] = {}
    plans = (
        Plan.objects.filter(school_id=school_id, type=SEN, **only(learner_ids))
        .values("learner_id")
        .annotate(n=Count("id"), last=Max("updated_at"))
    )
    records = (
        SenRecord.objects.filter(school_id=school_id, **only(learner_ids))
        .values("learner_id")
        .annotate(n=Count("id"), last=Max("updated_at"))
    )
    for rows in (plans, records):
        for learner_id, holding in _holdings(rows).items():
            had = out.get(learner_id)
            if had is None:
                out[learner_id] = holding
            else:
                dates = [d for d in (had.last_on, holding.last_on) if d]
                out[learner_id] = Holding(had.count + holding.count, max(dates, default=None))
    return out


def sen_dispose(scope: Scope, learner: Learner) -> Disposed:
    from caseload.models import SenRecord

    _, deleted = Plan.objects.filter(school=scope.school, learner=learner, type=SEN).delete()
    _, records = SenRecord.objects.filter(school=scope.school, learner=learner).delete()
    return Disposed(count=deleted.get("caseload.Plan", 0) + records.get("caseload.SenRecord", 0))


def pastoral_holdings(school_id: int, learner_ids: list[int] | None = None) -> dict[int, Holding]:
    """Plans other than SEN, and logged contacts (two queries)."""
    out: dict[int, Holding] = {}
    plans = (
        Plan.objects.filter(school_id=school_id, **only(learner_ids))
        .exclude(type=SEN)
        .values("learner_id")
        .annotate(n=Count("id"), last=Max("updated_at"))
    )
    contacts = (
        ContactLog.objects.filter(school_id=school_id, **only(learner_ids))
        .values("learner_id")
        .annotate(n=Count("id"), last=Max("when"))
    )
    for rows in (plans, contacts):
        for learner_id, holding in _holdings(rows).items():
            had = out.get(learner_id)
            if had is None:
                out[learner_id] = holding
            else:
                dates = [d for d in (had.last_on, holding.last_on) if d]
                out[learner_id] = Holding(had.count + holding.count, max(dates, default=None))
    return out


def pastoral_dispose(scope: Scope, learner: Learner) -> Disposed:
    _, plans = Plan.objects.filter(school=scope.school, learner=learner).exclude(type=SEN).delete()
    _, contacts = ContactLog.objects.filter(school=scope.school, learner=learner).delete()
    return Disposed(count=plans.get("caseload.Plan", 0) + contacts.get("caseload.ContactLog", 0))


def open_sars(school_id: int, learner_ids: list[int]) -> dict[int, str]:
    """Learners with a subject access request not yet released (one query)."""
    rows = SubjectAccessRequest.objects.filter(
        school_id=school_id, learner_id__in=learner_ids, released_at__isnull=True
    ).values_list("learner_id", "pk")
    return {learner_id: f"subject access request SAR-{pk} is open" for learner_id, pk in rows}


def register() -> None:
    register_record_type(
        RecordType(
            key="sen",
            label="SEN records",
            description="SEN records and EHCP annual reviews; SEN support plans with their "
            "targets, reviews and versions.",
            basis=Basis.BIRTH,
            default_years=31,
            safeguarding=False,
            holdings=sen_holdings,
            dispose=sen_dispose,
            source="IRMS toolkit: SEN files, date of birth + 31 years",
            order=20,
        )
    )
    register_record_type(
        RecordType(
            key="pastoral",
            label="General pastoral records",
            description="Pastoral, behaviour, attendance and return plans; logged contacts.",
            basis=Basis.LEFT,
            default_years=None,
            safeguarding=False,
            holdings=pastoral_holdings,
            dispose=pastoral_dispose,
            order=40,
        )
    )
    register_blocker("sar", open_sars)
