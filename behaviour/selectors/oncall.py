"""Reads of on-call requests, removals and isolation, scoped (out of scope: 404).

Who sees what (ACCESS.md, "Behaviour records"):
- an on-call request: the teacher who asked, and the responders (the school's
  on-call rota and the behaviour leads), who see every request of the school;
  a request names a learner by directory fields only;
- a removal: like an incident (the learner's form tutor, head of year, SENCO,
  DSL; and the person who removed or recorded it);
- isolation sessions: the people who run sessions (heads of year, leads) and
  the session's supervisor.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from behaviour.access import is_lead, learner_reach, require_log, runs_sessions, sees_learner
from behaviour.models import (
    IsolationPlace,
    IsolationSession,
    OnCallMember,
    OnCallPolicy,
    OnCallRequest,
    Removal,
)
from pastoral.access import Scope
from pastoral.calendar import SchoolCalendar
from pastoral.models import Learner, User


def oncall_policy_of(school_id: int) -> OnCallPolicy:
    """The school's on-call policy, or the defaults (unsaved) if it has none yet."""
    found = OnCallPolicy.objects.filter(school_id=school_id).first()
    return found or OnCallPolicy(school_id=school_id)


def is_responder(scope: Scope | None) -> bool:
    """On the school's on-call rota, or a behaviour lead (one query for non-leads)."""
    if scope is None or scope.school is None:
        return False
    if is_lead(scope):
        return True
    require_log(scope)
    return OnCallMember.objects.filter(school=scope.school, user=scope.user).exists()


def require_responder(scope: Scope | None) -> Scope:
    if not is_responder(scope):
        raise Http404("Not found")
    assert scope is not None
    return scope


