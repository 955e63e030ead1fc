"""`{{ value|ukdate }}`: a date, a datetime or an ISO string (as plan snapshots
keep them) shown the UK way, `12 Jan 2027`; a datetime adds the time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import formats, timezone

register = template.Library()


def as_date(value: Any) -> dt.date | dt.datetime | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return (
                dt.date.fromisoformat(value)
                if len(value) == 10
                else dt.datetime.fromisoformat(value)
            )
        except ValueError:
            return None
    return None


@register.filter
def ukdate(value: Any) -> Any:
    """`12 Jan 2027` (with `HH:MM` for a datetime); anything else unchanged."""
    when = as_date(value)
    if when is None:
        return value
    if isinstance(when, dt.datetime):
        if timezone.is_aware(when):
            when = timezone.localtime(when)
        return formats.date_format(when, "DATETIME_FORMAT")
    return formats.date_format(when, "DATE_FORMAT")
