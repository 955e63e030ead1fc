"""Behaviour in the caseload reports (transfer report, caseload review).

The caseload app reads these builders (ARCHITECTURE: caseload may read
behaviour); they return `pastoral.reports.printing.Section`s and read in a
fixed number of queries. This school year runs from 1 September. Behaviour
records are not safeguarding records: nothing here reads a concern.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Q, Sum
from django.utils import timezone

from behaviour.access import sees_learner
from behaviour.models import Detention, Exclusion, Incident, Kind, Removal
from pastoral.access import Scope
from pastoral.models import Learner
from pastoral.reports.printing import Section, Table


def year_start(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)


def _since(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def transfer_section(scope: Scope, learner: Learner) -> Section:
    """One learner's behaviour this school year: points, incidents by type,
    detentions, removals and suspensions (five queries)."""
    start = year_start()
    title = "Behaviour this school year"
    if not sees_learner(scope, learner):
        return Section(key="behaviour", title=title, empty_text="Not in your behaviour reach.")
    incidents = Incident.objects.filter(learner=learner, occurred_at__gte=_since(start))
    by_type = list(
        incidents.order_by()
        .values("type__name", "kind")
        .annotate(n=Count("id"), points=Sum("points"))
        .order_by("kind", "-n", "type__name")
    )
    positive = sum(r["points"] for r in by_type if r["kind"] == Kind.POSITIVE)
    negative = sum(r["points"] for r in by_type if r["kind"] == Kind.NEGATIVE)
    detentions = dict(
        Detention.objects.filter(learner=learner, session__date__gte=start)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    removals = Removal.objects.filter(learner=learner, removed_at__gte=_since(start)).count()
    exclusions = list(
        Exclusion.objects.filter(learner=learner, start_date__gte=start).order_by("start_date")
    )
    suspensions = [e for e in exclusions if e.kind == Exclusion.Kind.SUSPENSION]
    facts: list[tuple[str, object]] = [
        ("School year from", f"{start:%d %b %Y}"),
        ("Positive points", positive),
        ("Negative points", negative),
        ("Net points", positive + negative),
        ("Detentions", sum(detentions.values())),
        ("Detentions missed", detentions.get(Detention.Status.MISSED, 0)),
        ("Removals from class", removals),
        (
            "Suspensions",
            f"{len(suspensions)} ({sum(e.sessions or 0 for e in suspensions) / 2:g} days)",
        ),
    ]
    if any(e.kind == Exclusion.Kind.PERMANENT for e in exclusions):
        facts.append(("Permanent exclusion", "Yes"))
    return Section(
        key="behaviour",
        title=title,
        facts=facts,
        table=Table(
            ["Behaviour type", "Positive or negative", "Incidents", "Points"],
            [[r["type__name"], Kind(r["kind"]).label, r["n"], r["points"]] for r in by_type],
        )
        if by_type
        else None,
    )


def review_section(learners: Sequence[Learner]) -> Section:
    """Behaviour this school year for the learners on the caseloads under
    review: one row each (four queries, whatever the number of learners).
    The caller scoped the learners (the caseload board's reach)."""
    start = year_start()
    ids = [lr.pk for lr in learners]
    points = {
        r["learner_id"]: r
        for r in Incident.objects.filter(learner_id__in=ids, occurred_at__gte=_since(start))
        .order_by()
        .values("learner_id")
        .annotate(
            net=Sum("points", default=0),
            negatives=Count("id", filter=Q(kind=Kind.NEGATIVE)),
        )
    }
    detentions = dict(
        Detention.objects.filter(learner_id__in=ids, session__date__gte=start)
        .order_by()
        .values_list("learner_id")
        .annotate(n=Count("id"))
    )
    removals = dict(
        Removal.objects.filter(learner_id__in=ids, removed_at__gte=_since(start))
        .order_by()
        .values_list("learner_id")
        .annotate(n=Count("id"))
    )
    suspension_days = dict(
        Exclusion.objects.filter(
            learner_id__in=ids, start_date__gte=start, kind=Exclusion.Kind.SUSPENSION
        )
        .order_by()
        .values_list("learner_id")
        .annotate(n=Sum("sessions", default=0))
    )
    rows = [
        [
            lr.display_name,
            str(lr.year_group),
            points.get(lr.pk, {}).get("net", 0),
            points.get(lr.pk, {}).get("negatives", 0),
            detentions.get(lr.pk, 0),
            removals.get(lr.pk, 0),
            f"{(suspension_days.get(lr.pk) or 0) / 2:g}",
        ]
        for lr in sorted(learners, key=lambda lr: (lr.display_name, lr.pk))
    ]
    return Section(
        key="behaviour",
        title=f"Behaviour since {start:%d %b %Y}",
        table=Table(
            [
                "Learner",
                "Year",
                "Net points",
                "Negative incidents",
                "Detentions",
                "Removals",
                "Suspension days",
            ],
            rows,
        )
        if rows
        else None,
        empty_text="Nothing recorded: no learners are allocated to a key worker.",
    )
