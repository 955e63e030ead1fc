"""Behaviour types (the school's settings) and logging incidents, one learner or a class."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from behaviour.access import require_lead, require_log
from behaviour.models import BehaviourType, Incident, Kind, MilestoneAward
from behaviour.services.policy import settings_of
from pastoral import audit, providers
from pastoral.access import Scope
from pastoral.models import Learner, Membership, Role, User
from pastoral.notifications.services import notifications_create

TYPE_FIELDS = [
    "name",
    "kind",
    "category",
    "default_points",
    "min_points",
    "max_points",
    "severity",
    "needs_follow_up",
    "notify_tutor",
    "notify_hoy",
    "notify_key_worker",
    "notify_senco_if_sen",
    "active",
]
MAX_NOTE = 2000
FUTURE_TOLERANCE = dt.timedelta(minutes=10)


def _unique_name(school_id: int, name: str, exclude: int | None = None) -> None:
    qs = BehaviourType.objects.filter(school_id=school_id, name__iexact=name)
    if exclude:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise ValidationError({"name": "The school already has a type with that name."})


@transaction.atomic
def behaviour_type_create(*, scope: Scope, **fields: Any) -> BehaviourType:
    """The behaviour lead adds a type to the school's list."""
    require_lead(scope)
    fields["name"] = str(fields.get("name", "")).strip()
    _unique_name(scope.school.pk, fields["name"])
    last = BehaviourType.objects.filter(school=scope.school).order_by("-order").first()
    kind = BehaviourType(school=scope.school, order=(last.order + 1) if last else 0)
    for name in TYPE_FIELDS:
        if name in fields:
            setattr(kind, name, fields[name])
    kind.full_clean()
    kind.save()
    audit.record(
        "behaviour.type.created",
        actor=scope.user,
        school=scope.school,
        obj=kind,
        changes={f: getattr(kind, f) for f in TYPE_FIELDS},
    )
    return kind


@transaction.atomic
def behaviour_type_update(
    *, scope: Scope, behaviour_type: BehaviourType, **fields: Any
) -> BehaviourType:
    """Change a type (its points range, severity, who is told). Incidents
    logged before keep the points they were given."""
    require_lead(scope)
    kind = behaviour_type
    if kind.school_id != scope.school.pk:
        raise ValidationError("That type belongs to another school.")
    before = {f: getattr(kind, f) for f in TYPE_FIELDS}
    if "name" in fields:
        fields["name"] = str(fields["name"]).strip()
        _unique_name(scope.school.pk, fields["name"], exclude=kind.pk)
    for name in TYPE_FIELDS:
        if name in fields:
            setattr(kind, name, fields[name])
    if kind.kind != before["kind"] and kind.incidents.exists():
        raise ValidationError({"kind": "Incidents were logged with this type: it stays as it is."})
    kind.full_clean()
    kind.save()
    changes = audit.diff(before, {f: getattr(kind, f) for f in TYPE_FIELDS})
    if changes:
        audit.record(
            "behaviour.type.changed",
            actor=scope.user,
            school=scope.school,
            obj=kind,
            changes=changes,
        )
    return kind


def _check_points(kind: BehaviourType, points: int | None) -> int:
    if points is None:
        return kind.default_points
    if not (kind.min_points <= points <= kind.max_points):
        raise ValidationError(
            {
                "points": f"{kind.name} takes {kind.min_points} to {kind.max_points} points"
                f" (you gave {points})."
            }
        )
    return points


