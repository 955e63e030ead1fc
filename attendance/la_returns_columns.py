"""Export columns of the LA-return lists, in the shape local authorities usually
ask for: the learner's identifiers first (UPN, names, date of birth), then the
facts of the return."""

from __future__ import annotations

from pastoral.exports import Column

_LEARNER = [
    Column("UPN", "learner.upn"),
    Column("Legal surname", "learner.legal_last_name"),
    Column("Legal forename", "learner.legal_first_name"),
    Column("Date of birth", "learner.date_of_birth"),
    Column("Year", "learner.year_group.name"),
]

ABSENCE_DUE = [
    *_LEARNER,
    Column("First day absent", "start"),
    Column("Last day counted", "end"),
    Column("Consecutive school days", "days"),
    Column("Still absent", lambda r: "Yes" if r.ongoing else "No"),
]

ABSENCE_NOTIFIED = [
    *_LEARNER,
    Column("First day absent", "run_start"),
    Column("Last day counted", "run_end"),
    Column("Consecutive school days", "school_days"),
    Column("Notified on", "notified_on"),
    Column("How", lambda r: r.get_how_display()),
    Column("LA reference", "la_reference"),
    Column("Notified by", "notified_by.full_name"),
]

ROLL_CHANGES = [
    *_LEARNER,
    Column("Change", lambda r: r.get_kind_display()),
    Column("Date", "date"),
    Column("Ground code", "ground"),
    Column("Ground", "ground_label"),
    Column("Details", "details"),
    Column("LA to be told by", "due_by"),
    Column("LA notified on", "la_notified_on"),
    Column("How", lambda r: r.get_la_notified_how_display()),
    Column("LA reference", "la_reference"),
]

PENALTY = [
    Column("UPN", "upn"),
    Column("Legal surname", "legal_last_name"),
    Column("Legal forename", "legal_first_name"),
    Column("Date of birth", "date_of_birth"),
    Column("Year", "year_group.name"),
    Column("Unauthorised sessions", "unauthorised_sessions"),
    Column("Notice to improve in the period", lambda r: "Yes" if r.notice_to_improve else "No"),
]
