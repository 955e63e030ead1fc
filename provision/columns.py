"""Export columns of the provision lists (pastoral/exports.py)."""

from __future__ import annotations

from typing import Any

from pastoral.exports import Column


def _sessions(placement: Any) -> str:
    return "; ".join(placement.session_labels())


PROVIDERS = [
    Column("Provider", "name"),
    Column("Registration", lambda p: p.get_registration_display()),
    Column("URN", "urn"),
    Column("UKPRN", "ukprn"),
    Column("Contact", "contact_name"),
    Column("Phone", "phone"),
    Column("E-mail", "email"),
    Column("Safer-recruitment confirmation valid until", "valid_until"),
]

PLACEMENTS = [
    Column("Reference", "reference"),
    Column("Learner", "learner.display_name"),
    Column("Year", "learner.year_group.name"),
    Column("Provider", "provider.name"),
    Column("Status", lambda p: p.get_status_display()),
    Column("First day", "start"),
    Column("Last day", "last_day"),
    Column("Sessions", _sessions),
    Column("Reason", lambda p: p.get_reason_display()),
    Column("Cost (£)", "cost"),
    Column("Owner", "owner.full_name"),
    Column("Last review", "last_review"),
]

DISCREPANCIES = [
    Column("Date", "date"),
    Column("Session", "session"),
    Column("Learner", "learner.display_name"),
    Column("Year", "learner.year_group.name"),
    Column("Provider", "placement.provider.name"),
    Column("Placement", "placement.reference"),
    Column("Register code", "register_code"),
    Column("Provider reports", "report_label"),
    Column("Provider's note", "report_note"),
    Column("Disagreement", "kind_label"),
]
