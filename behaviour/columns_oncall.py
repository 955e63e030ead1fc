"""Export columns of the on-call and removal lists (pastoral/exports.py)."""

from __future__ import annotations

from pastoral.exports import Column

REQUESTS = [
    Column("Reference", "reference"),
    Column("Requested", "requested_at"),
    Column("Requested by", lambda r: str(r.requested_by)),
    Column("Room", "room"),
    Column("Lesson", "lesson"),
    Column("Reason", lambda r: r.get_reason_display()),
    Column("Urgency", lambda r: r.get_urgency_display()),
    Column("Learner", lambda r: r.learner.display_name if r.learner else ""),
    Column("Status", lambda r: r.get_status_display()),
    Column("Accepted by", lambda r: str(r.accepted_by or "")),
    Column("Accepted", "accepted_at"),
    Column("Resolved by", lambda r: str(r.resolved_by or "")),
    Column("Resolved", "resolved_at"),
    Column("Outcome", lambda r: r.get_outcome_display()),
]

REMOVALS = [
    Column("Reference", "reference"),
    Column("When", "removed_at"),
    Column("Learner", "learner.display_name"),
    Column("Year", "learner.year_group.name"),
    Column("Reg group", lambda r: r.learner.reg_group.name if r.learner.reg_group else ""),
    Column("Lesson", "lesson"),
    Column("Room", "room"),
    Column("Removed by", lambda r: str(r.removed_by)),
    Column("Reason", "reason"),
    Column("Where to", "where_to"),
    Column("Minutes", "minutes"),
    Column("From on-call", lambda r: "yes" if r.request_id else "no"),
]
