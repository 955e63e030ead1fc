"""Intervention groups, their rosters and sessions (registers), and 1:1 sessions."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from caseload.models import Intervention, Mark, RosterEntry, Session
from caseload.services._common import check_worker, reach
from pastoral import audit
from pastoral.access import Cap, Scope, require
from pastoral.models import Learner, User


@transaction.atomic
def intervention_create(
    *,
    scope: Scope,
    name: str,
    kind: str,
    leader: User,
    start: dt.date,
    description: str = "",
    one_to_one: bool = False,
) -> Intervention:
    """Start an intervention group (or a 1:1)."""
    require(scope, Cap.RECORD_CONTACTS)
    check_worker(scope, leader, "leader")
    group = Intervention(
        school=scope.school,
        name=name,
        kind=kind,
        leader=leader,
        start=start,
        description=description,
        one_to_one=one_to_one,
    )
    group.full_clean()
    group.save()
    audit.record(
        "caseload.intervention.created",
        actor=scope.user,
        school=scope.school,
        obj=group,
        changes={"name": name, "kind": kind, "leader": leader.pk},
    )
    return group


@transaction.atomic
def roster_add(
    *,
    scope: Scope,
    intervention: Intervention,
    learner: Learner,
) -> RosterEntry:
    """Put a learner (within the actor's reach) on an intervention's roster."""
    learner = reach(scope, learner.pk, Cap.RECORD_CONTACTS)
    if intervention.school_id != scope.school.pk:
        raise Http404("Not found")
    if RosterEntry.objects.filter(intervention=intervention, learner=learner).exists():
        raise ValidationError({"learner": f"{learner} is already in this group."})
    if intervention.one_to_one and intervention.members.exists():
        raise ValidationError({"learner": "A 1:1 intervention has one learner."})
    entry = RosterEntry.objects.create(intervention=intervention, learner=learner)
    audit.record(
        "caseload.intervention.member_added",
        actor=scope.user,
        school=scope.school,
        obj=intervention,
        learner=learner,
    )
    return entry


@transaction.atomic
def session_record(
    *,
    scope: Scope,
    intervention: Intervention,
    date: dt.date,
    marks: dict[int, str],
    notes: str = "",
    outcomes: str = "",
    duration_minutes: int = 45,
) -> Session:
    """Record a session with its register (present / absent / excused per learner)."""
    require(scope, Cap.RECORD_CONTACTS)
    if intervention.school_id != scope.school.pk:
        raise Http404("Not found")
    roster = set(
        intervention.members.filter(left__isnull=True).values_list("learner_id", flat=True)
    )
    strangers = set(marks) - roster
    if strangers:
        names = (
            ", ".join(str(x) for x in Learner.objects.filter(pk__in=strangers, school=scope.school))
            or "a learner"
        )
        raise ValidationError(
            {"register": f"{names} is not in this group: add them to the roster first."}
        )
    if not marks:
        raise ValidationError({"register": "Mark at least one learner present, absent or excused."})
    bad = [v for v in marks.values() if v not in Mark.Status.values]
    if bad:
        raise ValidationError({"register": "Mark each learner present, absent or excused."})
    if date > timezone.localdate():
        raise ValidationError({"date": "A session is recorded on or after the day it happened."})
    session = Session(
        intervention=intervention,
        date=date,
        notes=notes,
        outcomes=outcomes,
        duration_minutes=duration_minutes,
        recorded_by=scope.user,
    )
    session.full_clean()
    session.save()
    Mark.objects.bulk_create(
        [Mark(session=session, learner_id=lid, status=status) for lid, status in marks.items()]
    )
    for lid, status in marks.items():
        audit.record(
            "caseload.session.recorded",
            actor=scope.user,
            school=scope.school,
            obj=session,
            learner=Learner(pk=lid),
            changes={"status": status, "date": date},
        )
    return session


@transaction.atomic
def one_to_one_session_record(
    *,
    scope: Scope,
    learner: Learner,
    date: dt.date,
    status: str,
    notes: str = "",
    outcomes: str = "",
    duration_minutes: int = 45,
) -> Session:
    """Record a 1:1 mentoring session with the learner, led by the actor."""
    learner = reach(scope, learner.pk, Cap.RECORD_CONTACTS)
    group = Intervention.objects.filter(
        school=scope.school, one_to_one=True, leader=scope.user, members__learner=learner
    ).first()
    if group is None:
        group = intervention_create(
            scope=scope,
            name=f"1:1 mentoring: {learner}",
            kind=Intervention.Kind.MENTORING,
            leader=scope.user,
            start=date,
            one_to_one=True,
        )
        roster_add(scope=scope, intervention=group, learner=learner)
    return session_record(
        scope=scope,
        intervention=group,
        date=date,
        marks={learner.pk: status},
        notes=notes,
        outcomes=outcomes,
        duration_minutes=duration_minutes,
    )
