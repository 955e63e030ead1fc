"""What each app registers so that the core can review and dispose of its records.

- `register_record_type(RecordType(...))`: a kind of record held per learner,
  its default rule, `holdings(school_id, learner_ids=None)` -> {learner_id:
  Holding} in one query (every learner, or only these),
  and `dispose(scope, learner)` which deletes the learner's records of that
  type (inside the caller's transaction) and returns a `Disposed` (how many
  rows, which files to remove from storage once the transaction commits).
- `register_blocker(key, fn, safeguarding_only=...)`: `fn(school_id, learner_ids)`
  -> {learner_id: why}, one query; a learner with an answer cannot have records
  disposed of (a pending CP transfer blocks safeguarding records only, since
  nobody else may know of it; an open subject access request blocks all).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.core.files.storage import Storage

    from pastoral.access import Scope
    from pastoral.models import Learner


class Basis(enum.StrEnum):
    BIRTH = "dob"
    LEFT = "left"
    LAST_ENTRY = "last_entry"


BASIS_LABELS = {
    Basis.BIRTH: "date of birth",
    Basis.LEFT: "date the learner left",
    Basis.LAST_ENTRY: "date of the last entry",
}


@dataclass(frozen=True)
class Holding:
    """What one learner has of a record type."""

    count: int
    last_on: dt.date | None = None


@dataclass
class Disposed:
    count: int
    files: list[tuple[Storage, str]] = field(default_factory=list)


Holdings = Callable[[int, Any], dict[int, Holding]]
Disposer = Callable[["Scope", "Learner"], Disposed]
Blocker = Callable[[int, list[int]], dict[int, str]]


@dataclass(frozen=True)
class RecordType:
    key: str  # a slug, used in URLs and stored on rules and tombstones
    label: str  # "Child-protection file"
    description: str  # what it holds
    basis: Basis
    # None: the school's setting (School.pastoral_retention_years).
    default_years: int | None
    safeguarding: bool
    holdings: Holdings
    dispose: Disposer
    source: str = ""  # where the default comes from
    order: int = 50


@dataclass(frozen=True)
class _Blocker:
    key: str
    fn: Blocker
    safeguarding_only: bool


_types: dict[str, RecordType] = {}
_blockers: dict[str, _Blocker] = {}


def only(learner_ids: Any, field: str = "learner_id") -> dict[str, Any]:
    """Filter keywords for a holdings query: every learner (None), or these
    (a list of ids, or a subquery of learner ids)."""
    return {} if learner_ids is None else {f"{field}__in": learner_ids}


def register_record_type(record_type: RecordType) -> None:
    _types[record_type.key] = record_type


def register_blocker(key: str, fn: Blocker, *, safeguarding_only: bool = False) -> None:
    _blockers[key] = _Blocker(key, fn, safeguarding_only)


def record_types(*, safeguarding: bool | None = None) -> list[RecordType]:
    found = [t for t in _types.values() if safeguarding is None or t.safeguarding == safeguarding]
    return sorted(found, key=lambda t: (t.order, t.label))


def record_type(key: str) -> RecordType | None:
    return _types.get(key)


def blockers(*, safeguarding: bool) -> list[_Blocker]:
    return [b for b in _blockers.values() if safeguarding or not b.safeguarding_only]
