"""Reads of behaviour types, classes to log for and incidents, scoped (out of scope: 404)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from behaviour.access import (
    incident_filter,
    learner_reach,
    require_lead,
    require_log,
    sees_learner,
)
from behaviour.models import BehaviourType, Incident, Kind
from pastoral.access import Scope
from pastoral.models import Learner, RegGroup
from pastoral.timeline import TimelineEntry


def types_for(scope: Scope, *, active_only: bool = True) -> list[BehaviourType]:
    """The school's behaviour types, positive first."""
    require_log(scope)
    qs = BehaviourType.objects.filter(school=scope.school)
    if active_only:
        qs = qs.filter(active=True)
    return list(qs.order_by("kind", "order", "name"))


def type_for(scope: Scope, pk: int) -> BehaviourType:
    require_lead(scope)
    found = BehaviourType.objects.filter(school=scope.school, pk=pk).first()
    if found is None:
        raise Http404("Not found")
    return found


def active_type_for(scope: Scope, pk: int | None) -> BehaviourType | None:
    """A type offered on the logging page (None if it is not one)."""
    if pk is None:
        return None
    return BehaviourType.objects.filter(school=scope.school, pk=pk, active=True).first()


def groups_for(scope: Scope) -> list[RegGroup]:
    """The classes a teacher may log for: the school's reg groups, their own first."""
    require_log(scope)
    groups = list(
        RegGroup.objects.filter(school=scope.school)
        .select_related("year_group")
        .annotate(size=Count("learners"))
        .order_by("year_group__number", "name")
    )
    return sorted(groups, key=lambda g: g.tutor_id != scope.user.pk)


def group_for(scope: Scope, pk: int) -> RegGroup:
    require_log(scope)
    group = RegGroup.objects.filter(school=scope.school, pk=pk).select_related("year_group").first()
    if group is None:
        raise Http404("Not found")
    return group


def group_learners(scope: Scope, group: RegGroup) -> list[Learner]:
    """The class list: directory fields only (every member may see them)."""
    require_log(scope)
    return list(
        Learner.objects.filter(school=scope.school, reg_group=group)
        .select_related("reg_group", "year_group")
        .order_by("legal_last_name", "legal_first_name", "pk")
    )


def learners_by_ids(scope: Scope, ids: list[int]) -> list[Learner]:
    require_log(scope)
    return list(
        Learner.objects.filter(school=scope.school, pk__in=ids)
        .select_related("reg_group", "year_group")
        .order_by("legal_last_name", "legal_first_name", "pk")
    )


def incidents_for(
    scope: Scope, *, batch: str = "", learner: Learner | None = None, mine: bool = False
) -> QuerySet[Incident]:
    """Incidents the person may see: their learners' and the ones they logged."""
    require_log(scope)
    qs = Incident.objects.filter(incident_filter(scope))
    if batch:
        qs = qs.filter(batch=batch)
    if learner is not None:
        qs = qs.filter(learner=learner)
    if mine:
        qs = qs.filter(created_by=scope.user)
    return qs.select_related("learner", "type", "created_by").order_by("-occurred_at", "-id")


def incident_for(scope: Scope, pk: int) -> Incident:
    found = (
        incidents_for(scope)
        .select_related("learner__year_group", "learner__reg_group")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("Not found")
    return found


def learner_in_reach(scope: Scope, pk: int) -> Learner:
    """A learner whose whole behaviour record the person sees, or 404."""
    require_log(scope)
    found = (
        Learner.objects.filter(learner_reach(scope), pk=pk)
        .select_related("year_group", "reg_group")
        .first()
    )
    if found is None:
        raise Http404("Not found")
    return found


def may_see_learner(scope: Scope, learner: Learner) -> bool:
    """Whether the person sees the learner's whole behaviour record (no query
    when the learner was loaded with its reg group)."""
    return sees_learner(scope, learner)


def totals_of(learner_ids: list[int]) -> dict[int, dict[str, int]]:
    """learner id -> {"positive": n, "negative": n, "net": n} (one query)."""
    rows = (
        Incident.objects.filter(learner_id__in=learner_ids)
        .values("learner_id")
        .annotate(
            positive=Sum("points", filter=Q(kind=Kind.POSITIVE), default=0),
            negative=Sum("points", filter=Q(kind=Kind.NEGATIVE), default=0),
        )
    )
    return {
        r["learner_id"]: {
            "positive": r["positive"],
            "negative": r["negative"],
            "net": r["positive"] + r["negative"],
        }
        for r in rows
    }


def concern_prefill_url(incident: Incident) -> str:
    """The log-a-concern page, prefilled from the incident (learner, when,
    where and a neutral description). Behaviour only builds the link: the
    concern is made, and seen, under the safeguarding rules alone."""
    when = timezone.localtime(incident.occurred_at)
    note = incident.note.strip()
    description = (
        f"Raised from behaviour incident {incident.reference} ({incident.type.name}), "
        f"{when:%d/%m/%Y %H:%M}."
    )
    if note:
        description += f" What was recorded: {note}"
    params = {
        "learner": incident.learner_id,
        "occurred_at": f"{when:%Y-%m-%dT%H:%M}",
        "location": incident.room or incident.period,
        "description": description,
    }
    return reverse("safeguarding:concern-new") + "?" + urlencode(params)


def timeline_entries_for(
    scope: Scope, learner: Learner, *, since: dt.datetime | None = None, limit: int | None = None
) -> list[TimelineEntry]:
    """The behaviour stream of a learner's timeline (pastoral.timeline), scoped:
    nothing for a person who may not see the learner's behaviour record."""
    if not sees_learner(scope, learner):
        return []
    qs = incidents_for(scope, learner=learner)
    if since:
        qs = qs.filter(occurred_at__gte=since)
    return [
        TimelineEntry(
            when=i.occurred_at,
            kind="behaviour",
            title=f"{i.type.name} ({i.points:+d})",
            url=reverse("behaviour:incident-detail", kwargs={"pk": i.pk}),
            detail=i.note[:200],
            tags=(i.kind,),
        )
        for i in qs[: limit or 25]
    ]
