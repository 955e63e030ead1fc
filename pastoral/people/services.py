"""Writes for parents and carers, their restrictions, and the agencies directory (all audited)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from pastoral import audit
from pastoral.access import Scope
from pastoral.models import Agency, AgencyContact, Contact, ContactRestriction, Learner
from pastoral.people import rules
from pastoral.people.selectors import may_edit_agencies, may_manage_contacts

CONTACT_FIELDS = (
    "title",
    "name",
    "relationship",
    "parental_responsibility",
    "priority",
    "phone",
    "mobile",
    "email",
    "address",
    "lives_with_learner",
    "emergency_contact",
    "notes",
)
RESTRICTION_FIELDS = (
    "basis",
    "basis_date",
    "restricts",
    "with_whom",
    "reference",
    "expires",
    "note",
)
AGENCY_FIELDS = ("name", "kind", "phone", "email", "address", "notes")
AGENCY_CONTACT_FIELDS = ("name", "role", "phone", "email")


def _snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _check_contacts(scope: Scope, learner: Learner) -> None:
    if not may_manage_contacts(scope) or learner.school_id != scope.school.pk:
        raise Http404("Not found")


def _save_contact(
    scope: Scope, contact: Contact, values: dict[str, Any], acknowledged: bool, action: str
) -> Contact:
    before = _snapshot(contact, CONTACT_FIELDS) if contact.pk else {}
    for name, value in values.items():
        if name in CONTACT_FIELDS:
            setattr(contact, name, value)
    if contact.emergency_contact and contact.pk:
        rules.require_acknowledged(contact, acknowledged, what="an emergency contact")
    contact.full_clean()
    contact.save()
    changes = audit.diff(before, _snapshot(contact, CONTACT_FIELDS)) if before else values
    if acknowledged and contact.pk and rules.no_contact_restrictions(contact):
        changes = {**changes, "restriction_acknowledged": True}
    audit.record(
        action,
        actor=scope.user,
        school=scope.school,
        obj=contact,
        learner=contact.learner,
        changes=changes,
    )
    return contact


@transaction.atomic
def contact_create(*, scope: Scope, learner: Learner, values: dict[str, Any]) -> Contact:
    """Add a parent or carer to a learner (learner from contact_learner_or_404)."""
    _check_contacts(scope, learner)
    contact = Contact(learner=learner)
    return _save_contact(scope, contact, values, False, "people.contact.created")


@transaction.atomic
def contact_update(
    *, scope: Scope, contact: Contact, values: dict[str, Any], acknowledged: bool = False
) -> Contact:
    """Change a parent's or carer's details. Keeping or making someone under a
    no-contact restriction an emergency contact needs `acknowledged` (a ticked box)."""
    _check_contacts(scope, contact.learner)
    return _save_contact(scope, contact, values, acknowledged, "people.contact.updated")


def _save_restriction(
    scope: Scope, restriction: ContactRestriction, values: dict[str, Any], action: str
) -> ContactRestriction:
    contact = restriction.contact
    before = _snapshot(restriction, RESTRICTION_FIELDS) if restriction.pk else {}
    for name in RESTRICTION_FIELDS:
        if name in values:
            setattr(restriction, name, values[name] if values[name] is not None else None)
    for name in ("with_whom", "reference", "note"):
        setattr(restriction, name, (getattr(restriction, name) or "").strip())
    missing = {
        name: "Say " + what + "; a restriction is not recorded without it."
        for name, what in (
            ("basis", "its basis (a court order, an agreement)"),
            ("basis_date", "the date of the order or agreement"),
            ("restricts", "what it restricts"),
        )
        if not getattr(restriction, name)
    }
    if missing:
        raise ValidationError(missing)
    restriction.full_clean()
    restriction.save()
    changes: dict[str, Any] = (
        audit.diff(before, _snapshot(restriction, RESTRICTION_FIELDS))
        if before
        else {k: v for k, v in _snapshot(restriction, RESTRICTION_FIELDS).items() if v}
    )
    changes["contact"] = contact.name
    if restriction.is_no_contact and restriction.active and contact.emergency_contact:
        # Nobody chose this: the restriction took them off the emergency list.
        contact.emergency_contact = False
        contact.save(update_fields=["emergency_contact"])
        changes["emergency_contact"] = "removed"
    audit.record(
        action,
        actor=scope.user,
        school=scope.school,
        obj=restriction,
        learner=contact.learner,
        changes=changes,
    )
    return restriction


@transaction.atomic
def restriction_create(
    *, scope: Scope, contact: Contact, values: dict[str, Any]
) -> ContactRestriction:
    """Record a contact restriction; its basis, date and what it restricts are required.

    A no-contact restriction takes the parent off the emergency contacts.
    """
    _check_contacts(scope, contact.learner)
    restriction = ContactRestriction(contact=contact, created_by=scope.user)
    return _save_restriction(scope, restriction, values, "people.restriction.created")


@transaction.atomic
def restriction_update(
    *, scope: Scope, restriction: ContactRestriction, values: dict[str, Any]
) -> ContactRestriction:
    """Change a restriction (e.g. set its expiry when the order ends)."""
    _check_contacts(scope, restriction.contact.learner)
    return _save_restriction(scope, restriction, values, "people.restriction.updated")


def _check_agencies(scope: Scope, agency: Agency | None = None) -> None:
    if not may_edit_agencies(scope) or (agency is not None and agency.school_id != scope.school.pk):
        raise Http404("Not found")


def _save(
    scope: Scope, obj: Any, fields: tuple[str, ...], values: dict[str, Any], action: str
) -> Any:
    before = _snapshot(obj, fields) if obj.pk else {}
    for name in fields:
        if name in values:
            setattr(obj, name, values[name])
    obj.full_clean()
    obj.save()
    after = _snapshot(obj, fields)
    audit.record(
        action,
        actor=scope.user,
        school=scope.school,
        obj=obj,
        changes=audit.diff(before, after) if before else {k: v for k, v in after.items() if v},
    )
    return obj


@transaction.atomic
def agency_create(*, scope: Scope, values: dict[str, Any]) -> Agency:
    """Add an outside agency to the school's directory (administrator or DSL)."""
    _check_agencies(scope)
    return _save(scope, Agency(school=scope.school), AGENCY_FIELDS, values, "people.agency.created")


@transaction.atomic
def agency_update(*, scope: Scope, agency: Agency, values: dict[str, Any]) -> Agency:
    _check_agencies(scope, agency)
    return _save(scope, agency, AGENCY_FIELDS, values, "people.agency.updated")


@transaction.atomic
def agency_contact_create(*, scope: Scope, agency: Agency, values: dict[str, Any]) -> AgencyContact:
    """Add a named person at an agency."""
    _check_agencies(scope, agency)
    person = AgencyContact(agency=agency)
    return _save(scope, person, AGENCY_CONTACT_FIELDS, values, "people.agency_contact.created")


@transaction.atomic
def agency_contact_update(
    *, scope: Scope, person: AgencyContact, values: dict[str, Any]
) -> AgencyContact:
    _check_agencies(scope, person.agency)
    return _save(scope, person, AGENCY_CONTACT_FIELDS, values, "people.agency_contact.updated")
