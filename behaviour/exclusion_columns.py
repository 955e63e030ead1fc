"""Export columns of the suspension lists (pastoral.exports.Column), defined once."""

from __future__ import annotations

from pastoral.exports import Column

EXCLUSIONS = [
    Column("Reference", "reference"),
    Column("Learner", "learner.display_name"),
    Column("UPN", "learner.upn"),
    Column("Year", "learner.year_group.name"),
    Column("Kind", lambda e: e.get_kind_display()),
    Column("Reason", lambda e: e.reason_label),
    Column("First day", "start_date"),
    Column("Starting", lambda e: e.get_start_session_display()),
    Column("Sessions", "sessions"),
    Column("Last day", "end_date"),
    Column("Decided by", "decided_by"),
    Column("Reintegration meeting", "reintegration_on"),
    Column("Governors", lambda e: getattr(e, "flag_text", "")),
]

NOTICES = [
    Column("Exclusion", "exclusion.reference"),
    Column("Learner", "exclusion.learner.display_name"),
    Column("Year", "exclusion.learner.year_group.name"),
    Column("Tell", lambda n: n.get_to_display()),
    Column("Why", "why"),
    Column("Due", "due_on"),
    Column("Sent", "sent_on"),
    Column("Recorded by", lambda n: n.sent_by.full_name if n.sent_by else ""),
    Column("How", "note"),
]

MISMATCHES = [
    Column("Date", "date"),
    Column("Session", "session"),
    Column("Learner", "learner.display_name"),
    Column("Year", "learner.year_group.name"),
    Column("Register code", "code"),
    Column("Problem", "problem"),
]
