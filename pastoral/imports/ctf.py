"""The Common Transfer File import: a CTF (versions 19 to 25) into the school's
learners and their parents and carers, keyed on UPN (a pupil's former UPNs match
too), with the same upload → preview → confirm as the CSV imports.

It is a `SchoolImporter` whose `read()` reads the XML (pastoral.ctf, defusedxml)
and gives one "row" per <Pupil>, numbered by the pupil's line in the file, so the
framework's all-or-nothing run, preview, fingerprint and atomic apply are the CSV
imports' own. What is written (docs/ctf.md):

- the learner: names, date of birth, sex, year group (NCyearActual; a pupil one
  year below the school's first year joins that year, the usual Year 6 → 7
  transfer), SEN provision (the open spell), looked-after flag; a former UPN that
  matches one of our learners changes that learner's UPN;
- the contacts, matched by name within the learner as the contacts CSV does:
  order → priority, relationship code, parental responsibility, address (or
  "as pupil" → lives with the learner), phones, e-mail; a court-order flag is
  noted on a new contact and shown in the preview;
- kept on the batch (`ImportBatch.details`, with the raw file): former UPNs, SEN
  history and needs, care authority, attendance year summaries, school history.

An optional element missing from the file leaves that field as it is (a new
learner gets the empty value). Reg groups are not in a CTF: a learner whose year
changes leaves a reg group of the old year.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from pastoral import audit
from pastoral.ctf import CTFError, CTFFile, CTFHeader, CTFPupil, read
from pastoral.imports.base import Change, ImportOutcome, Report, SchoolImporter
from pastoral.imports.contacts import FIELD_LABELS as CONTACT_LABELS
from pastoral.imports.contacts import (
    ContactItem,
    ContactPlan,
    apply_contacts,
    plan_contacts,
)
from pastoral.imports.csvfile import CsvRow, CsvTable, ImportFileError, RowError, Source
from pastoral.imports.ctf_details import pupil_details, stored_pupil
from pastoral.imports.learners import CASE_FIELDS, EARLIEST_BIRTH, FIELD_LABELS, HIDDEN
from pastoral.models import Contact, Learner, RegGroup, YearGroup
from pastoral.people.ctf import relationship_from_code
from pastoral.upn import upn_error

# Where a problem is, as the error table's "element" column shows it.
ELEMENTS = {
    "upn": "<UPN>",
    "names": "<Surname>/<Forename>",
    "dob": "<DOB>",
    "sex": "<Sex>/<Gender>",
    "year": "<NCyearActual>",
    "sen": "<SENprovision>",
    "contact": "<Contact>",
    "former": "<FormerUPN>",
}
LABELS = {"upn": "UPN", **FIELD_LABELS}
# SEN provision codes: N, K, E today; A (School Action), P (Action Plus) and S
# (statement) in files from before 2015.
SEN_CODES = {"N": "N", "K": "K", "E": "E", "A": "K", "P": "K", "S": "E"}
COURT_ORDER_NOTE = "The CTF flags a court order: record its terms as a restriction"
_PUPIL_TAG = re.compile(rb"<(?:[\w.-]+:)?Pupil[\s/>]")


def pupil_lines(data: bytes) -> list[int]:
    """The line of each <Pupil> start tag, in file order (ElementTree keeps no lines)."""
    return [data.count(b"\n", 0, m.start()) + 1 for m in _PUPIL_TAG.finditer(data)]


def _bytes(source: Source) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str):
        with open(source, "rb") as handle:
            return handle.read()
    if hasattr(source, "read_bytes"):
        return source.read_bytes()
    if hasattr(source, "seek"):
        source.seek(0)
    return bytes(source.read())


def _who(number: int, pupil: CTFPupil) -> str:
    name = f"{pupil.forename} {pupil.surname}".strip()
    return f"Pupil {number} ({name})" if name else f"Pupil {number}"


@dataclass
class PupilItem:
    line: int
    number: int
    pupil: CTFPupil
    values: dict[str, Any]  # learner model field → value, only what the file gives
    contacts: list[ContactItem] = field(default_factory=list)
    court_orders: list[str] = field(default_factory=list)  # contact names
    year_note: str = ""


@dataclass
class CTFPlan:
    header: CTFHeader
    skipped: tuple[str, ...]
    create: list[tuple[PupilItem, Learner]] = field(default_factory=list)
    update: list[tuple[PupilItem, Learner, dict[str, tuple[Any, Any]]]] = field(
        default_factory=list
    )
    unchanged: list[tuple[PupilItem, Learner]] = field(default_factory=list)
    contacts: ContactPlan = field(default_factory=ContactPlan)

    def learners(self) -> list[tuple[PupilItem, Learner]]:
        return [
            *self.create,
            *((item, learner) for item, learner, _ in self.update),
            *self.unchanged,
        ]

    def stored(self) -> dict[str, Any]:
        """What the CTF carried beyond the learners' fields, for ImportBatch.details."""
        h = self.header
        return {
            "version": h.version,
            "qualifier": h.qualifier,
            "supplier": h.supplier,
            "source": {"la": h.source.la, "estab": h.source.estab, "urn": h.source.urn,
                       "name": h.source.name},
            "skipped": list(self.skipped),
            "pupils": [
                stored_pupil(item.pupil, learner)
                for item, learner in sorted(self.learners(), key=lambda p: p[0].line)
            ],
        }  # fmt: skip


