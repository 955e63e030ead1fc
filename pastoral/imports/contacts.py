"""Parents and carers from an MIS export: their own CSV (one row per contact,
keyed on the learner's UPN and the contact's name), or contactN_* columns of
the learner CSV. Shared parsing and planning for both; see docs/import-contacts.md.

A contact is matched to an existing one of the same learner by name (any
case); a restriction to an existing one of the contact by what it restricts,
its basis and date. Contacts and restrictions missing from the file are left
as they are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from pastoral import audit
from pastoral.imports.base import Change, ImportOutcome, Report, SchoolImporter
from pastoral.imports.csvfile import CsvRow
from pastoral.imports.parse import CellError, parse_bool, parse_choice, parse_date, parse_int
from pastoral.models import Contact, ContactRestriction, Learner

R = Contact.Relationship
RELATIONSHIPS: dict[str, str] = {
    **{value: value for value in R.values},
    **{label.lower(): value for value, label in R.choices},
    "mum": R.MOTHER,
    "dad": R.FATHER,
    "parent": R.OTHER,
    "step mother": R.STEP_PARENT,
    "step father": R.STEP_PARENT,
    "stepmother": R.STEP_PARENT,
    "stepfather": R.STEP_PARENT,
    "step parent": R.STEP_PARENT,
    "grandmother": R.GRANDPARENT,
    "grandfather": R.GRANDPARENT,
    "foster carer": R.FOSTER_CARER,
    "carer": R.FOSTER_CARER,
    "social worker": R.SOCIAL_WORKER,
    "aunt": R.OTHER_RELATIVE,
    "uncle": R.OTHER_RELATIVE,
    "brother": R.OTHER_RELATIVE,
    "sister": R.OTHER_RELATIVE,
    "relative": R.OTHER_RELATIVE,
}
B = ContactRestriction.Basis
BASES: dict[str, str] = {
    "court order": B.COURT_ORDER,
    "court_order": B.COURT_ORDER,
    "order": B.COURT_ORDER,
    "agreement": B.AGREEMENT,
    "written agreement": B.AGREEMENT,
    "other": B.OTHER,
}
X = ContactRestriction.Restricts
RESTRICTS: dict[str, str] = {
    **{value: value for value in X.values},
    **{value.replace("_", " "): value for value in X.values},
    "no contact at all": X.NO_CONTACT,
    "no collection": X.NO_COLLECTION,
    "may not collect": X.NO_COLLECTION,
    "no information": X.NO_INFORMATION,
    "supervised contact": X.SUPERVISED,
}

# Column suffixes (the contacts CSV uses them bare, the learner CSV as contactN_<suffix>).
CONTACT_COLUMNS = (
    "title",
    "name",
    "relationship",
    "parental_responsibility",
    "priority",
    "phone",
    "mobile",
    "email",
    "address",
    "lives_with_learner",
    "emergency_contact",
    "notes",
    "restriction",
    "restriction_basis",
    "restriction_date",
    "restriction_with",
    "restriction_reference",
    "restriction_expires",
    "restriction_note",
)
TEXT_LIMITS = {"title": 20, "name": 200, "phone": 40, "mobile": 40, "notes": 300}
FIELD_LABELS = {
    "title": "Title",
    "relationship": "Relationship",
    "parental_responsibility": "Parental responsibility",
    "priority": "Priority",
    "phone": "Phone",
    "mobile": "Other phone",
    "email": "E-mail",
    "address": "Address",
    "lives_with_learner": "Lives with learner",
    "emergency_contact": "Emergency contact",
    "notes": "Notes",
}
RESTRICTION_FIELDS = ("with_whom", "reference", "expires", "note")


@dataclass
class ContactItem:
    line: int
    upn: str
    name: str
    values: dict[str, Any]  # model field → value, only for columns present
    restriction: dict[str, Any] | None = None
    prefix: str = ""


@dataclass
class ContactPlan:
    create: list[tuple[ContactItem, Contact]] = field(default_factory=list)
    update: list[tuple[ContactItem, Contact, dict[str, tuple[Any, Any]]]] = field(
        default_factory=list
    )
    unchanged: list[tuple[ContactItem, Contact]] = field(default_factory=list)
    # (item, restriction, "create" | "update" | "unchanged", changed fields)
    restrictions: list[tuple[ContactItem, ContactRestriction, str, dict[str, Any]]] = field(
        default_factory=list
    )
    labels: dict[str, str] = field(default_factory=dict)  # upn → learner name


def _email(value: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        raise CellError(f"{value!r} is not an e-mail address") from None
    return value


def parse_contact(
    report: Report, row: CsvRow, upn: str, prefix: str = "", default_priority: int = 1
) -> ContactItem | None:
    """The contact in `row` (columns `prefix + suffix`), or None when it names nobody
    or has a problem (recorded against its line and column)."""
    key = lambda suffix: prefix + suffix  # noqa: E731
    present = set(row.values)
    name = report.field(row, key("name"), max_length=TEXT_LIMITS["name"])
    if not name:
        if any(row.get(key(s)) for s in CONTACT_COLUMNS):
            report.add(
                row.line, key("name"), "is blank, but other details of this contact are given"
            )
        return None
    values: dict[str, Any] = {
        "relationship": report.field(
            row,
            key("relationship"),
            lambda v: parse_choice(v, RELATIONSHIPS, what="relationship"),
            required=True,
        ),
    }
    if key("priority") in present or not prefix:
        values["priority"] = report.field(
            row,
            key("priority"),
            lambda v: parse_int(v, minimum=1, maximum=99),
            default=default_priority,
        )
    else:
        values["priority"] = default_priority
    for suffix in ("title", "phone", "mobile", "address", "notes"):
        if key(suffix) in present:
            values[suffix] = report.field(
                row, key(suffix), default="", max_length=TEXT_LIMITS.get(suffix)
            )
    if key("email") in present:
        values["email"] = report.field(row, key("email"), _email, default="", max_length=254)
    for suffix in ("parental_responsibility", "lives_with_learner"):
        if key(suffix) in present:
            values[suffix] = report.field(row, key(suffix), parse_bool, default=False)
    emergency = (
        report.field(row, key("emergency_contact"), parse_bool, default=None)
        if row.get(key("emergency_contact"))
        else None
    )
    restriction = _restriction(report, row, key)
    if restriction and restriction["restricts"] == X.NO_CONTACT and not restriction["expired"]:
        if emergency:
            report.add(
                row.line,
                key("emergency_contact"),
                "is Y, but this person is under a no-contact restriction: set it to N, or "
                "choose them on the contact's page, where the restriction must be acknowledged",
            )
        values["emergency_contact"] = False
    elif emergency is not None:
        values["emergency_contact"] = emergency
    if report.has_errors_on(row.line):
        return None
    return ContactItem(row.line, upn, name, values, restriction, prefix)


def _restriction(report: Report, row: CsvRow, key: Any) -> dict[str, Any] | None:
    given = [s for s in CONTACT_COLUMNS if s.startswith("restriction") and row.get(key(s))]
    if not given:
        return None
    restricts = report.field(
        row,
        key("restriction"),
        lambda v: parse_choice(v, RESTRICTS, what="restriction (what it restricts)"),
    )
    if not row.get(key("restriction")):
        report.add(row.line, key("restriction"), "is blank: say what the restriction restricts")
    basis = report.field(
        row,
        key("restriction_basis"),
        lambda v: parse_choice(v, BASES, what="basis (court order, agreement or other)"),
    )
    if not row.get(key("restriction_basis")):
        report.add(
            row.line,
            key("restriction_basis"),
            "is blank: a restriction needs its basis (court order, agreement or other)",
        )
    when = report.field(row, key("restriction_date"), parse_date)
    if not row.get(key("restriction_date")):
        report.add(
            row.line, key("restriction_date"), "is blank: give the date of the order or agreement"
        )
    expires = report.field(row, key("restriction_expires"), parse_date)
    today = timezone.localdate()
    if when and when > today:
        report.add(row.line, key("restriction_date"), "is in the future")
    if when and expires and expires < when:
        report.add(row.line, key("restriction_expires"), "is before the restriction's date")
    note = report.field(row, key("restriction_note"), default="")
    if "other" in (basis, restricts) and not note:
        report.add(row.line, key("restriction_note"), "is blank: say what the restriction is")
    return {
        "restricts": restricts,
        "basis": basis,
        "basis_date": when,
        "with_whom": report.field(row, key("restriction_with"), default="", max_length=200),
        "reference": report.field(row, key("restriction_reference"), default="", max_length=100),
        "expires": expires,
        "note": note,
        "expired": bool(expires and expires < today),
    }


def plan_contacts(
    items: list[ContactItem], learners: dict[str, Learner | None], report: Report
) -> ContactPlan:
    """Compare with the database (one query for contacts, one for their restrictions).

    Making someone under a no-contact restriction already recorded an emergency
    contact is refused here: that needs the acknowledgement on their page."""
    plan = ContactPlan(labels={u: lr.display_name for u, lr in learners.items() if lr})
    known = [lr.pk for lr in learners.values() if lr and lr.pk]
    existing: dict[tuple[int, str], Contact] = {}
    for contact in Contact.objects.filter(learner_id__in=known).order_by("pk"):
        existing.setdefault((contact.learner_id, contact.name.lower()), contact)
    restrictions: dict[tuple[int, str, str, dt.date], ContactRestriction] = {
        (r.contact_id, r.restricts, r.basis, r.basis_date): r
        for r in ContactRestriction.objects.filter(contact__in=list(existing.values()))
    }
    no_contact = {r.contact_id for r in restrictions.values() if r.is_no_contact and r.active}
    for item in items:
        learner = learners.get(item.upn)
        contact = existing.get((learner.pk, item.name.lower())) if learner and learner.pk else None
        if contact is None:
            contact = Contact(name=item.name, **item.values)
            plan.create.append((item, contact))
        else:
            if (
                contact.pk in no_contact
                and item.values.get("emergency_contact")
                and not contact.emergency_contact
            ):
                report.add(
                    item.line,
                    item.prefix + "emergency_contact",
                    "is Y, but this person is under a no-contact restriction: choose them on "
                    "the contact's page, where the restriction must be acknowledged",
                )
                continue
            changed = {
                name: (getattr(contact, name), value)
                for name, value in item.values.items()
                if getattr(contact, name) != value
            }
            for name, (_, value) in changed.items():
                setattr(contact, name, value)
            if changed:
                plan.update.append((item, contact, changed))
            else:
                plan.unchanged.append((item, contact))
        if item.restriction:
            r = item.restriction
            found = (
                restrictions.get((contact.pk, r["restricts"], r["basis"], r["basis_date"]))
                if contact.pk
                else None
            )
            if found is None:
                found = ContactRestriction(
                    restricts=r["restricts"],
                    basis=r["basis"],
                    basis_date=r["basis_date"],
                    **{k: r[k] for k in RESTRICTION_FIELDS},
                )
                plan.restrictions.append((item, found, "create", {}))
            else:
                changed_r = {k: r[k] for k in RESTRICTION_FIELDS if getattr(found, k) != r[k]}
                for k, v in changed_r.items():
                    setattr(found, k, v)
                plan.restrictions.append(
                    (item, found, "update" if changed_r else "unchanged", changed_r)
                )
    return plan


def _show(value: Any) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(dict(Contact.Relationship.choices).get(value, value))


def contact_changes(plan: ContactPlan) -> list[Change]:
    """The preview of a contact plan, one Change per contact row."""
    restriction_of = {id(item): (r, action) for item, r, action, _ in plan.restrictions}
    result: list[Change] = []

    def with_restriction(item: ContactItem, fields: dict[str, tuple[str, str]]) -> str:
        found = restriction_of.get(id(item))
        if found and found[1] != "unchanged":
            fields["Restriction"] = ("" if found[1] == "create" else "(changed)", found[0].summary)
            return "update"
        return "unchanged"

    for item, _contact in plan.create:
        fields = {
            label: ("", _show(item.values[name]))
            for name, label in FIELD_LABELS.items()
            if name in item.values and item.values[name] not in ("", None)
        }
        with_restriction(item, fields)
        result.append(Change(item.line, f"{item.upn} {item.name}", "create", item.name, fields))
    for item, _contact, changed in plan.update:
        fields = {
            FIELD_LABELS[name]: (_show(before), _show(after))
            for name, (before, after) in changed.items()
        }
        with_restriction(item, fields)
        result.append(Change(item.line, f"{item.upn} {item.name}", "update", item.name, fields))
    for item, _contact in plan.unchanged:
        fields = {}
        action = with_restriction(item, fields)
        result.append(Change(item.line, f"{item.upn} {item.name}", action, item.name, fields))
    return sorted(result, key=lambda c: (c.line, c.key))


def apply_contacts(plan: ContactPlan, learner_ids: dict[str, int]) -> dict[str, int]:
    """Write the plan (bulk); `learner_ids` maps each UPN to its learner's pk."""
    new = []
    for item, contact in plan.create:
        contact.learner_id = learner_ids[item.upn]
        new.append(contact)
    Contact.objects.bulk_create(new, batch_size=1000)
    if plan.update:
        fields = sorted({name for _, _, changed in plan.update for name in changed})
        Contact.objects.bulk_update([c for _, c, _ in plan.update], fields, batch_size=1000)
    contact_of = {id(item): c for item, c in plan.create}
    contact_of.update({id(item): c for item, c, _ in plan.update})
    contact_of.update({id(item): c for item, c in plan.unchanged})
    fresh = []
    for item, restriction, action, _changed in plan.restrictions:
        if action == "create":
            restriction.contact_id = contact_of[id(item)].pk
            fresh.append(restriction)
    ContactRestriction.objects.bulk_create(fresh, batch_size=1000)
    changed_r = [r for _, r, action, _ in plan.restrictions if action == "update"]
    if changed_r:
        ContactRestriction.objects.bulk_update(changed_r, list(RESTRICTION_FIELDS))
    return {
        "contacts_created": len(plan.create),
        "contacts_updated": len(plan.update),
        "restrictions_created": len(fresh),
        "restrictions_updated": len(changed_r),
    }


