"""The behaviour panel on the home page (pastoral/dashboard.py), registered in ready()."""

from __future__ import annotations

from typing import Any

from pastoral.access import Scope


def _context(scope: Scope) -> dict[str, Any]:
    from behaviour.selectors.analysis import panel_for

    return panel_for(scope)


def register() -> None:
    from behaviour.selectors.analysis import may_analyse
    from pastoral import dashboard

    dashboard.register_panel(
        "behaviour",
        "behaviour/_home_panel.html",
        _context,
        visible=may_analyse,
        order=30,
    )
