"""Counts each app gives the trust dashboard, without the core importing it.

The core may not import an app (ARCHITECTURE.md), so each app that owns a
figure registers a function in its AppConfig.ready():

    registry.register_counts("safeguarding", fn)

`fn(school_ids, today)` returns `{school_id: {figure: value}}` for the
schools asked about, in a fixed number of queries whatever the number of
schools (set-based: one GROUP BY over all of them, never a query per school).
Values are counts, rates or per-category/per-month dictionaries of counts:
never a learner's name, never a record's text. Figures a provider does not
give are simply absent (the dashboard shows them as "–").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

SchoolCounts = Callable[[list[int], dt.date], dict[int, dict[str, Any]]]

_providers: dict[str, SchoolCounts] = {}


def register_counts(name: str, provider: SchoolCounts) -> None:
    _providers[name] = provider


def providers() -> dict[str, SchoolCounts]:
    return dict(_providers)


def counts_for(school_ids: list[int], today: dt.date) -> dict[int, dict[str, Any]]:
    """Every registered provider's figures, merged per school."""
    merged: dict[int, dict[str, Any]] = {pk: {} for pk in school_ids}
    if not school_ids:
        return merged
    for name in sorted(_providers):
        for school_id, figures in _providers[name](school_ids, today).items():
            merged.setdefault(school_id, {}).update(figures)
    return merged
