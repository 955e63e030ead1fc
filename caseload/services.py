"""Every write of the caseload app.

Each service takes the acting person's `scope` (its `.user` is the actor),
checks the capability and that the learner is within reach (Http404 if not,
so existence never leaks), validates with full_clean(), saves and writes its
audit event inside one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest
from django.utils import timezone

from caseload.models import (
    AgreedAction,
    Allocation,
    ContactLog,
    Intervention,
    Mark,
    Need,
    Plan,
    PlanVersion,
    Review,
    RosterEntry,
    Session,
    Target,
    TargetProgress,
)
from pastoral import audit
from pastoral.access import Cap, Scope, learner_filter, require
from pastoral.models import Learner, Membership, Role, User

KEY_WORKER_ROLES = (Role.SUPPORT, Role.HEAD_OF_YEAR, Role.SENCO, Role.DSL, Role.DEPUTY_DSL)


class StaleVersion(Exception):
    """Someone else changed the plan since the form was opened."""

    def __init__(self, plan: Plan, latest: PlanVersion | None) -> None:
        self.plan = plan
        self.latest = latest
        who = latest.created_by if latest and latest.created_by else "someone else"
        when = f" at {timezone.localtime(latest.created_at):%H:%M}" if latest else ""
        super().__init__(
            f"{who} changed this plan{when} (now version {plan.version}) while you were "
            "working on it. Nothing of yours was saved: your text is still in the form below. "
            "Compare with the latest version, then submit again."
        )


def _reach(scope: Scope, learner_id: int, cap: Cap) -> Learner:
    """The learner, locked for the rest of the transaction, if the scope reaches them."""
    require(scope, cap)
    learner = (
        Learner.objects.select_for_update()
        .filter(learner_filter(scope, cap), pk=learner_id)
        .first()
    )
    if learner is None:
        raise Http404("Not found")
    return learner


def _check_worker(scope: Scope, worker: User, field: str = "worker") -> None:
    ok = Membership.objects.filter(
        user=worker, school=scope.school, role__in=KEY_WORKER_ROLES, user__is_active=True
    ).exists()
    if not ok:
        raise ValidationError({field: "Choose a key worker who works in this school."})


# --- allocations ---------------------------------------------------------------


@transaction.atomic
def allocation_create(
    *,
    scope: Scope,
    learner: Learner,
    worker: User,
    kind: str,
    reason: str,
    start: dt.date,
    end: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Allocation:
    """Allocate a learner to a key worker (lead or supporting) for a period."""
    learner = _reach(scope, learner.pk, Cap.ALLOCATE_CASELOADS)
    _check_worker(scope, worker)
    allocation = Allocation(
        school=scope.school,
        learner=learner,
        worker=worker,
        kind=kind,
        reason=reason,
        start=start,
        end=end,
        created_by=scope.user,
    )
    allocation.full_clean()
    allocation.save()
    audit.record(
        "caseload.allocation.created",
        actor=scope.user,
        school=scope.school,
        obj=allocation,
        learner=learner,
        changes={"worker": worker.pk, "kind": kind, "start": start, "end": end, "reason": reason},
        request=request,
    )
    return allocation


@transaction.atomic
def allocation_end(
    *,
    scope: Scope,
    allocation: Allocation,
    end: dt.date,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Allocation:
    """End an allocation on the given day (kept as history, never deleted)."""
    _reach(scope, allocation.learner_id, Cap.ALLOCATE_CASELOADS)
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    before = {"end": allocation.end}
    allocation.end = end
    allocation.end_reason = reason
    allocation.full_clean()
    allocation.save(update_fields=["end", "end_reason"])
    audit.record(
        "caseload.allocation.ended",
        actor=scope.user,
        school=scope.school,
        obj=allocation,
        learner=allocation.learner,
        changes=audit.diff(before, {"end": end}) | {"reason": reason},
        request=request,
    )
    return allocation


@transaction.atomic
def allocations_reallocate(
    *,
    scope: Scope,
    from_worker: User,
    to_worker: User,
    learner_ids: Iterable[int],
    start: dt.date,
    reason: str,
    request: HttpRequest | None = None,
) -> list[Allocation]:
    """Move learners from one key worker to another in one atomic step.

    The old allocations end the day before `start`; the new ones keep their
    kind (lead stays lead). If any learner cannot be moved, nothing is.
    """
    require(scope, Cap.ALLOCATE_CASELOADS)
    _check_worker(scope, to_worker, "to_worker")
    if from_worker.pk == to_worker.pk:
        raise ValidationError({"to_worker": "Choose a different key worker to move them to."})
    ids = sorted(set(learner_ids))
    if not ids:
        raise ValidationError({"learners": "Choose at least one learner to move."})
    reachable = set(
        Learner.objects.select_for_update()
        .filter(learner_filter(scope, Cap.ALLOCATE_CASELOADS), pk__in=ids)
        .values_list("pk", flat=True)
    )
    if reachable != set(ids):
        raise Http404("Not found")
    current = list(
        Allocation.objects.current(start)
        .select_for_update()
        .filter(worker=from_worker, school=scope.school, learner_id__in=ids)
        .select_related("learner")
    )
    missing = set(ids) - {a.learner_id for a in current}
    if missing:
        raise ValidationError(
            {
                "learners": f"{len(missing)} of the chosen learners are not on {from_worker}'s caseload."
            }
        )
    moved: list[Allocation] = []
    last_day = start - dt.timedelta(days=1)
    for old in current:
        if old.start > last_day:
            raise ValidationError(
                {
                    "start": (
                        f"{old.learner}'s allocation to {from_worker} only starts on "
                        f"{old.start:%d %b %Y}: choose a later date, or end that allocation."
                    )
                }
            )
        old.end = last_day
        old.end_reason = reason
        old.save(update_fields=["end", "end_reason"])
        new = Allocation(
            school=scope.school,
            learner=old.learner,
            worker=to_worker,
            kind=old.kind,
            reason=reason,
            start=start,
            created_by=scope.user,
        )
        new.full_clean()
        new.save()
        moved.append(new)
        audit.record(
            "caseload.allocation.reallocated",
            actor=scope.user,
            school=scope.school,
            obj=new,
            learner=old.learner,
            changes={
                "worker": {"from": from_worker.pk, "to": to_worker.pk},
                "ended": old.pk,
                "start": start,
                "reason": reason,
            },
            request=request,
        )
    return moved


# --- plans ---------------------------------------------------------------------

PLAN_FIELDS = (
    "type",
    "start",
    "next_review",
    "strategies",
    "learner_voice",
    "parent_voice",
    "parent_agreed",
)
TARGET_FIELDS = ("what", "measure", "baseline", "by_when", "who")


def _plan_in_scope(scope: Scope, plan_id: int) -> Plan:
    require(scope, Cap.MANAGE_PLANS)
    plan = (
        Plan.objects.select_for_update()
        .filter(learner_filter(scope, Cap.MANAGE_PLANS, prefix="learner__"), pk=plan_id)
        .first()
    )
    if plan is None:
        raise Http404("Not found")
    return plan


def _validate_targets(targets: Sequence[dict[str, Any]], plan: Plan) -> list[Target]:
    """Build and validate target rows; errors keyed `targets-<i>-<field>`."""
    rows: list[Target] = []
    errors: dict[str, list[str]] = {}
    for i, data in enumerate(targets):
        target = Target(plan=plan, order=i, **{k: data.get(k) for k in TARGET_FIELDS})
        if data.get("id"):
            target.pk = data["id"]
        try:
            target.full_clean(exclude=["plan"], validate_unique=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors[f"targets-{i}-{name}"] = messages
        rows.append(target)
    if errors:
        raise ValidationError(errors)
    return rows


def _write_version(plan: Plan, scope: Scope, reason: str) -> PlanVersion:
    targets = list(plan.targets.filter(removed=False))
    needs = list(plan.needs.values_list("name", flat=True))
    return PlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        snapshot=plan.snapshot(targets, needs),
        reason=reason,
        created_by=scope.user,
    )


def _school_needs(scope: Scope, need_ids: Iterable[int]) -> list[Need]:
    ids = set(need_ids)
    needs = list(Need.objects.filter(school=scope.school, pk__in=ids))
    if len(needs) != len(ids):
        raise ValidationError({"needs": "Choose needs from your school's list."})
    return needs


@transaction.atomic
def plan_create(
    *,
    scope: Scope,
    learner: Learner,
    fields: dict[str, Any],
    targets: Sequence[dict[str, Any]],
    need_ids: Iterable[int] = (),
    status: str = Plan.Status.DRAFT,
    request: HttpRequest | None = None,
) -> Plan:
    """Create a plan (version 1) with its SMART targets."""
    learner = _reach(scope, learner.pk, Cap.MANAGE_PLANS)
    plan = Plan(
        school=scope.school,
        learner=learner,
        status=status,
        created_by=scope.user,
        **{k: fields[k] for k in PLAN_FIELDS if k in fields},
    )
    plan.full_clean()
    needs = _school_needs(scope, need_ids)
    if not targets:
        raise ValidationError({"targets": "Add at least one target."})
    plan.save()
    plan.needs.set(needs)
    rows = _validate_targets(targets, plan)
    Target.objects.bulk_create(rows)
    version = _write_version(plan, scope, "Plan created")
    audit.record(
        "caseload.plan.created",
        actor=scope.user,
        school=scope.school,
        obj=plan,
        learner=learner,
        changes={"version": 1, "snapshot": version.snapshot},
        request=request,
    )
    return plan


def _bump_version(plan: Plan, expected_version: int) -> None:
    """Claim the next version, or raise StaleVersion if someone else already has."""
    claimed = Plan.objects.filter(pk=plan.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not claimed:
        plan.refresh_from_db()
        raise StaleVersion(plan, plan.versions.select_related("created_by").first())
    plan.version = expected_version + 1


def _apply_targets(plan: Plan, targets: Sequence[dict[str, Any]]) -> None:
    current = {t.pk: t for t in plan.targets.filter(removed=False)}
    rows = _validate_targets(targets, plan)
    kept_ids = {row.pk for row in rows if row.pk}
    if not kept_ids <= set(current):
        raise ValidationError({"targets": "A target in the form no longer belongs to this plan."})
    if not rows:
        raise ValidationError({"targets": "A plan needs at least one target."})
    changed = [
        row
        for row in rows
        if row.pk
        and any(getattr(row, f) != getattr(current[row.pk], f) for f in (*TARGET_FIELDS, "order"))
    ]
    if changed:
        Target.objects.bulk_update(changed, [*TARGET_FIELDS, "order"])
    new_rows = [row for row in rows if not row.pk]
    if new_rows:
        Target.objects.bulk_create(new_rows)
    gone = set(current) - kept_ids
    if gone:
        Target.objects.filter(pk__in=gone).update(removed=True)


@transaction.atomic
def plan_amend(
    *,
    scope: Scope,
    plan: Plan,
    expected_version: int,
    fields: dict[str, Any],
    targets: Sequence[dict[str, Any]],
    need_ids: Iterable[int],
    reason: str = "Plan amended",
    request: HttpRequest | None = None,
) -> Plan:
    """Amend a plan: a new immutable version; raises StaleVersion on a lost race."""
    plan = _plan_in_scope(scope, plan.pk)
    if plan.status == Plan.Status.CLOSED:
        raise ValidationError("A closed plan cannot be amended; reopen it or start a new plan.")
    before = plan.versions.first()
    for key in PLAN_FIELDS:
        if key in fields:
            setattr(plan, key, fields[key])
    plan.full_clean()
    needs = _school_needs(scope, need_ids)
    _bump_version(plan, expected_version)
    plan.updated_at = timezone.now()
    plan.save(update_fields=[*PLAN_FIELDS, "updated_at"])
    plan.needs.set(needs)
    _apply_targets(plan, targets)
    version = _write_version(plan, scope, reason)
    from caseload.versions import diff_snapshots

    changes = diff_snapshots(before.snapshot if before else {}, version.snapshot)
    audit.record(
        "caseload.plan.amended",
        actor=scope.user,
        school=scope.school,
        obj=plan,
        learner=plan.learner,
        changes={
            "version": {"from": expected_version, "to": plan.version},
            "fields": [c.label for c in changes.fields],
            "targets": [f"{t.status}: {t.what}" for t in changes.targets],
        },
        request=request,
    )
    return plan


@transaction.atomic
def plan_set_status(
    *,
    scope: Scope,
    plan: Plan,
    status: str,
    expected_version: int,
    request: HttpRequest | None = None,
) -> Plan:
    """Activate, close or reopen a plan (a new version records the change)."""
    plan = _plan_in_scope(scope, plan.pk)
    if status not in Plan.Status.values or status == plan.status:
        raise ValidationError({"status": "Choose a different status."})
    old = plan.status
    _bump_version(plan, expected_version)
    plan.status = status
    plan.closed_on = timezone.localdate() if status == Plan.Status.CLOSED else None
    plan.save(update_fields=["status", "closed_on", "updated_at"])
    _write_version(plan, scope, f"Status: {Plan.Status(status).label}")
    audit.record(
        "caseload.plan.status_changed",
        actor=scope.user,
        school=scope.school,
        obj=plan,
        learner=plan.learner,
        changes={"status": {"from": old, "to": status}},
        request=request,
    )
    return plan


@transaction.atomic
def plan_review(
    *,
    scope: Scope,
    plan: Plan,
    expected_version: int,
    date: dt.date,
    outcome: str,
    summary: str,
    next_review: dt.date | None,
    progress: Sequence[dict[str, Any]],
    amended_targets: Sequence[dict[str, Any]] | None = None,
    request: HttpRequest | None = None,
) -> Review:
    """Record a review: progress per target, the next step, and optionally amend.

    `progress` has one dict per current target (target id, progress, evidence,
    next_step). `amended_targets`, when given and different, becomes a new
    version of the plan ("amended at review").
    """
    plan = _plan_in_scope(scope, plan.pk)
    if plan.status != Plan.Status.ACTIVE:
        raise ValidationError("Only an active plan can be reviewed.")
    errors: dict[str, str] = {}
    if date < plan.start:
        errors["date"] = f"The review cannot be before the plan starts ({plan.start:%d %b %Y})."
    if date > timezone.localdate():
        errors["date"] = "A review is recorded on or after the day it happened."
    if outcome != Review.Outcome.CLOSE:
        if next_review is None:
            errors["next_review"] = "Set the date of the next review."
        elif next_review <= date:
            errors["next_review"] = "The next review must be after this review."
    if errors:
        raise ValidationError(errors)
    reviewed_version = plan.version
    if plan.version != expected_version:
        raise StaleVersion(plan, plan.versions.select_related("created_by").first())
    current = {t.pk: t for t in plan.targets.filter(removed=False)}
    rows = []
    for i, item in enumerate(progress):
        target = current.get(item["target"])
        if target is None:
            raise ValidationError(
                {"progress": "A target in the form no longer belongs to this plan."}
            )
        row = TargetProgress(
            target=target,
            progress=item.get("progress") or "",
            evidence=item.get("evidence", ""),
            next_step=item.get("next_step", ""),
        )
        try:
            row.full_clean(exclude=["review"])
        except ValidationError as exc:
            raise ValidationError(
                {f"progress-{i}-{k}": v for k, v in exc.message_dict.items()}
            ) from exc
        rows.append(row)
    review = Review(
        plan=plan,
        date=date,
        summary=summary,
        outcome=outcome,
        next_review=next_review,
        version_reviewed=reviewed_version,
        reviewed_by=scope.user,
    )
    review.full_clean()
    review.save()
    for row in rows:
        row.review = review
    TargetProgress.objects.bulk_create(rows)

    changed_targets = amended_targets is not None and [
        {k: t.get(k) for k in ("id", *TARGET_FIELDS)} for t in amended_targets
    ] != [{"id": t.pk, **{k: getattr(t, k) for k in TARGET_FIELDS}} for t in current.values()]
    if changed_targets or next_review != plan.next_review or outcome == Review.Outcome.CLOSE:
        _bump_version(plan, expected_version)
        if next_review is not None:
            plan.next_review = next_review
        if outcome == Review.Outcome.CLOSE:
            plan.status = Plan.Status.CLOSED
            plan.closed_on = date
        plan.full_clean()
        plan.save(update_fields=["next_review", "status", "closed_on", "updated_at"])
        if changed_targets:
            assert amended_targets is not None
            _apply_targets(plan, amended_targets)
        reason = (
            f"Amended at review on {date:%d %b %Y}"
            if changed_targets
            else f"Reviewed on {date:%d %b %Y}"
        )
        _write_version(plan, scope, reason)
        review.version_created = plan.version
        review.save(update_fields=["version_created"])
    audit.record(
        "caseload.plan.reviewed",
        actor=scope.user,
        school=scope.school,
        obj=review,
        learner=plan.learner,
        changes={
            "plan": plan.pk,
            "outcome": outcome,
            "progress": {str(r.target_id): r.progress for r in rows},
            "version": {"from": reviewed_version, "to": plan.version},
        },
        request=request,
    )
    return review


# --- needs list ------------------------------------------------------------------


@transaction.atomic
def need_create(*, scope: Scope, name: str, request: HttpRequest | None = None) -> Need:
    """Add a need or barrier to the school's list (SENCO)."""
    require(scope, Cap.VIEW_CASELOAD_BOARD)
    if not scope.has(Role.SENCO):
        raise Http404("Not found")
    need = Need(school=scope.school, name=name.strip())
    if Need.objects.filter(school=scope.school, name__iexact=need.name).exists():
        raise ValidationError({"name": "That need is already on the list."})
    need.full_clean()
    need.save()
    audit.record(
        "caseload.need.created",
        actor=scope.user,
        school=scope.school,
        obj=need,
        changes={"name": need.name},
        request=request,
    )
    return need