class CTFImporter(SchoolImporter[PupilItem, CTFPlan]):
    """Upsert learners and their contacts from a Common Transfer File, keyed on UPN."""

    def read(self, source: Source) -> CsvTable:
        """One row per <Pupil> (values: its index), or ImportFileError naming where."""
        from django.conf import settings

        data = _bytes(source)
        limit = self.max_bytes or settings.IMPORT_MAX_BYTES
        if len(data) > limit:
            raise ImportFileError([RowError(None, "", f"the file is larger than {limit} bytes")])
        lines = pupil_lines(data)
        try:
            self.file: CTFFile = read(data)
        except CTFError as exc:
            line = None
            if exc.pupil is not None and exc.pupil <= len(lines):
                line = lines[exc.pupil - 1]
            raise ImportFileError([RowError(line, "", str(exc))]) from None
        if not self.file.pupils:
            raise ImportFileError(
                [RowError(None, "", "The file holds no pupils (<CTFpupilData><Pupil>)")]
            )
        self.sha256 = hashlib.sha256(data).hexdigest()
        rows = [
            CsvRow(line=lines[i] if i < len(lines) else 0, values={"index": str(i)})
            for i in range(len(self.file.pupils))
        ]
        return CsvTable(headers=dict(ELEMENTS), rows=rows)

    def prepare(self) -> None:
        self.years: dict[int, YearGroup] = {}
        self.year_names: dict[int, str] = {}
        for year in YearGroup.objects.filter(school=self.school).order_by("number"):
            self.years[year.number] = year
            self.year_names[year.pk] = year.name
        self.reg_years: dict[int, int] = {}
        self.reg_names: dict[int, str] = {}
        for group in RegGroup.objects.filter(school=self.school):
            self.reg_years[group.pk] = group.year_group_id
            self.reg_names[group.pk] = group.name
        self.today = timezone.localdate()

    def _year(self, value: str) -> tuple[YearGroup | None, str]:
        """The school's year for an NCyearActual, and a note when it was moved up."""
        code = value.strip().upper()
        number = 0 if code == "R" else int(code) if code.isdigit() else None
        if number is None:
            return None, ""
        if number in self.years:
            return self.years[number], ""
        if self.years and number + 1 == min(self.years):
            year = self.years[number + 1]
            return year, f"Year {number} in the file: joins {year.name}, the school's first year"
        return None, ""

    def parse_row(self, row: CsvRow, report: Report) -> PupilItem | None:
        number = int(row.values["index"]) + 1
        pupil = self.file.pupils[number - 1]
        who = _who(number, pupil)
        line = row.line

        def problem(key: str, reason: str) -> None:
            report.add(line, key, f"{who}: {reason}")

        reason = upn_error(pupil.upn)
        if reason:
            problem("upn", f"{pupil.upn!r} is not a valid UPN. {reason}")
        else:
            report.unique(line, "upn", pupil.upn, what="UPN")
        values: dict[str, Any] = {}
        for name, value, element in (
            ("legal_first_name", pupil.forename, "<Forename>"),
            ("legal_last_name", pupil.surname, "<Surname>"),
        ):
            if not value:
                problem("names", f"{element} is missing")
            elif len(value) > 100:
                problem("names", f"{element} is longer than 100 characters")
            values[name] = value
        for name, value in (
            ("preferred_first_name", pupil.preferred_forename),
            ("preferred_last_name", pupil.preferred_surname),
        ):
            if value:
                values[name] = value[:100]
        born = pupil.date_of_birth
        if born is not None:
            if born > self.today:
                problem("dob", f"{born.isoformat()} is in the future")
            elif born < EARLIEST_BIRTH:
                problem("dob", f"{born.isoformat()} is too long ago for a learner")
            values["date_of_birth"] = born
        if pupil.sex:
            values["gender"] = pupil.sex.upper() if pupil.sex.upper() in ("F", "M") else "X"
        year_note = ""
        if pupil.year_group:
            year, year_note = self._year(pupil.year_group)
            if year is None:
                known = ", ".join(self.year_names.values()) or "none set up"
                problem(
                    "year",
                    f"year {pupil.year_group!r} is not a year group of this school "
                    f"(known: {known})",
                )
            else:
                values["year_group_id"] = year.pk
        provisions = {s.provision.upper() for s in pupil.sen_history}
        unknown = sorted(p for p in provisions if p not in SEN_CODES)
        if unknown:
            problem("sen", f"{', '.join(unknown)} is not an SEN provision code (N, K or E)")
        else:
            values["sen_status"] = SEN_CODES[pupil.sen_provision.upper()]
        values["looked_after"] = pupil.looked_after
        contacts, court_orders = self._contacts(pupil, line, problem)
        if report.has_errors_on(line):
            return None
        return PupilItem(line, number, pupil, values, contacts, court_orders, year_note)

    def _contacts(
        self, pupil: CTFPupil, line: int, problem: Any
    ) -> tuple[list[ContactItem], list[str]]:
        items: list[ContactItem] = []
        court_orders: list[str] = []
        seen: set[str] = set()
        home = "\n".join(x for x in (pupil.address, pupil.postcode) if x)
        for i, c in enumerate(pupil.contacts, 1):
            name = f"{c.forename} {c.surname}".strip()
            where = f"contact {i} ({name})" if name else f"contact {i}"
            if not c.surname:
                problem("contact", f"{where} has no <Surname>")
                continue
            if name.lower() in seen:
                problem("contact", f"{where} is named twice")
                continue
            seen.add(name.lower())
            phones = [number for _, number in c.phones]
            values: dict[str, Any] = {
                "title": c.title,
                "relationship": relationship_from_code(c.relationship),
                "parental_responsibility": c.parental_responsibility,
                "priority": max(1, min(c.order, 99)),
                "lives_with_learner": c.address_as_pupil or bool(home and c.address == home),
                "address": "" if c.address_as_pupil else c.address,
                "phone": phones[0] if phones else "",
                "mobile": phones[1] if len(phones) > 1 else "",
                "email": c.email,
            }
            for key, limit in (("title", 20), ("phone", 40), ("mobile", 40)):
                if len(values[key]) > limit:
                    problem(
                        "contact", f"{where}: {values[key]!r} is longer than {limit} characters"
                    )
            if c.email:
                try:
                    validate_email(c.email)
                except ValidationError:
                    problem("contact", f"{where}: <Email> {c.email!r} is not an e-mail address")
            if c.court_order:
                court_orders.append(name)
            items.append(ContactItem(line, pupil.upn, name, values))
        return items, court_orders

    def plan(self, items: list[PupilItem], report: Report) -> CTFPlan:
        plan = CTFPlan(header=self.file.header, skipped=self.file.skipped)
        existing = {
            learner.upn: learner
            for learner in Learner.objects.filter(school=self.school).order_by()
        }
        claimed: dict[int, PupilItem] = {}
        learners: dict[str, Learner | None] = {}
        for item in items:
            learner = existing.get(item.pupil.upn)
            via_former = False
            if learner is None:
                former = [existing[u] for u in item.pupil.former_upns if u in existing]
                if former:
                    learner, via_former = former[0], True
            if learner is not None and learner.pk in claimed:
                report.add(
                    item.line,
                    "former",
                    f"{_who(item.number, item.pupil)}: matches {learner.display_name} "
                    f"({learner.upn}), as does the pupil on line {claimed[learner.pk].line}",
                )
                continue
            if learner is None:
                learner = self._new(item, report)
                if learner is not None:
                    plan.create.append((item, learner))
                    learners[item.pupil.upn] = learner
                continue
            claimed[learner.pk] = item
            learners[item.pupil.upn] = learner
            values = dict(item.values)
            if via_former:
                values["upn"] = item.pupil.upn
            year_id = values.get("year_group_id")
            if (
                year_id
                and learner.reg_group_id
                and self.reg_years.get(learner.reg_group_id) != year_id
            ):
                values["reg_group_id"] = None
            changed = {
                name: (getattr(learner, name), value)
                for name, value in values.items()
                if getattr(learner, name) != value
            }
            if not changed:
                plan.unchanged.append((item, learner))
                continue
            for name, (_, value) in changed.items():
                setattr(learner, name, value)
            if self._valid(learner, item, report):
                plan.update.append((item, learner, changed))
        contact_items = [c for item in items for c in item.contacts]
        if contact_items:
            plan.contacts = plan_contacts(contact_items, learners, report)
            orders = {(item.pupil.upn, n.lower()) for item in items for n in item.court_orders}
            for c_item, contact in plan.contacts.create:
                if (c_item.upn, c_item.name.lower()) in orders:
                    contact.notes = COURT_ORDER_NOTE
        return plan

    def _new(self, item: PupilItem, report: Report) -> Learner | None:
        who = _who(item.number, item.pupil)
        if "date_of_birth" not in item.values:
            report.add(item.line, "dob", f"{who}: <DOB> is missing; a new learner needs it")
        if "year_group_id" not in item.values:
            report.add(
                item.line, "year", f"{who}: <NCyearActual> is missing; a new learner needs it"
            )
        if report.has_errors_on(item.line):
            return None
        learner = Learner(school=self.school, upn=item.pupil.upn, gender=Learner.Gender.OTHER)
        for name, value in item.values.items():
            setattr(learner, name, value)
        return learner if self._valid(learner, item, report) else None

    def _valid(self, learner: Learner, item: PupilItem, report: Report) -> bool:
        try:
            learner.full_clean(
                exclude=["school", "year_group", "reg_group"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    report.add(
                        item.line,
                        "",
                        f"{_who(item.number, item.pupil)}: {LABELS.get(name, name)}: {message}",
                    )
            return False
        return True

    # The preview ----------------------------------------------------------------

    def _display(self, name: str, value: Any) -> str:
        if name in CASE_FIELDS:
            return HIDDEN
        if value is None or value == "":
            return "—"
        if name == "year_group_id":
            return self.year_names.get(value, str(value))
        if name == "reg_group_id":
            return self.reg_names.get(value, str(value))
        if name == "gender":
            return str(dict(Learner.Gender.choices).get(value, value))
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    def changes(self, plan: CTFPlan) -> list[Change]:
        by_upn = self._contact_fields(plan.contacts)
        result: list[Change] = []
        for item, learner in plan.create:
            fields = {
                LABELS[name]: ("", self._display(name, value))
                for name, value in item.values.items()
                if value not in (None, "", False) or name in CASE_FIELDS
            }
            result.append(self._change(item, learner, "create", fields, by_upn))
        for item, learner, changed in plan.update:
            fields = {
                LABELS[name]: (self._display(name, old), self._display(name, new))
                for name, (old, new) in changed.items()
            }
            result.append(self._change(item, learner, "update", fields, by_upn))
        for item, learner in plan.unchanged:
            result.append(self._change(item, learner, "unchanged", {}, by_upn))
        return sorted(result, key=lambda c: c.line)

    def _change(
        self,
        item: PupilItem,
        learner: Learner,
        action: str,
        fields: dict[str, tuple[str, str]],
        by_upn: dict[str, dict[str, tuple[str, str]]],
    ) -> Change:
        contact_fields = by_upn.get(item.pupil.upn, {})
        if contact_fields and action == "unchanged":
            action = "update"
        details = list(pupil_details(item.pupil))
        if item.year_note:
            details.insert(0, item.year_note)
        for name in item.court_orders:
            details.insert(
                0,
                f"Court order: the file flags one on {name}'s record. Record its terms as a "
                "restriction on the contact's page.",
            )
        return Change(
            item.line,
            item.pupil.upn,
            action,
            learner.display_name,
            {**fields, **contact_fields},
            tuple(details),
        )

    def _contact_fields(self, plan: ContactPlan) -> dict[str, dict[str, tuple[str, str]]]:
        """Per UPN: "Contact <name>" rows for a new contact, "<name>: <field>" rows
        (old → new) for a changed one; nothing for an unchanged one."""
        result: dict[str, dict[str, tuple[str, str]]] = {}
        for item, _contact in plan.create:
            summary = "; ".join(
                f"{label}: {_show(item.values[name])}"
                for name, label in CONTACT_LABELS.items()
                if name in item.values and item.values[name] not in ("", None)
            )
            result.setdefault(item.upn, {})[f"Contact {item.name}"] = ("", f"new. {summary}")
        for item, _contact, changed in plan.update:
            fields = result.setdefault(item.upn, {})
            for name, (old, new) in changed.items():
                fields[f"{item.name}: {CONTACT_LABELS.get(name, name)}"] = (_show(old), _show(new))
        return result

    # The write -------------------------------------------------------------------

    def apply(self, plan: CTFPlan, outcome: ImportOutcome[CTFPlan]) -> None:
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
        if plan.contacts.create or plan.contacts.update:
            ids = {item.pupil.upn: learner.pk for item, learner in plan.learners()}
            contact_counts = apply_contacts(plan.contacts, ids)
            contact_counts = {k: v for k, v in contact_counts.items() if v}
        source = plan.header.source
        audit.record(
            "pastoral.import.ctf",
            actor=self.actor,
            school=self.school,
            object_type="pastoral.import",
            object_id=self.filename[:40],
            changes={
                "file": self.filename,
                "sha256": self.sha256,
                "version": plan.header.version,
                "from": {"la": source.la, "estab": source.estab, "name": source.name},
                "pupils": outcome.rows,
                "created": len(plan.create),
                "updated": len(plan.update),
                "unchanged": len(plan.unchanged),
                **contact_counts,
            },
        )


def _show(value: Any) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(dict(Contact.Relationship.choices).get(value, value))
