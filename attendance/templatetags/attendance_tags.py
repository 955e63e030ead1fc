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


@register.filter
def pct_diff(value: Any) -> str:
    """A change in percentage points, signed: "+2.0 points", "−3.5 points"."""
    if value is None:
        return "—"
    number = float(value)
    sign = "+" if number > 0 else "−" if number < 0 else "±"
    return f"{sign}{abs(number):.1f} points"
