"""Plans, their versions and reviews."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404

from caseload.models import Plan, PlanVersion, Review, Target, TargetProgress
from pastoral.access import Cap, Scope, learner_filter, require


def plan_or_404(scope: Scope, pk: int, cap: Cap = Cap.MANAGE_PLANS) -> Plan:
    require(scope, cap)
    plan = (
        Plan.objects.filter(learner_filter(scope, cap, prefix="learner__"), pk=pk)
        .select_related("learner__year_group", "learner__reg_group", "created_by")
        .prefetch_related(
            "needs",
            Prefetch("targets", queryset=Target.objects.filter(removed=False)),
        )
        .first()
    )
    if plan is None:
        raise Http404("Not found")
    return plan


def plan_reviews(plan: Plan) -> list[Review]:
    return list(
        plan.reviews.select_related("reviewed_by").prefetch_related(
            Prefetch(
                "progress",
                queryset=TargetProgress.objects.select_related("target"),
            )
        )
    )


def plan_versions(plan: Plan) -> list[PlanVersion]:
    return list(plan.versions.select_related("created_by"))


def plan_version_or_404(plan: Plan, number: int) -> PlanVersion:
    version = plan.versions.select_related("created_by").filter(number=number).first()
    if version is None:
        raise Http404("Not found")
    return version
