"""Allocations: a learner's key workers (lead or supporting) over time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from caseload.models import Allocation
from caseload.services._common import check_worker, reach
from pastoral import audit
from pastoral.access import Cap, Scope, learner_filter, require
from pastoral.models import Learner, User


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
) -> Allocation:
    """Allocate a learner to a key worker (lead or supporting) for a period."""
    learner = reach(scope, learner.pk, Cap.ALLOCATE_CASELOADS)
    check_worker(scope, worker)
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
    )
    return allocation


@transaction.atomic
def allocation_end(
    *,
    scope: Scope,
    allocation: Allocation,
    end: dt.date,
    reason: str = "",
) -> Allocation:
    """End an allocation on the given day (kept as history, never deleted)."""
    reach(scope, allocation.learner_id, Cap.ALLOCATE_CASELOADS)
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
) -> list[Allocation]:
    """Move learners from one key worker to another in one atomic step.

    The old allocations end the day before `start`; the new ones keep their
    kind (lead stays lead). If any learner cannot be moved, nothing is.
    """
    require(scope, Cap.ALLOCATE_CASELOADS)
    check_worker(scope, to_worker, "to_worker")
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
        )
    return moved
