"""Reads of detention types, sessions and detentions, scoped (out of scope: 404)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from behaviour.access import detention_filter, require_lead, require_log, runs_sessions
from behaviour.models import Detention, DetentionSession, DetentionType, Incident
from pastoral.access import Scope
from pastoral.models import Learner, User


def detention_types_for(scope: Scope) -> list[DetentionType]:
    require_log(scope)
    return list(
        DetentionType.objects.filter(school=scope.school)
        .select_related("escalates_to")
        .order_by("minutes", "name")
    )


def detention_type_for(scope: Scope, pk: int) -> DetentionType:
    require_lead(scope)
    found = DetentionType.objects.filter(school=scope.school, pk=pk).first()
    if found is None:
        raise Http404("Not found")
    return found


def upcoming_sessions_for(scope: Scope, *, limit: int = 60) -> list[DetentionSession]:
    """Sessions from today on (to issue a place in, or to run)."""
    require_log(scope)
    return list(
        DetentionSession.objects.filter(school=scope.school, date__gte=timezone.localdate())
        .select_related("type", "supervisor")
        .annotate(booked=Count("places", filter=Q(places__status=Detention.Status.SET)))
        .order_by("date", "start", "pk")[:limit]
    )


def sessions_for(scope: Scope) -> QuerySet[DetentionSession]:
    """Sessions the person runs (heads of year, the behaviour leads) or supervises."""
    require_log(scope)
    qs = DetentionSession.objects.filter(school=scope.school)
    if not runs_sessions(scope):
        qs = qs.filter(supervisor=scope.user)
    return (
        qs.select_related("type", "supervisor")
        .annotate(booked=Count("places"))
        .order_by("-date", "-start", "-pk")
    )


def session_for(scope: Scope, pk: int) -> DetentionSession:
    found = sessions_for(scope).filter(pk=pk).first()
    if found is None:
        raise Http404("Not found")
    return found


def session_places(session: DetentionSession) -> list[Detention]:
    return list(
        session.places.select_related("learner__reg_group", "issued_by", "escalated_to").order_by(
            "learner__legal_last_name", "learner__legal_first_name", "pk"
        )
    )


def session_place_for(session: DetentionSession, pk: int) -> Detention:
    found = session.places.select_related("learner", "session__type").filter(pk=pk).first()
    if found is None:
        raise Http404("Not found")
    return found


def detention_for(scope: Scope, pk: int) -> Detention:
    require_log(scope)
    found = (
        Detention.objects.filter(detention_filter(scope), pk=pk)
        .select_related(
            "learner__reg_group",
            "learner__year_group",
            "session__type",
            "session__supervisor",
            "incident__type",
            "issued_by",
            "escalated_from__session__type",
            "school",
        )
        .first()
    )
    if found is None:
        raise Http404("Not found")
    return found


def detentions_for_incident(scope: Scope, incident: Incident) -> list[Detention]:
    return list(
        Detention.objects.filter(detention_filter(scope), incident=incident)
        .select_related("session__type")
        .order_by("session__date", "pk")
    )


def learner_detentions(scope: Scope, learner: Learner, *, limit: int = 20) -> list[Detention]:
    return list(
        Detention.objects.filter(detention_filter(scope), learner=learner)
        .select_related("session__type")
        .order_by("-session__date", "-pk")[:limit]
    )


def supervisors_for(scope: Scope) -> QuerySet[User]:
    return (
        User.objects.filter(memberships__school=scope.school, is_active=True)
        .distinct()
        .order_by("full_name")
    )


def parent_of(learner: Learner) -> str:
    contact = (
        learner.contacts.filter(parental_responsibility=True).order_by("priority", "pk").first()
    )
    return contact.name if contact else ""
