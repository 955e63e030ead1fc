"""The rules about contact restrictions every app applies (letters, emergency contacts).

A parent under an active no-contact restriction is never chosen as a letter's
recipient or an emergency contact without someone acknowledging the
restriction; callers pass `acknowledged` from a required checkbox.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from pastoral.models import Contact, ContactRestriction

ACKNOWLEDGE_FIELD = "acknowledge_restriction"


def active_restrictions(contact: Contact, on: dt.date | None = None) -> list[ContactRestriction]:
    """The contact's restrictions in force (reads the prefetched ones when there are)."""
    return [r for r in contact.restrictions.all() if r.is_active(on)]


def no_contact_restrictions(contact: Contact) -> list[ContactRestriction]:
    return [r for r in active_restrictions(contact) if r.is_no_contact]


def require_acknowledged(
    contact: Contact | None, acknowledged: bool, *, field: str = ACKNOWLEDGE_FIELD, what: str
) -> None:
    """Refuse (beside `field`) choosing a no-contact parent for `what` unless acknowledged."""
    if contact is None or acknowledged:
        return
    if no_contact_restrictions(contact):
        raise ValidationError(
            {
                field: f"{contact.name} is under a no-contact restriction. Tick to confirm "
                f"you have read it before choosing them as {what}."
            }
        )
