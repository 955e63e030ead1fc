"""Export columns of the retention lists (no record content: names, types, dates, rules)."""

from __future__ import annotations

from pastoral.exports import Column

QUEUE = [
    Column("Learner", lambda i: i.learner.display_name),
    Column("UPN", lambda i: i.learner.upn),
    Column("Record type", lambda i: i.record_type.label),
    Column("Records", lambda i: i.count),
    Column("Rule", lambda i: i.rule.text),
    Column("Runs from", lambda i: i.basis_date),
    Column("Due", lambda i: i.due_on),
    Column("Status", lambda i: i.status),
]

HOLDS = [
    Column("Learner", "learner.display_name"),
    Column("Covers", lambda h: h.get_covers_display()),
    Column("Reason", lambda h: h.get_reason_display()),
    Column("Reference", "details"),
    Column("Placed by", "placed_by.full_name"),
    Column("Placed", "placed_at"),
    Column("Lifted by", lambda h: h.lifted_by.full_name if h.lifted_by else ""),
    Column("Lifted", "lifted_at"),
    Column("Why lifted", "lift_reason"),
]

TOMBSTONES = [
    Column("Disposed", "disposed_at"),
    Column("Record type", "record_label"),
    Column("Learner", "learner_name"),
    Column("Date of birth", "learner_dob"),
    Column("Records", "count"),
    Column("Files", "files"),
    Column("Rule", "rule"),
    Column("Runs from", "basis_date"),
    Column("Due", "due_on"),
    Column("Disposed by", "disposed_by.full_name"),
]
