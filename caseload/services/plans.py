"""Plans and their versions, targets and reviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from caseload.models import Need, Plan, PlanVersion, Review, Target, TargetProgress
from caseload.services._common import reach
from caseload.versions import diff_snapshots
from pastoral import audit
from pastoral.access import Cap, Scope, learner_filter, require
from pastoral.models import Learner


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


def _school_needs(scope: Scope, needs: Iterable[Need]) -> list[Need]:
    chosen = list({need.pk: need for need in needs}.values())
    if any(need.school_id != scope.school.pk for need in chosen):
        raise ValidationError({"needs": "Choose needs from your school's list."})
    return chosen


@transaction.atomic
def plan_create(
    *,
    scope: Scope,
    learner: Learner,
    fields: dict[str, Any],
    targets: Sequence[dict[str, Any]],
    needs: Iterable[Need] = (),
    status: str = Plan.Status.DRAFT,
) -> Plan:
    """Create a plan (version 1) with its SMART targets."""
    learner = reach(scope, learner.pk, Cap.MANAGE_PLANS)
    plan = Plan(
        school=scope.school,
        learner=learner,
        status=status,
        created_by=scope.user,
        **{k: fields[k] for k in PLAN_FIELDS if k in fields},
    )
    plan.full_clean()
    needs = _school_needs(scope, needs)
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
    needs: Iterable[Need],
    reason: str = "Plan amended",
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
    needs = _school_needs(scope, needs)
    _bump_version(plan, expected_version)
    plan.updated_at = timezone.now()
    plan.save(update_fields=[*PLAN_FIELDS, "updated_at"])
    plan.needs.set(needs)
    _apply_targets(plan, targets)
    version = _write_version(plan, scope, reason)
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
    )
    return plan


@transaction.atomic
def plan_set_status(
    *,
    scope: Scope,
    plan: Plan,
    status: str,
    expected_version: int,
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
    )
    return review
