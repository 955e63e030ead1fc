"""Panels on the home page, registered by the apps above the core.

The core never imports those apps: an app calls `register_panel(...)` in its
`AppConfig.ready()`, and the home view draws every panel the person's scope
may see, in `order`. A panel's `context_fn(scope)` reads in a fixed number of
queries (no query per row) and returns the template's context, or None to draw
nothing. Panels show counts and links; a page behind the link shows (and
audits) the case data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pastoral.access import Cap, Scope


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context_fn: Callable[[Scope], dict[str, Any] | None]
    cap: Cap | None = None
    # A rule the capability table cannot say (the app's own access check).
    visible: Callable[[Scope], bool] | None = None
    order: int = 50


@dataclass(frozen=True)
class DrawnPanel:
    name: str
    template: str
    context: dict[str, Any]


_PANELS: dict[str, Panel] = {}


def register_panel(
    name: str,
    template: str,
    context_fn: Callable[[Scope], dict[str, Any] | None],
    *,
    cap: Cap | None = None,
    visible: Callable[[Scope], bool] | None = None,
    order: int = 50,
) -> None:
    """Register (or replace, by name) a home-page panel."""
    _PANELS[name] = Panel(name, template, context_fn, cap=cap, visible=visible, order=order)


def panels_for(scope: Scope | None) -> list[DrawnPanel]:
    """The panels the person sees, with their context (each panel's own queries)."""
    if scope is None:
        return []
    drawn = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.name)):
        if panel.cap is not None and not scope.can(panel.cap):
            continue
        if panel.visible is not None and not panel.visible(scope):
            continue
        context = panel.context_fn(scope)
        if context is not None:
            drawn.append(DrawnPanel(panel.name, panel.template, context))
    return drawn
