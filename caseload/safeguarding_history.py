"""What the caseload app adds beside the DSL's triage form: each learner's key
workers and open plans. Registered with safeguarding in CaseloadConfig.ready(),
since safeguarding may not import this app."""

from __future__ import annotations

from django.urls import reverse

from caseload.models import Allocation, Plan
from caseload.selectors.casework import OPEN
from pastoral.access import Scope
from pastoral.models import Learner
from safeguarding.selectors.history import Fact


def casework_facts(scope: Scope, learners: list[Learner]) -> dict[int, list[Fact]]:
    """Key workers in force today and open plans (two queries, any number of learners)."""
    ids = [lr.pk for lr in learners]
    out: dict[int, list[Fact]] = {pk: [] for pk in ids}
    for allocation in (
        Allocation.objects.current()
        .filter(school=scope.school, learner_id__in=ids)
        .select_related("worker")
        .order_by("kind", "start")
    ):
        label = "Key worker" if allocation.kind == Allocation.Kind.LEAD else "Supporting"
        out[allocation.learner_id].append(Fact(label, allocation.worker.full_name))
    plans = (
        Plan.objects.filter(school=scope.school, learner_id__in=ids, status__in=OPEN)
        .order_by("next_review", "id")
        .only("pk", "learner_id", "type", "status", "next_review")
    )
    for plan in plans:
        review = f"{plan.next_review.day} {plan.next_review:%b %Y}"
        out[plan.learner_id].append(
            Fact(
                "Open plan",
                f"{plan.get_type_display()} ({plan.get_status_display().lower()}), review {review}",
                reverse("caseload:plan-detail", kwargs={"pk": plan.pk}),
            )
        )
    for facts in out.values():
        if not any(f.label == "Key worker" for f in facts):
            facts.insert(0, Fact("Key worker", "None allocated"))
        if not any(f.label == "Open plan" for f in facts):
            facts.append(Fact("Open plan", "None"))
    return out
