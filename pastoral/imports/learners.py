"""The learner import: an MIS export of learners, upserted by UPN within one school.

Columns (header names are case-insensitive; spaces work as underscores) are
documented in docs/import-learners.md with a sample in docs/import-learners.csv.
An optional column that is absent leaves that field of existing learners as
it is; present but blank sets it to its empty value. Learners of the school
missing from the file are left unchanged (a leaver gets an on_roll_until date).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from pastoral import audit
from pastoral.imports.base import Change, ImportOutcome, Report, SchoolImporter
from pastoral.imports.csvfile import CsvRow
from pastoral.imports.parse import CellError, parse_bool, parse_choice, parse_date
from pastoral.models import Learner, RegGroup, YearGroup
from pastoral.upn import upn_error

REQUIRED = (
    "upn",
    "legal_first_name",
    "legal_last_name",
    "date_of_birth",
    "gender",
    "year_group",
)
OPTIONAL = (
    "preferred_first_name",
    "preferred_last_name",
    "reg_group",
    "sen_status",
    "pupil_premium",
    "eal",
    "looked_after",
    "cp_status",
    "on_roll_from",
    "on_roll_until",
)

GENDERS = {
    "f": "F",
    "female": "F",
    "m": "M",
    "male": "M",
    "x": "X",
    "u": "X",
    "other": "X",
    "not stated": "X",
}
SEN_CODES = {"": "N", "n": "N", "k": "K", "e": "E"}
CP_CODES = {"": "", "none": "", "cin": "CIN", "cp": "CP"}

# Case fields: the administrator who runs the import holds no case access
# (ACCESS.md), so the preview says these changed but never shows the values.
CASE_FIELDS = frozenset({"sen_status", "pupil_premium", "eal", "looked_after", "cp_status"})
HIDDEN = "(not shown)"

# Model fields the import writes, in preview order, with their labels.
FIELD_LABELS: dict[str, str] = {
    "legal_first_name": "Legal first name",
    "legal_last_name": "Legal last name",
    "preferred_first_name": "Preferred first name",
    "preferred_last_name": "Preferred last name",
    "date_of_birth": "Date of birth",
    "gender": "Gender",
    "year_group_id": "Year group",
    "reg_group_id": "Reg group",
    "sen_status": "SEN status",
    "pupil_premium": "Pupil premium",
    "eal": "EAL",
    "looked_after": "Looked after",
    "cp_status": "CP / CIN status",
    "on_roll_from": "On roll from",
    "on_roll_until": "On roll until",
}
# Which column each model field comes from (absent column → field untouched).
FIELD_COLUMN: dict[str, str] = {
    "year_group_id": "year_group",
    "reg_group_id": "reg_group",
}
EARLIEST_BIRTH = dt.date(1990, 1, 1)


@dataclass
class LearnerRow:
    line: int
    upn: str
    values: dict[str, Any]  # model field → value, only for columns present in the file


@dataclass
class LearnerPlan:
    create: list[tuple[LearnerRow, Learner]] = field(default_factory=list)
    update: list[tuple[LearnerRow, Learner, dict[str, tuple[Any, Any]]]] = field(
        default_factory=list
    )
    unchanged: list[tuple[LearnerRow, Learner]] = field(default_factory=list)


def _year_keys(year: YearGroup) -> list[str]:
    keys = [str(year.number), year.name.lower(), f"y{year.number}", f"year {year.number}"]
    if year.number == 0:
        keys += ["r", "rec", "reception"]
    return keys


class LearnerImporter(SchoolImporter[LearnerRow, LearnerPlan]):
    """Upsert a school's learners from an MIS CSV export, keyed by UPN."""

    required_columns = REQUIRED
    optional_columns = OPTIONAL

    def prepare(self) -> None:
        self.load_years(_year_keys)
        self.reg_groups: dict[str, RegGroup] = {}
        self.reg_names: dict[int, str] = {}
        for group in RegGroup.objects.filter(school=self.school):
            self.reg_groups[group.name.lower()] = group
            self.reg_names[group.pk] = group.name
        self.today = timezone.localdate()

    def _upn(self, value: str) -> str:
        upn = value.upper()
        reason = upn_error(upn)
        if reason:
            raise CellError(f"{value!r} is not a valid UPN: {reason}")
        return upn

    def _date_of_birth(self, value: str) -> dt.date:
        born = parse_date(value)
        if born > self.today:
            raise CellError(f"{value!r} is in the future")
        if born < EARLIEST_BIRTH:
            raise CellError(f"{value!r} is too long ago for a learner")
        return born

    def _year_group(self, value: str) -> YearGroup:
        year = self.years.get(value.strip().lower())
        if year is None:
            known = ", ".join(self.year_names.values()) or "none set up"
            raise CellError(f"{value!r} is not a year group of this school (known: {known})")
        return year

    def _reg_group(self, value: str) -> RegGroup:
        group = self.reg_groups.get(value.strip().lower())
        if group is None:
            raise CellError(f"{value!r} is not a registration group of this school")
        return group

    def parse_row(self, row: CsvRow, report: Report) -> LearnerRow | None:
        present = set(row.values)
        upn = report.field(row, "upn", self._upn, required=True)
        if upn:
            report.unique(row.line, "upn", upn, what="UPN")
        values: dict[str, Any] = {
            "legal_first_name": report.field(
                row, "legal_first_name", required=True, max_length=100
            ),
            "legal_last_name": report.field(row, "legal_last_name", required=True, max_length=100),
            "date_of_birth": report.field(row, "date_of_birth", self._date_of_birth, required=True),
            "gender": report.field(
                row,
                "gender",
                lambda v: parse_choice(v, GENDERS, what="gender (F, M or X)"),
                required=True,
            ),
        }
        year = report.field(row, "year_group", self._year_group, required=True)
        values["year_group_id"] = year.pk if year else None
        for name in ("preferred_first_name", "preferred_last_name"):
            if name in present:
                values[name] = report.field(row, name, default="", max_length=100)
        if "reg_group" in present:
            group = report.field(row, "reg_group", self._reg_group)
            values["reg_group_id"] = group.pk if group else None
            if group is not None and year is not None and group.year_group_id != year.pk:
                report.add(
                    row.line,
                    "reg_group",
                    f"{group.name} belongs to {self.year_names.get(group.year_group_id, '?')}, "
                    f"not {year.name}",
                )
        if "sen_status" in present:
            values["sen_status"] = report.field(
                row,
                "sen_status",
                lambda v: parse_choice(v, SEN_CODES, what="SEN code (N, K or E)"),
                default="N",
            )
        for name in ("pupil_premium", "eal", "looked_after"):
            if name in present:
                values[name] = report.field(row, name, parse_bool, default=False)
        if "cp_status" in present:
            values["cp_status"] = report.field(
                row,
                "cp_status",
                lambda v: parse_choice(v, CP_CODES, what="CP / CIN status (blank, CIN or CP)"),
                default="",
            )
        for name in ("on_roll_from", "on_roll_until"):
            if name in present:
                values[name] = report.field(row, name, parse_date)
        start, end = values.get("on_roll_from"), values.get("on_roll_until")
        if start and end and end < start:
            report.add(row.line, "on_roll_until", "is before on_roll_from")
        if report.has_errors_on(row.line):
            return None
        return LearnerRow(line=row.line, upn=upn, values=values)

    def plan(self, items: list[LearnerRow], report: Report) -> LearnerPlan:
        existing = {
            learner.upn: learner
            for learner in Learner.objects.filter(school=self.school).order_by()
        }
        plan = LearnerPlan()
        for item in items:
            learner = existing.get(item.upn)
            if learner is None:
                learner = Learner(school=self.school, upn=item.upn, **item.values)
                if self._validate(learner, item, report):
                    plan.create.append((item, learner))
                continue
            changed = {
                name: (getattr(learner, name), value)
                for name, value in item.values.items()
                if getattr(learner, name) != value
            }
            if not changed:
                plan.unchanged.append((item, learner))
                continue
            for name, (_, value) in changed.items():
                setattr(learner, name, value)
            if self._validate(learner, item, report):
                plan.update.append((item, learner, changed))
        return plan

    def _validate(self, learner: Learner, item: LearnerRow, report: Report) -> bool:
        """The model's own rules, without a query per row (look-ups were resolved above)."""
        try:
            learner.full_clean(
                exclude=["school", "year_group", "reg_group"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = FIELD_COLUMN.get(name, name)
                for message in messages:
                    report.add(item.line, column if column in FIELD_LABELS else "", message)
            return False
        return True

    def _display(self, name: str, value: Any) -> str:
        if name in CASE_FIELDS:
            return HIDDEN
        if value is None or value == "":
            return "—"
        if name == "year_group_id":
            return self.year_names.get(value, str(value))
        if name == "reg_group_id":
            return self.reg_names.get(value, str(value))
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    def changes(self, plan: LearnerPlan) -> list[Change]:
        result: list[Change] = []
        for item, learner in plan.create:
            result.append(
                Change(
                    item.line,
                    item.upn,
                    "create",
                    learner.display_name,
                    {
                        label: ("", self._display(name, item.values[name]))
                        for name, label in FIELD_LABELS.items()
                        if name in item.values
                        and (item.values[name] not in (None, "", False) or name in CASE_FIELDS)
                    },
                )
            )
        for item, learner, changed in plan.update:
            result.append(
                Change(
                    item.line,
                    item.upn,
                    "update",
                    learner.display_name,
                    {
                        label: (
                            self._display(name, changed[name][0]),
                            self._display(name, changed[name][1]),
                        )
                        for name, label in FIELD_LABELS.items()
                        if name in changed
                    },
                )
            )
        for item, learner in plan.unchanged:
            result.append(Change(item.line, item.upn, "unchanged", learner.display_name))
        return sorted(result, key=lambda c: c.line)

    def apply(self, plan: LearnerPlan, outcome: ImportOutcome[LearnerPlan]) -> None:
        new = [learner for _, learner in plan.create]
        for learner in new:
            learner.search_text = learner.build_search_text()
        Learner.objects.bulk_create(new, batch_size=1000)
        if plan.update:
            fields = sorted({name for _, _, changed in plan.update for name in changed})
            updated = [learner for _, learner, _ in plan.update]
            for learner in updated:
                learner.search_text = learner.build_search_text()
            Learner.objects.bulk_update(updated, [*fields, "search_text"], batch_size=1000)
        audit.record(
            "pastoral.import.learners",
            actor=self.actor,
            school=self.school,
            object_type="pastoral.import",
            object_id=self.filename[:40],
            changes={
                "file": self.filename,
                "rows": outcome.rows,
                "created": len(plan.create),
                "updated": len(plan.update),
                "unchanged": len(plan.unchanged),
            },
        )