@transaction.atomic
def incidents_log(
    *,
    scope: Scope,
    learners: Sequence[Learner],
    kind: BehaviourType,
    points: int | None = None,
    note: str = "",
    period: str = "",
    room: str = "",
    occurred_at: dt.datetime | None = None,
) -> list[Incident]:
    """Log one type for one learner or many (a class), in a fixed number of
    queries however many learners: the incidents, the milestones they reach,
    the notifications the type asks for and one audit event for the batch.

    `learners` come from a selector (already in the school, with their reg
    group); `points` must lie in the type's range (its usual points if None).
    """
    require_log(scope)
    if kind.school_id != scope.school.pk or not kind.active:
        raise ValidationError({"kind": "Choose a behaviour type from the list."})
    if not learners:
        raise ValidationError({"learners": "Tick at least one learner."})
    if any(learner.school_id != scope.school.pk for learner in learners):
        raise ValidationError({"learners": "Choose learners of this school."})
    points = _check_points(kind, points)
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": f"Keep the note under {MAX_NOTE} characters."})
    now = timezone.now()
    occurred_at = occurred_at or now
    if occurred_at > now + FUTURE_TOLERANCE:
        raise ValidationError({"occurred_at": "That is in the future."})
    batch = uuid.uuid4().hex
    incidents = Incident.objects.bulk_create(
        [
            Incident(
                school=scope.school,
                learner=learner,
                type=kind,
                kind=kind.kind,
                points=points,
                occurred_at=occurred_at,
                period=period.strip()[:30],
                room=room.strip()[:30],
                note=note,
                created_by=scope.user,
                created_at=now,
                batch=batch,
            )
            for learner in learners
        ]
    )
    if kind.kind == Kind.POSITIVE:
        _award_milestones(scope, [learner.pk for learner in learners])
    _notify(scope, kind, incidents, batch)
    audit.record(
        "behaviour.incident.created",
        actor=scope.user,
        school=scope.school,
        obj=incidents[0] if len(incidents) == 1 else None,
        object_type="behaviour.incident" if len(incidents) > 1 else "",
        object_id=batch if len(incidents) > 1 else "",
        learner=learners[0] if len(learners) == 1 else None,
        changes={
            "type": kind.name,
            "points": points,
            "incidents": [i.reference for i in incidents],
            "learners": [learner.pk for learner in learners],
            "period": period,
            "room": room,
            "note": note,
        },
    )
    return incidents


def _award_milestones(scope: Scope, learner_ids: list[int]) -> None:
    """Milestones each learner's positive total has reached (two queries)."""
    milestones = settings_of(scope.school.pk).milestones
    if not milestones:
        return
    totals = (
        Incident.objects.filter(learner_id__in=learner_ids, kind=Kind.POSITIVE)
        .values("learner_id")
        .annotate(total=Sum("points"))
    )
    awards = [
        MilestoneAward(school=scope.school, learner_id=row["learner_id"], points=m)
        for row in totals
        for m in milestones
        if row["total"] >= m
    ]
    if awards:
        MilestoneAward.objects.bulk_create(awards, ignore_conflicts=True)


def _notify(scope: Scope, kind: BehaviourType, incidents: list[Incident], batch: str) -> None:
    """Tell the people the type names, in a few queries whatever the class size.
    Titles carry the type and a reference, never a learner's name."""
    learners = [i.learner for i in incidents]
    wanted: set[int] = set()
    if kind.notify_tutor:
        wanted |= {
            lr.reg_group.tutor_id for lr in learners if lr.reg_group and lr.reg_group.tutor_id
        }
    roles = Q(pk__in=[])
    if kind.notify_hoy:
        roles |= Q(role=Role.HEAD_OF_YEAR, year_groups__in={lr.year_group_id for lr in learners})
    if kind.notify_senco_if_sen and any(lr.sen_status != Learner.SEN.NONE for lr in learners):
        roles |= Q(role=Role.SENCO)
    if kind.notify_hoy or kind.notify_senco_if_sen:
        wanted |= set(
            Membership.objects.filter(roles, school=scope.school).values_list("user_id", flat=True)
        )
    wanted.discard(scope.user.pk)
    if len(incidents) == 1:
        title = f"Behaviour: {kind.name} logged ({incidents[0].reference})"
        url = reverse("behaviour:incident-detail", kwargs={"pk": incidents[0].pk})
    else:
        title = f"Behaviour: {kind.name} logged for {len(incidents)} learners"
        url = reverse("behaviour:incident-list") + f"?batch={batch}"
    workers: dict[int, set[int]] = {}
    if kind.notify_key_worker:
        workers = providers.key_workers_of(scope.school.pk, [lr.pk for lr in learners])
    everyone = wanted | {w for ids in workers.values() for w in ids}
    if not everyone:
        return
    users = {
        u.pk: u
        for u in User.objects.filter(
            pk__in=everyone, is_active=True, memberships__school=scope.school
        ).distinct()
    }
    notifications_create(
        recipients=[users[pk] for pk in sorted(wanted) if pk in users],
        school=scope.school,
        kind="behaviour.incident",
        title=title,
        url=url,
        obj=incidents[0],
        urgent=False,
    )
    # A key worker may not open behaviour records (ACCESS.md): their link is the
    # learner's directory card; usually one learner, so one call.
    for learner_id, ids in workers.items():
        recipients = [
            users[pk] for pk in sorted(ids - wanted) if pk in users and pk != scope.user.pk
        ]
        if recipients:
            notifications_create(
                recipients=recipients,
                school=scope.school,
                kind="behaviour.incident",
                title=f"Behaviour: {kind.name} logged for a learner on your caseload",
                url=reverse("pastoral:learner-detail", kwargs={"pk": learner_id}),
                urgent=False,
            )
