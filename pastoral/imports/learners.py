"""The learner import: an MIS export of learners, upserted by UPN within one school.

Columns (header names are case-insensitive; spaces work as underscores) are
documented in docs/import-learners.md with a sample in docs/import-learners.csv.
An optional column that is absent leaves that field of existing learners as
it is; present but blank sets it to its empty value. Learners of the school
missing from the file are left unchanged (a leaver gets an on_roll_until date).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from pastoral import audit
from pastoral.child_identifier import child_identifier_error, normalise
from pastoral.imports.base import Change, ImportOutcome, Report, SchoolImporter
from pastoral.imports.contacts import (
    CONTACT_COLUMNS,
    ContactItem,
    ContactPlan,
    apply_contacts,
    contact_changes,
    parse_contact,
    plan_contacts,
)
from pastoral.imports.csvfile import CsvRow
from pastoral.imports.parse import CellError, parse_bool, parse_choice, parse_date
from pastoral.models import Learner, RegGroup, YearGroup
from pastoral.upn import upn_error

CONTACT_NUMBERS = (1, 2, 3)
REQUIRED = (
    "upn",
    "legal_first_name",
    "legal_last_name",
    "date_of_birth",
    "gender",
    "year_group",
)
OPTIONAL = (
    "child_identifier",
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
    # Up to three parents or carers per learner (docs/import-contacts.md).
    *(f"contact{n}_{suffix}" for n in CONTACT_NUMBERS for suffix in CONTACT_COLUMNS),
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
    contacts: list[ContactItem] = field(default_factory=list)


@dataclass
class LearnerPlan:
    create: list[tuple[LearnerRow, Learner]] = field(default_factory=list)
    update: list[tuple[LearnerRow, Learner, dict[str, tuple[Any, Any]]]] = field(
        default_factory=list
    )
    unchanged: list[tuple[LearnerRow, Learner]] = field(default_factory=list)
    contacts: ContactPlan = field(default_factory=ContactPlan)


YEAR_NUMBER = re.compile(r"^(?:year|yr|y)?\s*(\d{1,2})$")
YEAR_WORDS = {"r": 0, "rec": 0, "reception": 0, "n": -1, "nursery": -1}


def _year_number(value: str) -> int | None:
    """'Year 9', 'Y9', '9' -> 9; 'Reception' -> 0; 'Nursery' -> -1; else None."""
    text = value.strip().lower()
    if text in YEAR_WORDS:
        return YEAR_WORDS[text]
    match = YEAR_NUMBER.match(text)
    return int(match.group(1)) if match else None


# The years a school of each phase may create from its MIS file.
PHASE_YEARS = {"primary": range(-1, 7), "secondary": range(7, 14), "all_through": range(-1, 14)}


def _phase_span(phase: str) -> str:
    years = PHASE_YEARS.get(phase, PHASE_YEARS["all_through"])
    return f"{_year_name(years[0])} to {_year_name(years[-1])}"


def _year_name(number: int) -> str:
    return {0: "Reception", -1: "Nursery"}.get(number, f"Year {number}")


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
        self.new_years: dict[int, YearGroup] = {}
        self.new_groups: dict[str, RegGroup] = {}
        self.today = timezone.localdate()

    def _upn(self, value: str) -> str:
        upn = value.upper()
        reason = upn_error(upn)
        if reason:
            raise CellError(f"{value!r} is not a valid UPN: {reason}")
        return upn

    def _child_identifier(self, value: str) -> str:
        identifier = normalise(value)
        reason = child_identifier_error(identifier)
        if reason:
            raise CellError(f"{value!r} is not a child identifier: {reason}")
        return identifier

    def _date_of_birth(self, value: str) -> dt.date:
        born = parse_date(value)
        if born > self.today:
            raise CellError(f"{value!r} is in the future")
        if born < EARLIEST_BIRTH:
            raise CellError(f"{value!r} is too long ago for a learner")
        return born

    # A new school's first import brings its structure: a year group or
    # registration group the school does not have yet is created with the
    # learners (shown as "new" in the preview). Until then it has a negative
    # placeholder id, replaced in apply().
    def _year_group(self, value: str) -> YearGroup:
        year = self.years.get(value.strip().lower())
        if year is not None:
            return year
        number = _year_number(value)
        phase = self.school.phase
        if number is None or number not in PHASE_YEARS.get(phase, PHASE_YEARS["all_through"]):
            known = ", ".join(n for n in self.year_names.values() if "(new)" not in n)
            raise CellError(
                f"{value!r} is not a year group of this school: a {phase.replace('_', '-')} "
                f"school has {_phase_span(phase)}, written e.g. 'Year 9', '9' or 'Reception'"
                + (f" (set up so far: {known})" if known else "")
            )
        year = self.new_years.get(number)
        if year is None:
            year = YearGroup(school=self.school, number=number, name=_year_name(number))
            year.pk = -(len(self.new_years) + 1)
            self.new_years[number] = year
            self.year_names[year.pk] = f"{year.name} (new)"
        return year

    def _reg_group(self, value: str, year: YearGroup | None) -> RegGroup:
        name = value.strip()
        group = self.reg_groups.get(name.lower())
        if group is not None:
            return group
        if year is None:
            raise CellError(f"{value!r} is not a registration group of this school")
        if len(name) > RegGroup._meta.get_field("name").max_length:
            raise CellError(f"{value!r} is too long for a registration group name")
        group = RegGroup(school=self.school, name=name, year_group_id=year.pk)
        group.pk = -(len(self.new_groups) + 1)
        self.new_groups[name.lower()] = group
        self.reg_groups[name.lower()] = group
        self.reg_names[group.pk] = f"{name} (new)"
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
        if "child_identifier" in present:
            identifier = report.field(row, "child_identifier", self._child_identifier, default="")
            values["child_identifier"] = identifier or ""
            if identifier:
                report.unique(row.line, "child_identifier", identifier, what="child identifier")
        for name in ("preferred_first_name", "preferred_last_name"):
            if name in present:
                values[name] = report.field(row, name, default="", max_length=100)
        if "reg_group" in present:
            group = report.field(row, "reg_group", lambda v: self._reg_group(v, year))
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
        contacts = [
            parse_contact(report, row, upn or "", prefix=f"contact{n}_", default_priority=n)
            for n in CONTACT_NUMBERS
        ]
        names = [c.name.lower() for c in contacts if c]
        if len(names) != len(set(names)):
            report.add(row.line, "", "the same contact is named twice in this row")
        if report.has_errors_on(row.line):
            return None
        return LearnerRow(
            line=row.line, upn=upn, values=values, contacts=[c for c in contacts if c]
        )

    @staticmethod
    def _child_identifiers_free(
        items: list[LearnerRow], existing: dict[str, Learner], report: Report
    ) -> None:
        """A child identifier the file gives one learner that another learner of
        the school (not in the file with a new identifier) already has: an
        error on that row, so that the import is refused whole."""
        held = {
            learner.child_identifier: upn
            for upn, learner in existing.items()
            if learner.child_identifier
        }
        given = {
            item.upn: item.values["child_identifier"]
            for item in items
            if "child_identifier" in item.values
        }
        for upn in given:
            old = existing.get(upn)
            if old is not None and old.child_identifier and held.get(old.child_identifier) == upn:
                held.pop(old.child_identifier)
        for item in items:
            identifier = given.get(item.upn)
            if identifier and held.get(identifier, item.upn) != item.upn:
                report.add(
                    item.line,
                    "child_identifier",
                    f"child identifier {identifier} belongs to the learner with UPN "
                    f"{held[identifier]}",
                )

    def plan(self, items: list[LearnerRow], report: Report) -> LearnerPlan:
        existing = {
            learner.upn: learner
            for learner in Learner.objects.filter(school=self.school).order_by()
        }
        plan = LearnerPlan()
        self._child_identifiers_free(items, existing, report)
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
        with_contacts = [item for item in items if item.contacts]
        if with_contacts:
            learners = {item.upn: existing.get(item.upn) for item in with_contacts}
            for item, learner in plan.create:
                if item.contacts:
                    learners[item.upn] = learner
            plan.contacts = plan_contacts(
                [c for item in with_contacts for c in item.contacts], learners, report
            )
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
        return self._with_contacts(self._learner_changes(plan), plan.contacts)

    def _with_contacts(self, changes: list[Change], contacts: ContactPlan) -> list[Change]:
        """Fold each row's contact changes into that learner's preview row."""
        by_line: dict[int, dict[str, tuple[str, str]]] = {}
        for c in contact_changes(contacts):
            if c.action == "unchanged":
                continue
            summary = "; ".join(f"{k}: {after}" for k, (_, after) in c.fields.items())
            verb = "new" if c.action == "create" else "changed"
            by_line.setdefault(c.line, {})[f"Contact {c.label}"] = ("", f"{verb}. {summary}")
        if not by_line:
            return changes
        result = []
        for change in changes:
            extra = by_line.get(change.line)
            if extra:
                action = "update" if change.action == "unchanged" else change.action
                change = Change(
                    change.line, change.key, action, change.label, {**change.fields, **extra}
                )
            result.append(change)
        return result

    def _learner_changes(self, plan: LearnerPlan) -> list[Change]:
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

    def _create_structure(self, plan: LearnerPlan) -> dict[str, list[str]]:
        """Save the new year and registration groups and point the planned
        learners at them (their placeholder ids are negative)."""
        real: dict[int, int] = {}
        for year in self.new_years.values():
            placeholder, year.pk = year.pk, None
            year.full_clean(validate_unique=False)
            year.save()
            real[placeholder] = year.pk
        groups: dict[int, int] = {}
        for group in self.new_groups.values():
            placeholder, group.pk = group.pk, None
            group.year_group_id = real.get(group.year_group_id, group.year_group_id)
            group.save()
            groups[placeholder] = group.pk
        learners = [learner for _, learner in plan.create]
        learners += [learner for _, learner, _ in plan.update]
        for learner in learners:
            learner.year_group_id = real.get(learner.year_group_id, learner.year_group_id)
            if learner.reg_group_id is not None:
                learner.reg_group_id = groups.get(learner.reg_group_id, learner.reg_group_id)
        return {
            "year_groups_created": [y.name for y in self.new_years.values()],
            "reg_groups_created": [g.name for g in self.new_groups.values()],
        }

    def apply(self, plan: LearnerPlan, outcome: ImportOutcome[LearnerPlan]) -> None:
        structure = self._create_structure(plan) if self.new_years or self.new_groups else {}
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
        contact_counts: dict[str, int] = {}
        if plan.contacts.create or plan.contacts.update or plan.contacts.restrictions:
            ids = {learner.upn: learner.pk for _, learner in plan.create}
            ids.update({learner.upn: learner.pk for _, learner, _ in plan.update})
            ids.update({learner.upn: learner.pk for _, learner in plan.unchanged})
            contact_counts = apply_contacts(plan.contacts, ids)
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
                **structure,
                **contact_counts,
            },
        )
