"""The preview of a marks file: every change it would make, by learner and date.

Compares the planned marks with the register as the writer would (for every
learner in the file, the file's first to last date is replaced by the file):
a session's mark is new, changed, unchanged or removed. Reads only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

from attendance.imports.reading import MarksPlan
from attendance.models import Mark
from pastoral.models import Learner, School

NEW, CHANGED, UNCHANGED, REMOVED = "new", "changed", "unchanged", "removed"


@dataclass(frozen=True)
class DayChange:
    """One learner's day: each session's mark before and after ("" for none)."""

    learner_id: int
    learner: str
    upn: str
    date: dt.date
    am: tuple[str, str]
    pm: tuple[str, str]

    @property
    def action(self) -> str:
        befores = {self.am[0], self.pm[0]} - {""}
        afters = {self.am[1], self.pm[1]} - {""}
        if self.am == (self.am[0], self.am[0]) and self.pm == (self.pm[0], self.pm[0]):
            return UNCHANGED
        if not befores:
            return NEW
        if not afters:
            return REMOVED
        return CHANGED


@dataclass
class MarksPreview:
    days: list[DayChange]
    sessions: Counter[str] = field(default_factory=Counter)

    @property
    def changed_days(self) -> list[DayChange]:
        return [d for d in self.days if d.action != UNCHANGED]

    def fingerprint(self) -> str:
        payload = [[d.learner_id, d.date.isoformat(), d.am, d.pm] for d in self.days]
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


def _mark_text(code: str, minutes: int | None) -> str:
    return f"{code} ({minutes} min)" if code and minutes is not None else code


def marks_preview(*, school: School, plan: MarksPlan) -> MarksPreview:
    """Every learner-day the file touches or would clear, ordered by learner then date."""
    after: dict[tuple[int, dt.date, str], str] = {}
    for learner_id, day, session, code, minutes in plan.rows():
        after[(learner_id, day, session)] = _mark_text(code, minutes)
    learner_ids = set(plan.learner_ids)
    before: dict[tuple[int, dt.date, str], str] = {}
    if learner_ids and plan.first_date is not None:
        existing = Mark.objects.filter(
            school=school,
            learner_id__in=learner_ids,
            date__gte=plan.first_date,
            date__lte=plan.last_date,
        ).values_list("learner_id", "date", "session", "code", "minutes_late")
        for learner_id, day, session, code, minutes in existing.iterator(chunk_size=5000):
            before[(learner_id, day, session)] = _mark_text(code, minutes)
    learners = {
        learner.pk: (f"{learner.last_name}, {learner.first_name}", learner.upn)
        for learner in Learner.objects.filter(pk__in=learner_ids).only(
            "pk",
            "upn",
            "legal_first_name",
            "legal_last_name",
            "preferred_first_name",
            "preferred_last_name",
        )
    }
    sessions: Counter[str] = Counter()
    for key in after.keys() | before.keys():
        was, now = before.get(key, ""), after.get(key, "")
        sessions[
            NEW if not was else REMOVED if not now else UNCHANGED if was == now else CHANGED
        ] += 1
    days = sorted(
        {(k[0], k[1]) for k in after.keys() | before.keys()},
        key=lambda d: (learners.get(d[0], ("", ""))[0], d[0], d[1]),
    )
    result = []
    for learner_id, day in days:
        name, upn = learners.get(learner_id, ("", ""))
        result.append(
            DayChange(
                learner_id=learner_id,
                learner=name,
                upn=upn,
                date=day,
                am=(
                    before.get((learner_id, day, "AM"), ""),
                    after.get((learner_id, day, "AM"), ""),
                ),
                pm=(
                    before.get((learner_id, day, "PM"), ""),
                    after.get((learner_id, day, "PM"), ""),
                ),
            )
        )
    return MarksPreview(days=result, sessions=sessions)
