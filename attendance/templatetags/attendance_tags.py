"""Template filters for attendance figures."""

from __future__ import annotations

from typing import Any

from django import template

from attendance.selectors import NO_SESSIONS

register = template.Library()


@register.filter
def pct(value: Any) -> str:
    """87.5 → "87.5%"; None (no possible sessions) → "no sessions"."""
    if value is None or value == "":
        return NO_SESSIONS
    return f"{float(value):.1f}%"
