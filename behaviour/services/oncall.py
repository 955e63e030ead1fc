"""On-call requests (ask, accept, resolve), removals from class (with the head
of year's alert when a learner reaches the school's threshold), isolation
sessions, placements and their register, the rota and the policy."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from behaviour.access import require_lead, require_log, require_sessions, sees_learner
from behaviour.models import (
    IsolationPlace,
    IsolationSession,
    OnCallMember,
    OnCallPolicy,
    OnCallRequest,
    Removal,
)
from behaviour.models.oncall import REMOVAL_OUTCOMES, Outcome, Reason, Urgency
from behaviour.selectors.oncall import (
    heads_of_year_of,
    oncall_policy_of,
    removal_count,
    require_responder,
    window_start,
)
from pastoral import audit
from pastoral.access import Scope
from pastoral.models import Learner, Membership, User
from pastoral.notifications.services import notifications_create

WHERE_TO = {
    Outcome.REMOVED: "On-call room",
    Outcome.ISOLATION: "Isolation",
    Outcome.SENT_HOME: "Home",
}


class AlreadyTaken(Exception):
    """Someone else accepted or resolved the request first (the view answers 409)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _is_staff_member(scope: Scope, user: User) -> bool:
    return Membership.objects.filter(school=scope.school, user=user, user__is_active=True).exists()


@transaction.atomic
def oncall_request_create(
    *,
    scope: Scope,
    room: str,
    reason: str,
    urgency: str = Urgency.ROUTINE,
    lesson: str = "",
    note: str = "",
    learner: Learner | None = None,
) -> OnCallRequest:
    """A teacher summons on-call to their room."""
    require_log(scope)
    room = (room or "").strip()
    if not room:
        raise ValidationError({"room": "Say which room you are in."})
    if reason not in Reason.values:
        raise ValidationError({"reason": "Choose a reason."})
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": "Choose how urgent it is."})
    if learner is not None and learner.school_id != scope.school.pk:
        raise ValidationError({"learner": "Choose a learner of this school."})
    request = OnCallRequest(
        school=scope.school,
        requested_by=scope.user,
        room=room[:30],
        lesson=(lesson or "").strip()[:30],
        reason=reason,
        urgency=urgency,
        note=(note or "").strip()[:300],
        learner=learner,
    )
    request.full_clean()
    request.save()
    audit.record(
        "behaviour.oncall.requested",
        actor=scope.user,
        school=scope.school,
        obj=request,
        learner=learner,
        changes={"room": request.room, "reason": reason, "urgency": urgency},
    )
    return request


def _locked(request: OnCallRequest) -> OnCallRequest:
    return (
        OnCallRequest.objects.select_for_update(of=("self",))
        .select_related("accepted_by", "resolved_by", "learner")
        .get(pk=request.pk)
    )


@transaction.atomic
def oncall_accept(*, scope: Scope, request: OnCallRequest) -> OnCallRequest:
    """Take the request. A second acceptor is told who has it (AlreadyTaken)."""
    require_responder(scope)
    current = _locked(request)
    if current.status == OnCallRequest.Status.RESOLVED:
        raise AlreadyTaken(f"{current.reference} was already resolved by {current.resolved_by}.")
    if current.accepted_by_id is not None:
        if current.accepted_by_id == scope.user.pk:
            return current
        raise AlreadyTaken(f"{current.reference} was already accepted by {current.accepted_by}.")
    current.status = OnCallRequest.Status.ACCEPTED
    current.accepted_by = scope.user
    current.accepted_at = timezone.now()
    current.save(update_fields=["status", "accepted_by", "accepted_at"])
    audit.record(
        "behaviour.oncall.accepted",
        actor=scope.user,
        school=scope.school,
        obj=current,
        learner=current.learner,
    )
    return current


@transaction.atomic
def oncall_resolve(
    *,
    scope: Scope,
    request: OnCallRequest,
    outcome: str,
    note: str = "",
    where_to: str = "",
    minutes: int | None = None,
    learner: Learner | None = None,
) -> OnCallRequest:
    """Close the request with its outcome; an outcome that takes the learner out
    of the lesson records a removal. The responder may name the learner the
    teacher had no time to name."""
    require_responder(scope)
    current = _locked(request)
    if current.status == OnCallRequest.Status.RESOLVED:
        raise AlreadyTaken(f"{current.reference} was already resolved by {current.resolved_by}.")
    if current.accepted_by_id not in (None, scope.user.pk) and not _lead(scope):
        raise AlreadyTaken(f"{current.reference} was already accepted by {current.accepted_by}.")
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Choose what happened."})
    if learner is not None:
        if learner.school_id != scope.school.pk:
            raise ValidationError({"learner": "Choose a learner of this school."})
        current.learner = learner
    removal_needed = outcome in REMOVAL_OUTCOMES
    if removal_needed and current.learner is None:
        raise ValidationError({"learner": "Name the learner to record a removal from class."})
    now = timezone.now()
    if current.accepted_by_id is None:
        current.accepted_by = scope.user
        current.accepted_at = now
    current.status = OnCallRequest.Status.RESOLVED
    current.resolved_by = scope.user
    current.resolved_at = now
    current.outcome = outcome
    current.outcome_note = (note or "").strip()[:300]
    current.full_clean()
    current.save()
    audit.record(
        "behaviour.oncall.resolved",
        actor=scope.user,
        school=scope.school,
        obj=current,
        learner=current.learner,
        changes={"outcome": outcome},
    )
    if removal_needed:
        assert current.learner is not None
        _removal_create(
            scope,
            learner=current.learner,
            lesson=current.lesson or "Lesson",
            room=current.room,
            removed_by=current.requested_by,
            reason=current.get_reason_display() + (f": {current.note}" if current.note else ""),
            where_to=(where_to or "").strip() or WHERE_TO.get(outcome, "On-call room"),
            minutes=minutes if minutes is not None else 60,
            removed_at=now,
            request=current,
        )
    return current


