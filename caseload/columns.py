"""Export columns of the caseload lists (pastoral.exports.Column), defined once."""

from __future__ import annotations

from typing import Any

from pastoral.exports import Column

BOARD = [
    Column("Learner", "display_name"),
    Column("UPN", "upn"),
    Column("Year", "year_group.name"),
    Column("Lead key worker", "lead_worker_name"),
    Column("Status", "rag_label"),
    Column("Next", "next_step"),
    Column("Open plans", "open_plans"),
    Column("Next review", "next_review"),
    Column("Last contact", "last_contact"),
]

MY_CASELOAD = [
    Column("Learner", "display_name"),
    Column("UPN", "upn"),
    Column("Year", "year_group.name"),
    Column("Role", lambda row: "Lead" if row.my_kind == "lead" else "Supporting"),
    Column("Status", "rag_label"),
    Column("Next", "next_step"),
    Column("Next review", "next_review"),
    Column("Last contact", "last_contact"),
]


def _rate(group: Any) -> float | None:
    rate = group.attendance_rate
    return None if rate is None else round(float(rate))


INTERVENTIONS = [
    Column("Name", "name"),
    Column("Type", lambda g: g.get_kind_display() + (" (1:1)" if g.one_to_one else "")),
    Column("Led by", lambda g: str(g.leader)),
    Column("Learners", "member_count"),
    Column("Sessions", "session_count"),
    Column("Attendance rate %", _rate),
]

# A group's register: its roster (as the group page shows it to this person).
GROUP_REGISTER = [
    Column("Learner", "learner.display_name"),
    Column("UPN", "learner.upn"),
    Column("Year", "learner.year_group.name"),
    Column("Joined", "joined"),
    Column("Left", "left"),
]
