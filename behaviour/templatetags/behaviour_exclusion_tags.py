"""Template helpers of the suspension pages: the menu entry and the learner page's panel."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from behaviour.selectors import exclusions as selectors

register = template.Library()


@register.filter
def handles_exclusions(scope: Any) -> bool:
    """Whether the person records suspensions (the menu only; the pages check again)."""
    return selectors.handles_exclusions(scope)


@register.inclusion_tag("behaviour/_exclusion_panel.html", takes_context=True)
def exclusion_panel(context: Any, learner: Any) -> dict[str, Any]:
    """The learner's suspensions and the governors' flag (nothing for people who
    do not see suspensions; two queries for those who do)."""
    scope = context.get("scope")
    if scope is None or not selectors.reaches_learner(scope, learner):
        return {"shown": False}
    rows = list(selectors.exclusions_for(scope).filter(learner=learner)[:10])
    standing = selectors.standings_of(scope.school.pk, [learner.pk], timezone.localdate())[
        learner.pk
    ]
    return {"shown": True, "learner": learner, "rows": rows, "standing": standing}
