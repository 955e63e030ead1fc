"""Outside agencies and their named contacts from a CSV; see docs/import-agencies.md.

One row per agency, or one row per named person at it (the agency's own
columns repeated). Agencies are matched by name (any case) within the school,
their people by name within the agency. Nothing is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from pastoral import audit
from pastoral.imports.base import Change, ImportOutcome, Report, SchoolImporter
from pastoral.imports.csvfile import CsvRow
from pastoral.imports.parse import CellError, parse_choice
from pastoral.models import Agency, AgencyContact

K = Agency.Kind
KINDS: dict[str, str] = {
    **{value: value for value in K.values},
    **{label.lower(): value for value, label in K.choices},
    "mash": K.SOCIAL_CARE,
    "social care": K.SOCIAL_CARE,
    "children's social care": K.SOCIAL_CARE,
    "childrens social care": K.SOCIAL_CARE,
    "early help": K.EARLY_HELP,
    "health": K.HEALTH,
    "school nurse": K.SCHOOL_NURSE,
    "education welfare": K.EDUCATION_WELFARE,
    "ewo": K.EDUCATION_WELFARE,
    "virtual school": K.VIRTUAL_SCHOOL,
    "attendance": K.ATTENDANCE,
    "educational psychology": K.EDUCATIONAL_PSYCHOLOGY,
    "youth justice": K.YOUTH_JUSTICE,
    "voluntary": K.VOLUNTARY,
}
AGENCY_FIELDS = {
    "kind": "Kind",
    "phone": "Phone",
    "email": "E-mail",
    "address": "Address",
    "notes": "Notes",
}
PERSON_FIELDS = {"role": "Role", "phone": "Phone", "email": "E-mail"}


def _email(value: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        raise CellError(f"{value!r} is not an e-mail address") from None
    return value


@dataclass
class AgencyRow:
    line: int
    name: str
    values: dict[str, Any]
    person: dict[str, Any] | None


@dataclass
class AgencyPlan:
    # name (lower) → (first line, agency, action, changed labels)
    agencies: dict[str, tuple[int, Agency, str, dict[str, tuple[str, str]]]] = field(
        default_factory=dict
    )
    # (line, agency key, person, action, changed)
    people: list[tuple[int, str, AgencyContact, str, dict[str, tuple[str, str]]]] = field(
        default_factory=list
    )


class AgencyImporter(SchoolImporter[AgencyRow, AgencyPlan]):
    required_columns = ("name", "kind")
    optional_columns = (
        "phone",
        "email",
        "address",
        "notes",
        "contact_name",
        "contact_role",
        "contact_phone",
        "contact_email",
    )

    def parse_row(self, row: CsvRow, report: Report) -> AgencyRow | None:
        present = set(row.values)
        name = report.field(row, "name", required=True, max_length=200)
        values: dict[str, Any] = {
            "kind": report.field(
                row, "kind", lambda v: parse_choice(v, KINDS, what="kind of agency"), required=True
            )
        }
        for key, limit in (("phone", 40), ("address", None), ("notes", 300)):
            if key in present:
                values[key] = report.field(row, key, default="", max_length=limit)
        if "email" in present:
            values["email"] = report.field(row, "email", _email, default="", max_length=254)
        person = None
        if row.get("contact_name"):
            person = {
                "name": report.field(row, "contact_name", max_length=200),
                "role": report.field(row, "contact_role", default="", max_length=200),
                "phone": report.field(row, "contact_phone", default="", max_length=40),
                "email": report.field(row, "contact_email", _email, default="", max_length=254),
            }
        elif any(row.get(k) for k in ("contact_role", "contact_phone", "contact_email")):
            report.add(
                row.line, "contact_name", "is blank, but other details of the contact are given"
            )
        if report.has_errors_on(row.line):
            return None
        return AgencyRow(row.line, name, values, person)

    def check_items(self, items: list[AgencyRow], report: Report) -> None:
        first: dict[str, AgencyRow] = {}
        for item in items:
            seen = first.setdefault(item.name.lower(), item)
            if seen is item:
                continue
            for key, value in item.values.items():
                if value and seen.values.get(key) and value != seen.values[key]:
                    report.add(
                        item.line,
                        key,
                        f"differs from line {seen.line} for the same agency ({seen.values[key]!r})",
                    )
        report.duplicates(
            ((i.line, f"{i.name.lower()} / {i.person['name'].lower()}") for i in items if i.person),
            key="contact_name",
            what="contact",
        )

    def plan(self, items: list[AgencyRow], report: Report) -> AgencyPlan:
        existing = {
            a.name.lower(): a for a in Agency.objects.filter(school=self.school).order_by("-pk")
        }
        people = {
            (p.agency_id, p.name.lower()): p
            for p in AgencyContact.objects.filter(agency__school=self.school).order_by("-pk")
        }
        plan = AgencyPlan()
        for item in items:
            key = item.name.lower()
            if key not in plan.agencies:
                agency = existing.get(key)
                if agency is None:
                    agency = Agency(school=self.school, name=item.name, **item.values)
                    shown = {AGENCY_FIELDS[k]: ("", str(v)) for k, v in item.values.items() if v}
                    plan.agencies[key] = (item.line, agency, "create", shown)
                else:
                    changed = {
                        k: (getattr(agency, k), v)
                        for k, v in item.values.items()
                        if getattr(agency, k) != v
                    }
                    for k, (_, v) in changed.items():
                        setattr(agency, k, v)
                    shown = {AGENCY_FIELDS[k]: (str(b), str(a)) for k, (b, a) in changed.items()}
                    plan.agencies[key] = (
                        item.line,
                        agency,
                        "update" if changed else "unchanged",
                        shown,
                    )
            if item.person:
                agency = plan.agencies[key][1]
                person = people.get((agency.pk, item.person["name"].lower())) if agency.pk else None
                if person is None:
                    person = AgencyContact(**item.person)
                    shown = {
                        f: ("", str(item.person[f])) for f in ("name", "role") if item.person[f]
                    }
                    plan.people.append((item.line, key, person, "create", shown))
                else:
                    changed = {
                        k: (getattr(person, k), item.person[k])
                        for k in PERSON_FIELDS
                        if getattr(person, k) != item.person[k]
                    }
                    for k, (_, v) in changed.items():
                        setattr(person, k, v)
                    shown = {PERSON_FIELDS[k]: (str(b), str(a)) for k, (b, a) in changed.items()}
                    plan.people.append(
                        (item.line, key, person, "update" if changed else "unchanged", shown)
                    )
        return plan

    def changes(self, plan: AgencyPlan) -> list[Change]:
        result = [
            Change(line, f"agency {key}", action, agency.name, shown)
            for key, (line, agency, action, shown) in plan.agencies.items()
        ]
        result += [
            Change(
                line,
                f"person {key} / {p.name.lower()}",
                action,
                f"{p.name} ({plan.agencies[key][1].name})",
                shown,
            )
            for line, key, p, action, shown in plan.people
        ]
        return sorted(result, key=lambda c: (c.line, c.key))

    def apply(self, plan: AgencyPlan, outcome: ImportOutcome[AgencyPlan]) -> None:
        new = [a for _, a, action, _ in plan.agencies.values() if action == "create"]
        Agency.objects.bulk_create(new)
        changed = [a for _, a, action, _ in plan.agencies.values() if action == "update"]
        if changed:
            Agency.objects.bulk_update(changed, list(AGENCY_FIELDS))
        fresh = []
        for _line, key, person, action, _ in plan.people:
            if action == "create":
                person.agency_id = plan.agencies[key][1].pk
                fresh.append(person)
        AgencyContact.objects.bulk_create(fresh)
        updated = [p for _, _, p, action, _ in plan.people if action == "update"]
        if updated:
            AgencyContact.objects.bulk_update(updated, list(PERSON_FIELDS))
        audit.record(
            "pastoral.import.agencies",
            actor=self.actor,
            school=self.school,
            object_type="pastoral.import",
            object_id=self.filename[:40],
            changes={
                "file": self.filename,
                "rows": outcome.rows,
                "agencies_created": len(new),
                "agencies_updated": len(changed),
                "people_created": len(fresh),
                "people_updated": len(updated),
            },
        )
