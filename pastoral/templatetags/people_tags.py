"""Template helpers for parents and carers: the restrictions in force on one."""

from __future__ import annotations

from django import template

from pastoral.models import Contact, ContactRestriction
from pastoral.people.rules import active_restrictions as _active

register = template.Library()


@register.simple_tag
def active_restrictions(contact: Contact) -> list[ContactRestriction]:
    """The contact's restrictions in force (uses the prefetched ones)."""
    return _active(contact)
