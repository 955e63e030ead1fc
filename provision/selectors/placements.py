"""Reads of placements, scoped to the learners in the person's case scope."""

from __future__ import annotations

from django.db.models import Max, Prefetch, QuerySet
from django.http import Http404

from pastoral.access import Scope
from pastoral.models import Learner
from provision.access import placement_filter, require_placements
from provision.models import Placement, Report, Review


def placements_for(
    scope: Scope | None,
    *,
    status: str = "",
    provider_id: int | None = None,
    learner: Learner | None = None,
) -> QuerySet[Placement]:
    """Placements of learners the person may reach (404 for whoever may not)."""
    scope = require_placements(scope)
    qs = (
        Placement.objects.filter(placement_filter(scope))
        .select_related("learner", "learner__year_group", "learner__reg_group", "provider", "owner")
        .annotate(
            valid_until=Max("provider__confirmations__expires_on"),
            last_review=Max("reviews__date"),
        )
    )
    if status:
        qs = qs.filter(status=status)
    if provider_id:
        qs = qs.filter(provider_id=provider_id)
    if learner is not None:
        qs = qs.filter(learner=learner)
    return qs.order_by("-start", "-id")


def placement_or_404(scope: Scope | None, pk: int) -> Placement:
    placement = (
        placements_for(scope)
        .prefetch_related(
            Prefetch("reviews", queryset=Review.objects.select_related("recorded_by")),
            Prefetch("reports", queryset=Report.objects.select_related("recorded_by")),
        )
        .filter(pk=pk)
        .first()
    )
    if placement is None:
        raise Http404("Not found")
    # The provider's annotation answers confirmation_problem without a query.
    placement.provider.valid_until = placement.valid_until  # type: ignore[attr-defined]
    return placement
