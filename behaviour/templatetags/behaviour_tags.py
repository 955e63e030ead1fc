"""Template helpers of the behaviour pages."""

from __future__ import annotations

from typing import Any

from django import template

from behaviour import access

register = template.Library()


@register.filter
def behaviour_lead(scope: Any) -> bool:
    """Whether the person keeps the school's behaviour settings (the menu only;
    the pages check again)."""
    return access.is_lead(scope)


@register.filter
def behaviour_analyst(scope: Any) -> bool:
    """Whether the person has the analysis page (heads of year, SENCO, DSL; the menu only)."""
    from behaviour.selectors.analysis import may_analyse

    return may_analyse(scope)
