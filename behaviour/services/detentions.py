"""Detentions: the school's types and escalation rule, sessions, issuing a
place, the register taken at the session and the escalation of a missed one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from behaviour.access import is_lead, require_lead, require_log, require_sessions, runs_sessions
from behaviour.models import Detention, DetentionSession, DetentionType, Incident
from behaviour.services.policy import settings_of
from pastoral import audit, providers
from pastoral.access import Scope
from pastoral.calendar import SchoolCalendar
from pastoral.models import Closure, Learner, Membership, User

TYPE_FIELDS = ["name", "when", "minutes", "default_start", "default_room", "escalates_to", "active"]
# How far ahead an escalated detention may be placed.
ESCALATION_REACH_DAYS = 30


def _type_rule(kind: DetentionType) -> None:
    """An escalation must lead somewhere else and never back round in a loop."""
    seen = {kind.pk}
    step = kind.escalates_to
    while step is not None:
        if step.pk in seen:
            raise ValidationError({"escalates_to": "That rule would escalate in a circle."})
        if step.school_id != kind.school_id:
            raise ValidationError({"escalates_to": "Choose one of the school's detention types."})
        seen.add(step.pk)
        step = step.escalates_to


@transaction.atomic
def detention_type_create(*, scope: Scope, **fields: Any) -> DetentionType:
    require_lead(scope)
    kind = DetentionType(school=scope.school)
    for name in TYPE_FIELDS:
        if name in fields:
            setattr(kind, name, fields[name])
    kind.name = kind.name.strip()
    if DetentionType.objects.filter(school=scope.school, name__iexact=kind.name).exists():
        raise ValidationError({"name": "The school already has a detention type with that name."})
    kind.full_clean()
    kind.save()
    _type_rule(kind)
    audit.record(
        "behaviour.detention_type.created",
        actor=scope.user,
        school=scope.school,
        obj=kind,
        changes={f: str(getattr(kind, f)) for f in TYPE_FIELDS},
    )
    return kind


@transaction.atomic
def detention_type_update(*, scope: Scope, kind: DetentionType, **fields: Any) -> DetentionType:
    """Change a detention type, including the school's escalation rule."""
    require_lead(scope)
    before = {f: str(getattr(kind, f)) for f in TYPE_FIELDS}
    for name in TYPE_FIELDS:
        if name in fields:
            setattr(kind, name, fields[name])
    kind.name = kind.name.strip()
    if (
        DetentionType.objects.filter(school=scope.school, name__iexact=kind.name)
        .exclude(pk=kind.pk)
        .exists()
    ):
        raise ValidationError({"name": "The school already has a detention type with that name."})
    _type_rule(kind)
    kind.full_clean()
    kind.save()
    changes = audit.diff(before, {f: str(getattr(kind, f)) for f in TYPE_FIELDS})
    if changes:
        audit.record(
            "behaviour.detention_type.changed",
            actor=scope.user,
            school=scope.school,
            obj=kind,
            changes=changes,
        )
    return kind


def _closed_reason(school_id: int, day: dt.date) -> str:
    """Why the school is closed on `day` ("" when it is a school day)."""
    calendar = SchoolCalendar.load(school_id, day, day)
    if calendar.is_school_day(day):
        return ""
    closure = Closure.objects.filter(school_id=school_id, date=day).first()
    if closure is not None:
        return f"The school is closed on {day:%d/%m/%Y} ({closure.name or closure.get_kind_display()})."
    if day.weekday() >= 5:
        return f"{day:%d/%m/%Y} is a weekend."
    return f"{day:%d/%m/%Y} is in the school holidays."


@transaction.atomic
def session_create(
    *,
    scope: Scope,
    kind: DetentionType,
    date: dt.date,
    start: dt.time | None = None,
    room: str = "",
    supervisor: User | None = None,
) -> DetentionSession:
    """A detention session on a school day, in the future."""
    require_sessions(scope)
    return _session_create(
        scope, kind=kind, date=date, start=start, room=room, supervisor=supervisor
    )