@transaction.atomic
def need_set_active(
    *, scope: Scope, need: Need, active: bool, request: HttpRequest | None = None
) -> Need:
    """Retire a need from the list (kept on old plans) or bring it back."""
    require(scope, Cap.VIEW_CASELOAD_BOARD)
    if not scope.has(Role.SENCO) or need.school_id != scope.school.pk:
        raise Http404("Not found")
    need.active = active
    need.save(update_fields=["active"])
    audit.record(
        "caseload.need.changed",
        actor=scope.user,
        school=scope.school,
        obj=need,
        changes={"active": active},
        request=request,
    )
    return need


# --- interventions and sessions ----------------------------------------------------


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
    request: HttpRequest | None = None,
) -> Intervention:
    """Start an intervention group (or a 1:1)."""
    require(scope, Cap.RECORD_CONTACTS)
    _check_worker(scope, leader, "leader")
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
        request=request,
    )
    return group


@transaction.atomic
def roster_add(
    *,
    scope: Scope,
    intervention: Intervention,
    learner: Learner,
    request: HttpRequest | None = None,
) -> RosterEntry:
    """Put a learner (within the actor's reach) on an intervention's roster."""
    learner = _reach(scope, learner.pk, Cap.RECORD_CONTACTS)
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
        request=request,
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
    request: HttpRequest | None = None,
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
            request=request,
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
    request: HttpRequest | None = None,
) -> Session:
    """Record a 1:1 mentoring session with the learner, led by the actor."""
    learner = _reach(scope, learner.pk, Cap.RECORD_CONTACTS)
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
            request=request,
        )
        roster_add(scope=scope, intervention=group, learner=learner, request=request)
    return session_record(
        scope=scope,
        intervention=group,
        date=date,
        marks={learner.pk: status},
        notes=notes,
        outcomes=outcomes,
        duration_minutes=duration_minutes,
        request=request,
    )


