"""Every write of alternative provision: keyword-only, atomic, audited."""

from provision.services.placements import (
    placement_create,
    placement_end,
    placement_start,
    placement_update,
    report_record,
    review_record,
)
from provision.services.providers import (
    confirmation_letter_open,
    confirmation_record,
    provider_create,
    provider_update,
)

__all__ = [
    "confirmation_letter_open",
    "confirmation_record",
    "placement_create",
    "placement_end",
    "placement_start",
    "placement_update",
    "provider_create",
    "provider_update",
    "report_record",
    "review_record",
]