def _session_create(
    scope: Scope,
    *,
    kind: DetentionType,
    date: dt.date,
    start: dt.time | None,
    room: str,
    supervisor: User | None,
) -> DetentionSession:
    if kind.school_id != scope.school.pk or not kind.active:
        raise ValidationError({"kind": "Choose one of the school's detention types."})
    start = start or kind.default_start
    room = (room or kind.default_room).strip()
    starts_at = timezone.make_aware(dt.datetime.combine(date, start))
    if starts_at <= timezone.now():
        raise ValidationError({"date": "That time has passed: choose a later date or time."})
    closed = _closed_reason(scope.school.pk, date)
    if closed:
        raise ValidationError({"date": closed})
    if not room:
        raise ValidationError({"room": "Say which room."})
    if (
        supervisor is not None
        and not Membership.objects.filter(
            school=scope.school, user=supervisor, user__is_active=True
        ).exists()
    ):
        raise ValidationError({"supervisor": "Choose a member of staff of this school."})
    session = DetentionSession(
        school=scope.school,
        type=kind,
        date=date,
        start=start,
        room=room[:30],
        supervisor=supervisor,
        created_by=scope.user,
    )
    session.full_clean()
    session.save()
    audit.record(
        "behaviour.detention_session.created",
        actor=scope.user,
        school=scope.school,
        obj=session,
        changes={
            "type": kind.name,
            "date": date,
            "start": start,
            "room": session.room,
            "supervisor": str(supervisor or ""),
        },
    )
    return session


def _span(session: DetentionSession) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(session.date, session.start)
    return start, start + dt.timedelta(minutes=session.type.minutes)


def _refusal(scope: Scope, learner: Learner, session: DetentionSession) -> str:
    """Why the learner may not be put in this session ("" when they may)."""
    if session.school_id != scope.school.pk:
        return "Choose one of the school's sessions."
    now = timezone.now()
    if session.starts_at <= now:
        return "That session has already started."
    hours = settings_of(scope.school.pk).detention_notice_hours
    if hours and session.starts_at < now + dt.timedelta(hours=hours):
        return (
            f"The behaviour policy gives parents {hours} hours' notice: "
            f"choose a session starting after {timezone.localtime(now + dt.timedelta(hours=hours)):%d/%m/%Y %H:%M}."
        )
    closed = _closed_reason(scope.school.pk, session.date)
    if closed:
        return closed
    start, end = _span(session)
    others = Detention.objects.filter(
        learner=learner, session__date=session.date, status=Detention.Status.SET
    ).select_related("session__type")
    for other in others:
        if other.session_id == session.pk:
            return "The learner already has a place in that session."
        o_start, o_end = _span(other.session)
        if o_start < end and start < o_end:
            return (
                f"That clashes with the learner's {other.session.type.name} "
                f"at {other.session.start:%H:%M} on {other.session.date:%d/%m/%Y}."
            )
    return ""


