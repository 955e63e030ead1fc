"""A learner's merged timeline: each app contributes entries it already scoped.

Apps expose `timeline_entries_for(scope, learner, *, since=None, limit=None)`
in their selectors, returning TimelineEntry objects; the learner profile
(caseload, which sits above them) merges them in time order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TimelineEntry:
    when: dt.datetime
    kind: str  # e.g. "concern", "concern-action", "plan", "session", "contact", "attendance"
    title: str  # short, typed by the app, escaped by templates
    url: str = ""
    detail: str = ""
    level: str = ""  # "restricted" for CP entries, else ""
    tags: tuple[str, ...] = field(default_factory=tuple)


def merge(*streams: list[TimelineEntry], newest_first: bool = True) -> list[TimelineEntry]:
    entries = [entry for stream in streams for entry in stream]
    return sorted(entries, key=lambda e: e.when, reverse=newest_first)