def rota_for(scope: Scope) -> list[OnCallMember]:
    require_log(scope)
    return list(
        OnCallMember.objects.filter(school=scope.school)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def requests_for(
    scope: Scope, *, state: str = "", responder: bool | None = None
) -> QuerySet[OnCallRequest]:
    """Requests the person may see: their own, or every one when they respond.
    `state`: "open" (waiting or on the way), "closed" (resolved), "" (all)."""
    require_log(scope)
    if responder is None:
        responder = is_responder(scope)
    qs = OnCallRequest.objects.filter(school=scope.school)
    if not responder:
        qs = qs.filter(requested_by=scope.user)
    if state == "open":
        qs = qs.exclude(status=OnCallRequest.Status.RESOLVED)
    elif state == "closed":
        qs = qs.filter(status=OnCallRequest.Status.RESOLVED)
    return qs.select_related(
        "requested_by", "accepted_by", "resolved_by", "learner__reg_group"
    ).order_by("-requested_at", "-id")


def open_requests_for(scope: Scope, *, responder: bool | None = None) -> list[OnCallRequest]:
    """The live list: urgent first, then oldest first (whoever waited longest)."""
    qs = requests_for(scope, state="open", responder=responder)
    return sorted(qs[:100], key=lambda r: (r.urgency != "urgent", r.requested_at, r.pk))


def request_for(scope: Scope, pk: int) -> OnCallRequest:
    found = requests_for(scope).filter(pk=pk).first()
    if found is None:
        raise Http404("Not found")
    return found


def last_place_of(scope: Scope) -> dict[str, str]:
    """The room and lesson of the person's last request (the form's defaults)."""
    last = (
        OnCallRequest.objects.filter(school=scope.school, requested_by=scope.user)
        .order_by("-requested_at", "-pk")
        .values("room", "lesson")
        .first()
    )
    return last or {"room": "", "lesson": ""}


def request_learners(scope: Scope) -> list[Learner]:
    """The school's learners (directory fields) to name on a request."""
    require_log(scope)
    return list(
        Learner.objects.filter(school=scope.school)
        .select_related("reg_group")
        .order_by("legal_last_name", "legal_first_name", "pk")
    )


def request_learner(scope: Scope, pk: int | None) -> Learner | None:
    if pk is None:
        return None
    return (
        Learner.objects.filter(school=scope.school, pk=pk)
        .select_related("reg_group", "year_group")
        .first()
    )


def removal_filter(scope: Scope) -> Q:
    if scope is None or not scope.is_member:
        return Q(pk__in=[])
    return Q(school=scope.school) & (
        learner_reach(scope, prefix="learner__")
        | Q(removed_by=scope.user)
        | Q(recorded_by=scope.user)
    )


def removals_for(scope: Scope, *, learner: Learner | None = None) -> QuerySet[Removal]:
    require_log(scope)
    qs = Removal.objects.filter(removal_filter(scope))
    if learner is not None:
        qs = qs.filter(learner=learner)
    return qs.select_related("learner__reg_group", "learner__year_group", "removed_by").order_by(
        "-removed_at", "-id"
    )


def window_start(school_id: int, today: dt.date, days: int) -> dt.date:
    """The first day of a window of `days` school days ending today (today counted
    when it is a school day)."""
    lo = today - dt.timedelta(days=max(days * 3, 21))
    calendar = SchoolCalendar.load(school_id, lo, today)
    recent = calendar.school_days(lo, today)[-days:]
    return recent[0] if recent else today


def removal_count(learner: Learner, since: dt.date) -> int:
    return Removal.objects.filter(learner=learner, removed_at__date__gte=since).count()


def learner_removals(scope: Scope, learner: Learner) -> dict[str, object]:
    """The learner page's removals: the count in the school's window and the latest."""
    policy = oncall_policy_of(scope.school.pk)
    since = window_start(scope.school.pk, timezone.localdate(), policy.removal_window_days)
    rows = list(removals_for(scope, learner=learner)[:20])
    return {
        "rows": rows,
        "total": removals_for(scope, learner=learner).count(),
        "recent": removal_count(learner, since) if sees_learner(scope, learner) else 0,
        "since": since,
        "policy": policy,
    }


def isolation_sessions_for(scope: Scope) -> QuerySet[IsolationSession]:
    """Sessions the person runs (heads of year, leads) or supervises."""
    require_log(scope)
    qs = IsolationSession.objects.filter(school=scope.school)
    if not runs_sessions(scope):
        qs = qs.filter(supervisor=scope.user)
    return (
        qs.select_related("supervisor")
        .annotate(placed=Count("places"))
        .order_by("-date", "room", "-pk")
    )


def isolation_session_for(scope: Scope, pk: int) -> IsolationSession:
    found = isolation_sessions_for(scope).filter(pk=pk).first()
    if found is None:
        raise Http404("Not found")
    return found


def isolation_places(session: IsolationSession) -> list[IsolationPlace]:
    return list(
        session.places.select_related("learner__reg_group", "placed_by").order_by(
            "learner__legal_last_name", "learner__legal_first_name", "pk"
        )
    )


def isolation_place_for(session: IsolationSession, pk: int | None) -> IsolationPlace:
    found = session.places.select_related("learner").filter(pk=pk or 0).first()
    if found is None:
        raise Http404("Not found")
    return found


def learners_in_reach(scope: Scope) -> list[Learner]:
    """Learners whose behaviour record the person sees (to place in isolation)."""
    return list(
        Learner.objects.filter(learner_reach(scope))
        .select_related("reg_group")
        .order_by("legal_last_name", "legal_first_name", "pk")
    )


def staff_of(scope: Scope) -> list[User]:
    return list(
        User.objects.filter(memberships__school=scope.school, is_active=True)
        .distinct()
        .order_by("full_name")
    )


def heads_of_year_of(learner: Learner) -> list[User]:
    return list(
        User.objects.filter(
            memberships__school_id=learner.school_id,
            memberships__role="hoy",
            memberships__year_groups=learner.year_group_id,
            is_active=True,
        ).distinct()
    )