@transaction.atomic
def detention_issue(
    *,
    scope: Scope,
    learner: Learner,
    session: DetentionSession,
    reason: str,
    incident: Incident | None = None,
) -> Detention:
    """Give a learner a place in a detention session (from an incident or by hand).
    Refused with the reason: a past session, a closure day, less notice than the
    policy gives, or a clash with another of the learner's detentions."""
    require_log(scope)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why (the parents' letter gives the reason)."})
    if learner.school_id != scope.school.pk:
        raise ValidationError({"learner": "Choose a learner of this school."})
    if incident is not None and incident.learner_id != learner.pk:
        raise ValidationError({"learner": "The incident is about another learner."})
    refusal = _refusal(scope, learner, session)
    if refusal:
        raise ValidationError({"session": refusal})
    return _place(scope, learner, session, reason, incident, escalated_from=None)


def _place(
    scope: Scope,
    learner: Learner,
    session: DetentionSession,
    reason: str,
    incident: Incident | None,
    *,
    escalated_from: Detention | None,
) -> Detention:
    detention = Detention(
        school=scope.school,
        learner=learner,
        session=session,
        incident=incident,
        escalated_from=escalated_from,
        reason=reason[:300],
        issued_by=scope.user,
    )
    detention.full_clean()
    detention.save()
    audit.record(
        "behaviour.detention.issued",
        actor=scope.user,
        school=scope.school,
        obj=detention,
        learner=learner,
        changes={
            "session": str(session),
            "reason": detention.reason,
            "incident": incident.reference if incident else "",
            "escalated_from": escalated_from.reference if escalated_from else "",
        },
    )
    return detention


def may_take_register(scope: Scope, session: DetentionSession) -> bool:
    return runs_sessions(scope) or is_lead(scope) or session.supervisor_id == scope.user.pk


@transaction.atomic
def detention_mark(*, scope: Scope, detention: Detention, status: str) -> Detention:
    """Take the register for one place. A learner marked as missing who was off
    school that day (an absence code in the attendance register) is recorded as
    absent, not as missed; a real miss escalates by the school's rule."""
    require_log(scope)
    session = detention.session
    if not may_take_register(scope, session):
        raise ValidationError("Only the supervisor or a head of year takes this register.")
    allowed = {Detention.Status.ATTENDED, Detention.Status.MISSED, Detention.Status.ABSENT}
    if status not in allowed:
        raise ValidationError({"status": "Choose attended, missed or absent from school."})
    if timezone.localdate() < session.date:
        raise ValidationError({"status": "The register opens on the day of the session."})
    if detention.status != Detention.Status.SET:
        raise ValidationError(
            {"status": f"Already marked: {detention.get_status_display().lower()}."}
        )
    if status == Detention.Status.MISSED and detention.learner_id in providers.absent_on(
        scope.school.pk, [detention.learner_id], session.date
    ):
        status = Detention.Status.ABSENT
    detention.status = status
    detention.marked_by = scope.user
    detention.marked_at = timezone.now()
    detention.save(update_fields=["status", "marked_by", "marked_at"])
    audit.record(
        "behaviour.detention.marked",
        actor=scope.user,
        school=scope.school,
        obj=detention,
        learner=detention.learner,
        changes={"status": {"from": Detention.Status.SET, "to": status}},
    )
    if status == Detention.Status.MISSED:
        _escalate(scope, detention)
    return detention


def _escalate(scope: Scope, missed: Detention) -> Detention | None:
    """The school's rule: a place in the next session of the type this one
    escalates to, on the first school day that gives the notice the policy asks
    (a session is opened there if there is none), clear of the learner's other
    detentions. None when the type has no rule."""
    rule = missed.session.type.escalates_to
    if rule is None or not rule.active:
        return None
    hours = settings_of(scope.school.pk).detention_notice_hours
    earliest = timezone.now() + dt.timedelta(hours=hours)
    first = timezone.localdate(earliest)
    calendar = SchoolCalendar.load(
        scope.school.pk, first, first + dt.timedelta(days=ESCALATION_REACH_DAYS)
    )
    existing = {
        s.date: s
        for s in DetentionSession.objects.filter(
            school=scope.school, type=rule, date__gte=first
        ).order_by("-date", "-start")
    }
    reason = (
        f"Missed {missed.session.type.name} on {missed.session.date:%d/%m/%Y} ({missed.reason})"
    )
    for offset in range(ESCALATION_REACH_DAYS + 1):
        day = first + dt.timedelta(days=offset)
        if not calendar.is_school_day(day):
            continue
        session = existing.get(day)
        if session is None:
            start = rule.default_start
            if timezone.make_aware(dt.datetime.combine(day, start)) < earliest:
                continue
            session = _session_create(
                scope,
                kind=rule,
                date=day,
                start=start,
                room=rule.default_room or missed.session.room,
                supervisor=missed.session.supervisor,
            )
        if _refusal(scope, missed.learner, session):
            continue
        return _place(
            scope, missed.learner, session, reason, missed.incident, escalated_from=missed
        )
    return None
