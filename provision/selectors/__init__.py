"""Every read of alternative provision, scoped to the person asking."""

from provision.selectors.placements import placement_or_404, placements_for
from provision.selectors.providers import (
    confirmation_or_404,
    confirmation_problem,
    provider_or_404,
    providers_for,
)
from provision.selectors.reconciliation import KIND_LABELS, Discrepancy, discrepancies_for
from provision.selectors.whereabouts import Whereabouts, current_session, whereabouts_for

__all__ = [
    "KIND_LABELS",
    "Discrepancy",
    "Whereabouts",
    "confirmation_or_404",
    "confirmation_problem",
    "current_session",
    "discrepancies_for",
    "placement_or_404",
    "placements_for",
    "provider_or_404",
    "providers_for",
    "whereabouts_for",
]
