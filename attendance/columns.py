"""Export columns of the attendance lists (pastoral.exports.Column), defined once."""

from __future__ import annotations

from typing import Any

from pastoral.exports import Column


def _pct(name: str) -> Column:
    """A percentage to one decimal place, as the page shows it; blank with no sessions."""

    def value(row: Any) -> float | None:
        raw = getattr(row, name, None)
        return None if raw is None or raw == "" else round(float(raw), 1)

    return Column(name.removesuffix("_pct").replace("_", " ").capitalize() + " %", value)


def _flag(row: Any) -> str:
    if getattr(row, "is_sa", False):
        return "Severe absence"
    if getattr(row, "is_pa", False):
        return "Persistent absence"
    return ""


_LEARNER = [
    Column("Learner", "display_name"),
    Column("UPN", "upn"),
    Column("Year", "year_group.name"),
    Column("Reg group", "reg_group.name"),
]
ALL = [
    *_LEARNER,
    Column("Possible sessions", "possible"),
    _pct("attendance_pct"),
    _pct("authorised_pct"),
    _pct("unauthorised_pct"),
    Column("Lates", "lates"),
    Column("Flag", _flag),
]
FALLS = [
    *_LEARNER,
    Column("Before %", lambda r: round(float(r.before_pct), 1)),
    Column("Last 4 weeks %", lambda r: round(float(r.recent_pct), 1)),
    Column("Fall (points)", lambda r: round(float(r.fall), 1)),
]
BELOW_TARGET = [
    *_LEARNER,
    _pct("attendance_pct"),
    Column("Target %", "target_percent"),
]
# Persistent and severe absence lists show every figure, worst first.
LEARNER_LISTS = {"": ALL, "pa": ALL, "sa": ALL, "falls": FALLS, "below_target": BELOW_TARGET}


_GROUP = [
    Column("Group", "label"),
    Column("Learners", "learners"),
    Column("Possible sessions", "summary.possible"),
    Column("Attendance %", lambda r: _round(r.summary.attendance_pct)),
    Column("Authorised %", lambda r: _round(r.summary.authorised_pct)),
    Column("Unauthorised %", lambda r: _round(r.summary.unauthorised_pct)),
    Column("Lates", "summary.lates"),
    Column("Persistent absence", "pa"),
    Column("Severe absence", "sa"),
]


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def dashboard_rows(figures: Any) -> list[tuple[str, Any]]:
    """The dashboard's year, cohort and reg group rows, each with its table's name."""
    return [
        *(("Year groups", row) for row in figures.years),
        *(("Cohorts", row) for row in figures.cohorts),
        *(("Registration groups", row) for row in figures.reg_groups),
    ]


# The dashboard's three tables, one after the other: every row says which table it is from.
DASHBOARD = [
    Column("Table", lambda pair: pair[0]),
    *(Column(c.header, lambda pair, c=c: c.of(pair[1])) for c in _GROUP),
]


def _absent_sessions(row: Any) -> str:
    return ", ".join(str(s) for s in row.absent_sessions.all())


PART_TIME = [
    Column("Learner", "learner.display_name"),
    Column("UPN", "learner.upn"),
    Column("Year", "learner.year_group.name"),
    Column("Start", "start"),
    Column("End", "end"),
    Column("Weeks", "weeks"),
    Column("Sessions not attended (C2)", _absent_sessions),
    Column("Reason", "reason"),
    Column("Exception approved by", "exception_approved_by"),
    Column("Parent agreement", "agreed_by"),
    Column("Agreed on", "agreed_on"),
    Column("Next review", "review_date"),
    Column("Owner", "owner.full_name"),
    Column("LA notified on", "la_notified_on"),
]
RECONCILIATION = [
    Column("Date", "date"),
    Column("Session", "session"),
    Column("Learner", "learner.display_name"),
    Column("UPN", "learner.upn"),
    Column("Year", "learner.year_group.name"),
    Column("Mark", "code"),
    Column("Problem", "problem"),
]
