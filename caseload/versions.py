"""Comparing two plan versions: what changed, field by field and target by target."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pastoral.templatetags.pastoral_dates import as_date, ukdate

FIELD_LABELS = {
    "type": "Type",
    "status": "Status",
    "start": "Start date",
    "next_review": "Next review date",
    "needs": "Needs and barriers",
    "strategies": "Strategies and provision",
    "learner_voice": "Learner voice",
    "parent_voice": "Parent/carer voice",
    "parent_agreed": "Parent/carer agrees",
}
TARGET_LABELS = {
    "what": "Target",
    "measure": "Measure",
    "baseline": "Baseline",
    "by_when": "By when",
    "who": "Who",
}


@dataclass
class Change:
    label: str
    before: Any
    after: Any


@dataclass
class TargetChange:
    status: str  # "added", "removed" or "changed"
    what: str
    changes: list[Change] = field(default_factory=list)


@dataclass
class VersionDiff:
    fields: list[Change]
    targets: list[TargetChange]

    @property
    def empty(self) -> bool:
        return not self.fields and not self.targets


def _show(value: Any) -> Any:
    if isinstance(value, str) and as_date(value) is not None:
        return ukdate(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(value) or "—"
    return value if value not in (None, "") else "—"


def diff_snapshots(before: dict[str, Any], after: dict[str, Any]) -> VersionDiff:
    """What changed from `before` to `after` (two PlanVersion snapshots)."""
    fields = [
        Change(label, _show(before.get(key)), _show(after.get(key)))
        for key, label in FIELD_LABELS.items()
        if before.get(key) != after.get(key)
    ]
    old = {t["id"]: t for t in before.get("targets", [])}
    new = {t["id"]: t for t in after.get("targets", [])}
    targets: list[TargetChange] = []
    for tid, target in new.items():
        if tid not in old:
            targets.append(TargetChange("added", target["what"]))
            continue
        changes = [
            Change(label, _show(old[tid].get(key)), _show(target.get(key)))
            for key, label in TARGET_LABELS.items()
            if old[tid].get(key) != target.get(key)
        ]
        if changes:
            targets.append(TargetChange("changed", old[tid]["what"], changes))
    targets += [TargetChange("removed", t["what"]) for tid, t in old.items() if tid not in new]
    return VersionDiff(fields, targets)
