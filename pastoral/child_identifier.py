"""The consistent child identifier (Children's Wellbeing and Schools Act 2026,
section 16LC of the Children Act 2004 as inserted): one number that follows a
child across schools, social care, health and the police.

Regulations under s16LC will fix what the number is and how it is written;
until then the field is optional and this module only guards against typing
mistakes: letters and digits (spaces and hyphens typed for readability are
dropped), 6 to 20 characters, stored in capitals. When the format is set,
change `child_identifier_error` and nothing else.
"""

from __future__ import annotations

import re

MIN_LENGTH = 6
MAX_LENGTH = 20
_SEPARATORS = re.compile(r"[\s-]+")
_ALLOWED = re.compile(r"^[A-Z0-9]+$")


def normalise(value: str) -> str:
    """The identifier as stored: separators dropped, capitals."""
    return _SEPARATORS.sub("", value or "").upper()


def child_identifier_error(value: str) -> str | None:
    """A reason the (normalised) value is not a child identifier, or None."""
    if not value:
        return None
    if not _ALLOWED.match(value):
        return "A child identifier has letters and digits only."
    if not MIN_LENGTH <= len(value) <= MAX_LENGTH:
        return (
            f"A child identifier has {MIN_LENGTH} to {MAX_LENGTH} letters and digits; "
            f"this has {len(value)}."
        )
    return None
