"""Parents, restrictions and agencies for the people tests and the permission matrix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pastoral.models import Agency, AgencyContact, Contact, ContactRestriction, Learner


def make_parent(learner: Learner, name: str = "Jane Parent", **values: Any) -> Contact:
    return Contact.objects.create(
        learner=learner,
        name=name,
        relationship=values.pop("relationship", Contact.Relationship.MOTHER),
        priority=values.pop("priority", 1),
        **values,
    )


def make_restriction(contact: Contact, **values: Any) -> ContactRestriction:
    return ContactRestriction.objects.create(
        contact=contact,
        basis=values.pop("basis", ContactRestriction.Basis.COURT_ORDER),
        basis_date=values.pop("basis_date", dt.date(2025, 3, 14)),
        restricts=values.pop("restricts", ContactRestriction.Restricts.NO_CONTACT),
        **values,
    )


def make_agency(school: Any, name: str = "Front Door (MASH)", **values: Any) -> Agency:
    agency = Agency.objects.create(
        school=school, name=name, kind=values.pop("kind", Agency.Kind.SOCIAL_CARE), **values
    )
    AgencyContact.objects.create(agency=agency, name="Dee Duty", role="Duty social worker")
    return agency


def restriction_form(**values: str) -> dict[str, str]:
    return {
        "basis": "court_order",
        "basis_date": "2025-03-14",
        "reference": "ZW25P00123",
        "restricts": "no_contact",
        "with_whom": "",
        "expires": "",
        "note": "",
        **values,
    }


def contact_form(**values: str) -> dict[str, str]:
    return {
        "title": "Mr",
        "name": "Paul Parent",
        "relationship": "father",
        "priority": "2",
        "phone": "01632 960001",
        "mobile": "",
        "email": "paul@example.org",
        "address": "1 High Street",
        "notes": "",
        "parental_responsibility": "on",
        "lives_with_learner": "on",
        "emergency_contact": "on",
        **values,
    }
