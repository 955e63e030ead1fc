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


def plan_reviews(plan: Plan, versions: list[PlanVersion] | None = None) -> list[Review]:
    """The plan's reviews; each progress line carries `wording`, the target's
    words in the version that review looked at (not as amended since)."""
    reviews = list(
        plan.reviews.select_related("reviewed_by").prefetch_related(
            Prefetch(
                "progress",
                queryset=TargetProgress.objects.select_related("target"),
            )
        )
    )
    if versions is None:
        versions = plan_versions(plan)
    words = {
        v.number: {t["id"]: t.get("what", "") for t in v.snapshot.get("targets", [])}
        for v in versions
    }
    for review in reviews:
        reviewed = words.get(review.version_reviewed, {})
        for line in review.progress.all():
            line.wording = reviewed.get(line.target_id) or line.target.what
    return reviews


def plan_versions(plan: Plan) -> list[PlanVersion]:
    return list(plan.versions.select_related("created_by"))


def plan_version_or_404(plan: Plan, number: int) -> PlanVersion:
    version = plan.versions.select_related("created_by").filter(number=number).first()
    if version is None:
        raise Http404("Not found")
    return version
