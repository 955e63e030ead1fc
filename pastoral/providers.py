"""Answers one app needs from another that it may not import (ARCHITECTURE.md:
behaviour never imports attendance or caseload). The app that knows registers a
function in its AppConfig.ready(); the app that asks calls through here, and
gets a safe empty answer when nobody registered one.

- absence: which of these learners were absent from school (an absence code in
  any session) on a date; registered by attendance.
- key workers: the key workers in force today of these learners; registered by
  caseload.
- marks: the register marks (learner, date, session, code) of a school between
  two dates, of some learners or of one code; registered by attendance (behaviour
  reconciles code E with its suspensions).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

AbsentOn = Callable[[int, list[int], dt.date], set[int]]
KeyWorkersOf = Callable[[int, list[int]], dict[int, set[int]]]
# (school_id, start, end, learner_ids or None for all, code or None for any)
#   -> [(learner_id, date, session "AM"/"PM", code)]
MarksBetween = Callable[
    [int, dt.date, dt.date, list[int] | None, str | None], list[tuple[int, dt.date, str, str]]
]

_absent_on: AbsentOn | None = None
_key_workers_of: KeyWorkersOf | None = None
_marks_between: MarksBetween | None = None


def register_absence_provider(provider: AbsentOn) -> None:
    global _absent_on
    _absent_on = provider


def register_key_worker_provider(provider: KeyWorkersOf) -> None:
    global _key_workers_of
    _key_workers_of = provider


def absent_on(school_id: int, learner_ids: Iterable[int], day: dt.date) -> set[int]:
    """Ids of the learners with an absence mark on `day` (one query)."""
    ids = list(learner_ids)
    if _absent_on is None or not ids:
        return set()
    return _absent_on(school_id, ids, day)


def key_workers_of(school_id: int, learner_ids: Iterable[int]) -> dict[int, set[int]]:
    """learner id -> user ids of their key workers today (one query)."""
    ids = list(learner_ids)
    if _key_workers_of is None or not ids:
        return {}
    return _key_workers_of(school_id, ids)


def register_marks_provider(provider: MarksBetween) -> None:
    global _marks_between
    _marks_between = provider


def marks_between(
    school_id: int,
    start: dt.date,
    end: dt.date,
    *,
    learner_ids: Iterable[int] | None = None,
    code: str | None = None,
) -> list[tuple[int, dt.date, str, str]]:
    """The register marks from `start` to `end` (inclusive): of these learners
    (all of the school's when None), of one code (any when None). One query."""
    ids = None if learner_ids is None else list(learner_ids)
    if _marks_between is None or ids == []:
        return []
    return _marks_between(school_id, start, end, ids, code)