def _lead(scope: Scope) -> bool:
    from behaviour.access import is_lead

    return is_lead(scope)


@transaction.atomic
def removal_record(
    *,
    scope: Scope,
    learner: Learner,
    lesson: str,
    reason: str,
    where_to: str,
    minutes: int | None,
    room: str = "",
    removed_at: dt.datetime | None = None,
) -> Removal:
    """Record a removal from class by hand (the teacher who removed the learner)."""
    require_log(scope)
    if learner.school_id != scope.school.pk:
        raise ValidationError({"learner": "Choose a learner of this school."})
    return _removal_create(
        scope,
        learner=learner,
        lesson=lesson,
        room=room,
        removed_by=scope.user,
        reason=reason,
        where_to=where_to,
        minutes=minutes,
        removed_at=removed_at or timezone.now(),
        request=None,
    )


def _removal_create(
    scope: Scope,
    *,
    learner: Learner,
    lesson: str,
    room: str,
    removed_by: User,
    reason: str,
    where_to: str,
    minutes: int | None,
    removed_at: dt.datetime,
    request: OnCallRequest | None,
) -> Removal:
    errors = {}
    if not (lesson or "").strip():
        errors["lesson"] = "Say which lesson the learner was removed from."
    if not (reason or "").strip():
        errors["reason"] = "Say why the learner was removed."
    if not (where_to or "").strip():
        errors["where_to"] = "Say where the learner went."
    if minutes is None or not 1 <= minutes <= 600:
        errors["minutes"] = "Give the duration in minutes (1 to 600)."
    if removed_at > timezone.now() + dt.timedelta(minutes=5):
        errors["removed_at"] = "A removal cannot be in the future."
    if errors:
        raise ValidationError(errors)
    removal = Removal(
        school=scope.school,
        learner=learner,
        removed_at=removed_at,
        lesson=lesson.strip()[:30],
        room=(room or "").strip()[:30],
        removed_by=removed_by,
        reason=reason.strip()[:300],
        where_to=where_to.strip()[:60],
        minutes=minutes,
        request=request,
        recorded_by=scope.user,
    )
    removal.full_clean()
    # Serialise removals of one learner so that two at once cannot both miss the crossing.
    Learner.objects.select_for_update().filter(pk=learner.pk).first()
    policy = oncall_policy_of(scope.school.pk)
    since = window_start(
        scope.school.pk, timezone.localdate(removed_at), policy.removal_window_days
    )
    before = removal_count(learner, since)
    removal.alerted = before < policy.removal_threshold <= before + 1
    removal.save()
    audit.record(
        "behaviour.removal.recorded",
        actor=scope.user,
        school=scope.school,
        obj=removal,
        learner=learner,
        changes={
            "lesson": removal.lesson,
            "where_to": removal.where_to,
            "minutes": removal.minutes,
            "on_call": request.reference if request else "",
        },
    )
    if removal.alerted:
        _alert_heads_of_year(scope, removal, policy)
    return removal


def _alert_heads_of_year(scope: Scope, removal: Removal, policy: OnCallPolicy) -> None:
    """Once per crossing: the learner's heads of year are told (no learner details)."""
    recipients = heads_of_year_of(removal.learner)
    if not recipients:
        return
    notifications_create(
        recipients=recipients,
        school=scope.school,
        kind="behaviour.removals",
        title=(
            f"Behaviour: a learner in your year was removed from class "
            f"{policy.removal_threshold} times in {policy.removal_window_days} school days"
        ),
        url=reverse("behaviour:learner", kwargs={"pk": removal.learner_id}),
        obj=removal,
        urgent=False,
    )


@transaction.atomic
def oncall_policy_update(
    *, scope: Scope, removal_threshold: int, removal_window_days: int
) -> OnCallPolicy:
    require_lead(scope)
    current, _ = OnCallPolicy.objects.select_for_update().get_or_create(school=scope.school)
    before = {"threshold": current.removal_threshold, "window": current.removal_window_days}
    current.removal_threshold = removal_threshold
    current.removal_window_days = removal_window_days
    current.full_clean()
    current.save()
    changes = audit.diff(
        before, {"threshold": current.removal_threshold, "window": current.removal_window_days}
    )
    if changes:
        audit.record(
            "behaviour.oncall_policy.changed",
            actor=scope.user,
            school=scope.school,
            obj=current,
            changes=changes,
        )
    return current


