"""The shapes every PDF report is made of: sections of facts, tables and entries.

Report builders (in the apps) turn their records into these plain objects;
templates/pdf/base.html lays them out. One layout for every report means one
place where escaping, page breaks and "nothing recorded" are handled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone


@dataclass
class PrintEntry:
    """One block in a report: a concern, an action, a plan, a session, a contact."""

    title: str
    when: dt.datetime | dt.date | None = None
    kind: str = ""
    meta: str = ""  # e.g. "Recorded by ... · Categories: ..."
    body: str = ""
    level: str = ""  # "restricted" for CP content
    facts: list[tuple[str, Any]] = field(default_factory=list)
    children: list[PrintEntry] = field(default_factory=list)
    ref: str = ""  # stable id, e.g. "concern:12" (redaction marks refer to it)
    redacted: bool = False
    redaction_reason: str = ""

    def count(self) -> int:
        return 1 + sum(child.count() for child in self.children)

    @property
    def when_label(self) -> str:
        """A date, or a date and local time: entries mix both."""
        if isinstance(self.when, dt.datetime):
            return timezone.localtime(self.when).strftime("%d %b %Y %H:%M")
        if isinstance(self.when, dt.date):
            return self.when.strftime("%d %b %Y")
        return ""


@dataclass
class Table:
    headings: list[str]
    rows: list[list[Any]]


@dataclass
class Section:
    key: str
    title: str
    entries: list[PrintEntry] = field(default_factory=list)
    facts: list[tuple[str, Any]] = field(default_factory=list)
    table: Table | None = None
    intro: str = ""
    summary: str = ""  # author-written text, e.g. an agency report's covering summary
    empty_text: str = "Nothing recorded."
    new_page: bool = False  # start on a new page (a receipt slip); sections otherwise flow

    @property
    def is_empty(self) -> bool:
        return not (self.entries or self.facts or (self.table and self.table.rows) or self.summary)

    def count(self) -> int:
        return sum(entry.count() for entry in self.entries) + (
            len(self.table.rows) if self.table else 0
        )


def total_entries(sections: list[Section]) -> int:
    return sum(section.count() for section in sections)


def redact(sections: list[Section], refs: set[str], reason: str) -> int:
    """Mark the entries whose ref is in `refs` as redacted; returns how many were."""
    done = 0

    def walk(entries: list[PrintEntry]) -> None:
        nonlocal done
        for entry in entries:
            if entry.ref and entry.ref in refs:
                entry.redacted = True
                entry.redaction_reason = reason
                done += 1
            else:
                walk(entry.children)

    for section in sections:
        walk(section.entries)
    return done


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def learner_facts(learner: Any) -> list[tuple[str, Any]]:
    """The profile facts every learner report opens with (core fields only)."""
    return [
        ("Name", learner.display_name),
        ("Legal name", f"{learner.legal_first_name} {learner.legal_last_name}"),
        ("UPN", learner.upn),
        ("Consistent child identifier", learner.child_identifier or "—"),
        ("Date of birth", learner.date_of_birth.strftime("%d %B %Y")),
        ("Gender", learner.get_gender_display()),
        ("Year", str(learner.year_group)),
        ("Registration group", str(learner.reg_group) if learner.reg_group_id else "—"),
        ("SEN status", learner.get_sen_status_display()),
        ("Pupil premium", yes_no(learner.pupil_premium)),
        ("EAL", yes_no(learner.eal)),
        ("Looked after (CLA)", yes_no(learner.looked_after)),
        (
            "On roll from",
            learner.on_roll_from.strftime("%d %B %Y") if learner.on_roll_from else "—",
        ),
        (
            "On roll until",
            learner.on_roll_until.strftime("%d %B %Y") if learner.on_roll_until else "—",
        ),
    ]


def contact_entries(learner: Any) -> list[PrintEntry]:
    """Parents and carers with their details (core Contact rows)."""
    return [
        PrintEntry(
            title=f"{contact.name} ({contact.get_relationship_display()})",
            ref=f"parent:{contact.pk}",
            facts=[
                ("Parental responsibility", yes_no(contact.parental_responsibility)),
                ("Lives with learner", yes_no(contact.lives_with_learner)),
                ("Phone", contact.phone),
                ("E-mail", contact.email),
                ("Address", contact.address),
                ("Notes", contact.notes),
            ],
        )
        for contact in learner.contacts.all()
    ]
