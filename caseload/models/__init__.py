"""Caseload data: allocations of learners to key workers, plans, sessions, contacts."""

from caseload.models.allocation import Allocation

__all__ = ["Allocation"]
