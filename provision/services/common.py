"""What the provision services share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Model


def plain(value: Any) -> Any:
    """A value as the audit trail stores it."""
    if isinstance(value, dt.date | Decimal):
        return str(value)
    if isinstance(value, Model):
        return str(value.pk)
    return value


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: plain(getattr(obj, name)) for name in fields}