@transaction.atomic
def rota_add(*, scope: Scope, user: User) -> OnCallMember:
    require_lead(scope)
    if not _is_staff_member(scope, user):
        raise ValidationError({"user": "Choose a member of staff of this school."})
    if OnCallMember.objects.filter(school=scope.school, user=user).exists():
        raise ValidationError({"user": f"{user} is already on the rota."})
    member = OnCallMember(school=scope.school, user=user, added_by=scope.user)
    member.full_clean()
    member.save()
    audit.record(
        "behaviour.oncall_rota.added",
        actor=scope.user,
        school=scope.school,
        obj=member,
        changes={"user": user.email},
    )
    return member


@transaction.atomic
def rota_remove(*, scope: Scope, member: OnCallMember) -> None:
    require_lead(scope)
    audit.record(
        "behaviour.oncall_rota.removed",
        actor=scope.user,
        school=scope.school,
        obj=member,
        changes={"user": member.user.email},
    )
    member.delete()


@transaction.atomic
def isolation_session_create(
    *, scope: Scope, date: dt.date, room: str, supervisor: User | None = None
) -> IsolationSession:
    require_sessions(scope)
    from behaviour.services.detentions import _closed_reason

    errors = {}
    if date < timezone.localdate():
        errors["date"] = "That day has passed: choose today or a later date."
    else:
        closed = _closed_reason(scope.school.pk, date)
        if closed:
            errors["date"] = closed
    if not (room or "").strip():
        errors["room"] = "Say which room."
    if supervisor is not None and not _is_staff_member(scope, supervisor):
        errors["supervisor"] = "Choose a member of staff of this school."
    if errors:
        raise ValidationError(errors)
    session = IsolationSession(
        school=scope.school,
        date=date,
        room=room.strip()[:30],
        supervisor=supervisor,
        created_by=scope.user,
    )
    session.full_clean()
    session.save()
    audit.record(
        "behaviour.isolation_session.created",
        actor=scope.user,
        school=scope.school,
        obj=session,
        changes={"date": date, "room": session.room, "supervisor": str(supervisor or "")},
    )
    return session


@transaction.atomic
def isolation_place(
    *, scope: Scope, session: IsolationSession, learner: Learner, reason: str, periods: int | None
) -> IsolationPlace:
    """Place a learner whose behaviour record the person sees in a session."""
    require_sessions(scope)
    errors = {}
    if not sees_learner(scope, learner):
        errors["learner"] = "Choose one of your learners."
    if not (reason or "").strip():
        errors["reason"] = "Say why the learner is in isolation."
    if periods is None or not 1 <= periods <= 8:
        errors["periods"] = "Give the number of periods (1 to 8)."
    if session.date < timezone.localdate():
        errors["learner"] = "That session has passed."
    if not errors and IsolationPlace.objects.filter(session=session, learner=learner).exists():
        errors["learner"] = f"{learner.display_name} already has a place in this session."
    if errors:
        raise ValidationError(errors)
    place = IsolationPlace(
        school=scope.school,
        session=session,
        learner=learner,
        reason=reason.strip()[:300],
        periods=periods,
        placed_by=scope.user,
    )
    place.full_clean()
    place.save()
    audit.record(
        "behaviour.isolation.placed",
        actor=scope.user,
        school=scope.school,
        obj=place,
        learner=learner,
        changes={"session": str(session), "periods": periods, "reason": place.reason},
    )
    return place


def may_mark_isolation(scope: Scope, session: IsolationSession) -> bool:
    from behaviour.access import runs_sessions

    return session.supervisor_id == scope.user.pk or runs_sessions(scope)


@transaction.atomic
def isolation_mark(*, scope: Scope, place: IsolationPlace, status: str) -> IsolationPlace:
    """The register of an isolation session: the supervisor (or a session runner)."""
    require_log(scope)
    session = place.session
    if not may_mark_isolation(scope, session):
        raise ValidationError({"status": "Only the supervisor takes this register."})
    if status not in IsolationPlace.Status.values or status == IsolationPlace.Status.EXPECTED:
        raise ValidationError({"status": "Choose attended, left early or did not attend."})
    if session.date > timezone.localdate():
        raise ValidationError({"status": "The register opens on the day of the session."})
    before = place.status
    place.status = status
    place.marked_by = scope.user
    place.marked_at = timezone.now()
    place.full_clean()
    place.save(update_fields=["status", "marked_by", "marked_at"])
    audit.record(
        "behaviour.isolation.marked",
        actor=scope.user,
        school=scope.school,
        obj=place,
        learner=place.learner,
        changes={"status": [before, status]},
    )
    return place
