"""Attendance targets: a learner's targets, one target, and who is below theirs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, FloatField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from attendance import formula
from attendance.models import Target
from pastoral.access import Cap, Scope, learner_filter
from pastoral.models import Learner


def targets_for(scope: Scope, learner: Learner) -> QuerySet[Target]:
    return (
        Target.objects.filter(learner=learner)
        .filter(learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__"))
        .select_related("owner")
        .prefetch_related("reviews__reviewed_by")
    )


def target_or_404(scope: Scope, pk: int, cap: Cap = Cap.SET_ATTENDANCE_TARGETS) -> Target:
    target = (
        Target.objects.filter(pk=pk)
        .filter(learner_filter(scope, cap, prefix="learner__"))
        .select_related("learner", "learner__school", "owner")
        .first()
    )
    if target is None:
        raise Http404("Not found")
    return target


def below_target_for(scope: Scope, *, end: dt.date | None = None) -> QuerySet[Any]:
    """Learners whose attendance since their active target was set is below it."""
    end = end or timezone.localdate()
    since = Q(
        learner__attendance_marks__date__gte=F("start"),
        learner__attendance_marks__date__lte=end,
    )
    return (
        Target.objects.filter(
            learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__"),
            school=scope.school,
            status=Target.Status.ACTIVE,
        )
        # The target's id under its own name: hydrate() puts every key on the learner,
        # and a "pk" key would turn the learner into another one (wrong links).
        .values("learner_id", "target_percent", target_id=F("pk"))
        .annotate(
            **formula.counts(
                "learner__attendance_marks__", names=("possible", "attending"), where=since
            )
        )
        .annotate(attendance_pct=formula.ATTENDANCE.orm())
        .filter(possible__gt=0, attendance_pct__lt=Cast("target_percent", FloatField()))
        .order_by("attendance_pct", "learner_id")
    )