# --- contacts log ------------------------------------------------------------------


@transaction.atomic
def contact_log_create(
    *,
    scope: Scope,
    learner: Learner,
    fields: dict[str, Any],
    actions: Sequence[dict[str, Any]] = (),
    request: HttpRequest | None = None,
) -> ContactLog:
    """Log a contact (call, meeting, visit, conference...) and its agreed actions."""
    learner = _reach(scope, learner.pk, Cap.RECORD_CONTACTS)
    entry = ContactLog(school=scope.school, learner=learner, recorded_by=scope.user, **fields)
    entry.full_clean()
    if entry.when > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"when": "A contact is logged after it happened."})
    if entry.colleague_id is not None:
        _check_colleague = Membership.objects.filter(
            user_id=entry.colleague_id, school=scope.school
        )
        if not _check_colleague.exists():
            raise ValidationError({"colleague": "Choose a colleague from this school."})
    entry.save()
    rows = []
    errors: dict[str, list[str]] = {}
    owners = set(
        Membership.objects.filter(
            school=scope.school, user_id__in=[a.get("owner").pk for a in actions if a.get("owner")]
        ).values_list("user_id", flat=True)
    )
    for i, data in enumerate(actions):
        action = AgreedAction(contact=entry, **data)
        try:
            action.full_clean()
            if action.owner_id not in owners:
                raise ValidationError({"owner": "Choose someone from this school."})
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors[f"actions-{i}-{name}"] = messages
        rows.append(action)
    if errors:
        raise ValidationError(errors)
    AgreedAction.objects.bulk_create(rows)
    audit.record(
        "caseload.contact.created",
        actor=scope.user,
        school=scope.school,
        obj=entry,
        learner=learner,
        changes={
            "kind": entry.kind,
            "with": entry.with_whom,
            "when": entry.when,
            "actions": len(rows),
        },
        request=request,
    )
    return entry


@transaction.atomic
def action_complete(
    *, scope: Scope, action: AgreedAction, request: HttpRequest | None = None
) -> AgreedAction:
    """Mark an agreed action done (today)."""
    contact = action.contact
    _reach(scope, contact.learner_id, Cap.RECORD_CONTACTS)
    if action.done_on is None:
        action.done_on = timezone.localdate()
        action.save(update_fields=["done_on"])
        audit.record(
            "caseload.action.completed",
            actor=scope.user,
            school=scope.school,
            obj=action,
            learner=contact.learner,
            changes={"done_on": action.done_on},
            request=request,
        )
    return action
