"""SEND demo data for the demo school: an SEN record for each learner the MIS
marks E (EHC plan) or K (SEN support), some EHC plans with an annual review in
progress, so that the SENCO's queue (/caseload/send/) shows reviews due, steps
coming up and a step overdue. Deterministic from ctx.rng."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from caseload.models import Plan
from caseload.models.send import NEED_TYPES, STEP_OFFSETS, EhcpReview, ReviewStep, SenRecord
from caseload.services.send import _refresh_next, review_due_by
from pastoral.models import Learner, Role

PROVISION = [
    "Small-group phonics three times a week; reading buddy.",
    "Speech and language therapy weekly; visual timetable in every lesson.",
    "Emotional literacy support (ELSA) weekly; a time-out card.",
    "Laptop for extended writing; 25% extra time in tests.",
    "Movement breaks; a quiet space at lunch; key adult check-in each morning.",
]
OUTCOMES = [
    "Reads fluently at age-related expectations by the end of the year.",
    "Asks for help in lessons without prompting.",
    "Manages transitions between lessons without adult support.",
    "Writes a paragraph independently.",
]


def seed(ctx: Any) -> None:
    rng = random.Random(f"send-{ctx.rng.random()}")
    school = ctx.demo_school
    senco = ctx.demo_users.get(Role.SENCO)
    today: dt.date = ctx.today
    learners = list(
        Learner.objects.filter(school=school, sen_status__in=["E", "K"]).order_by("pk")[:40]
    )
    codes = [c for c in NEED_TYPES if c != "NSA"]
    plans = dict(
        Plan.objects.filter(learner__in=learners, type=Plan.Type.SEN_SUPPORT).values_list(
            "learner_id", "pk"
        )
    )
    for i, learner in enumerate(learners):
        ehcp = learner.sen_status == "E"
        primary = rng.choice(codes)
        record = SenRecord.objects.create(
            school=school,
            learner=learner,
            status=SenRecord.Status.EHCP if ehcp else SenRecord.Status.SUPPORT,
            primary_need=primary,
            secondary_need=rng.choice([""] + [c for c in codes if c != primary]),
            provision=rng.choice(PROVISION),
            outcomes=rng.choice(OUTCOMES),
            # Spread so that some reviews are due soon, one is overdue.
            ehcp_issued_on=today - dt.timedelta(days=200 + 25 * (i % 8)) if ehcp else None,
            created_by=senco,
        )
        if learner.pk in plans:
            record.plans.add(plans[learner.pk])
        if ehcp and i % 3 == 0:
            # An annual review under way: advice requested, the meeting to come.
            meeting = today + dt.timedelta(days=rng.randint(5, 20))
            review = EhcpReview.objects.create(
                record=record,
                meeting_on=meeting,
                due_by=review_due_by(record, learner) or meeting,
                created_by=senco,
            )
            for order, (kind, offset) in enumerate(STEP_OFFSETS):
                due = meeting + dt.timedelta(days=offset)
                done = kind == ReviewStep.Kind.ADVICE and order == 0 and i % 2 == 0
                ReviewStep.objects.create(
                    review=review,
                    kind=kind,
                    order=order,
                    due_on=due,
                    done_on=due if done and due <= today else None,
                    done_by=senco if done and due <= today else None,
                )
        _refresh_next(record, learner)


def seed_plan_incidents(ctx: Any) -> None:
    """Behaviour plans and PSPs of the demo school linked to up to three of the
    learner's negative incidents from before the plan started (issue 15)."""
    from behaviour.models import Incident, Kind
    from caseload.models import PlanIncident

    school = ctx.demo_school
    plans = list(
        Plan.objects.filter(school=school, type__in=[Plan.Type.BEHAVIOUR, Plan.Type.PSP])
        .order_by("pk")
        .values_list("pk", "learner_id", "start")
    )
    learner_ids = {learner_id for _, learner_id, _ in plans}
    incidents: dict[int, list[tuple[int, dt.date]]] = {}
    for pk, learner_id, when in (
        Incident.objects.filter(school=school, kind=Kind.NEGATIVE, learner_id__in=learner_ids)
        .order_by("-occurred_at")
        .values_list("pk", "learner_id", "occurred_at")
    ):
        incidents.setdefault(learner_id, []).append((pk, when.date()))
    links = []
    for plan_pk, learner_id, start in plans:
        before = [pk for pk, day in incidents.get(learner_id, []) if day <= start][:3]
        links += [PlanIncident(plan_id=plan_pk, incident_id=pk) for pk in before]
    PlanIncident.objects.bulk_create(links, ignore_conflicts=True)