class ContactImporter(SchoolImporter[ContactItem, ContactPlan]):
    """Parents and carers of the school's learners, keyed on UPN and contact name."""

    required_columns = ("upn", "name", "relationship")
    optional_columns = tuple(c for c in CONTACT_COLUMNS if c not in ("name", "relationship"))

    def prepare(self) -> None:
        self.learners = {
            learner.upn: learner for learner in Learner.objects.filter(school=self.school)
        }

    def parse_row(self, row: CsvRow, report: Report) -> ContactItem | None:
        upn = (row.get("upn") or "").upper()
        if not upn:
            report.add(row.line, "upn", "is required and is blank")
        elif upn not in self.learners:
            report.add(row.line, "upn", f"{upn} is not a learner of this school")
        item = parse_contact(report, row, upn)
        if item is None and not report.has_errors_on(row.line):
            report.add(row.line, "name", "is required and is blank")
        return item

    def check_items(self, items: list[ContactItem], report: Report) -> None:
        report.duplicates(
            ((i.line, f"{i.upn} {i.name.lower()}") for i in items), key="name", what="contact"
        )

    def plan(self, items: list[ContactItem], report: Report) -> ContactPlan:
        return plan_contacts(items, {u: self.learners[u] for u in {i.upn for i in items}}, report)

    def changes(self, plan: ContactPlan) -> list[Change]:
        labelled = contact_changes(plan)
        return [
            Change(
                c.line,
                c.key,
                c.action,
                f"{c.label} ({plan.labels.get(c.key.split()[0], '')})",
                c.fields,
            )
            for c in labelled
        ]

    def apply(self, plan: ContactPlan, outcome: ImportOutcome[ContactPlan]) -> None:
        counts = apply_contacts(plan, {u: lr.pk for u, lr in self.learners.items()})
        audit.record(
            "pastoral.import.contacts",
            actor=self.actor,
            school=self.school,
            object_type="pastoral.import",
            object_id=self.filename[:40],
            changes={"file": self.filename, "rows": outcome.rows, **counts},
        )
