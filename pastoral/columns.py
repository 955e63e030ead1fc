"""Export columns of the core's lists (pastoral.exports.Column), defined once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pastoral.exports import Column
from pastoral.models import Learner


def _flags(learner: Learner) -> str:
    """The flags the learner list shows, for learners whose case data the person may see."""
    if not getattr(learner, "in_case_scope", False):
        return ""
    flags = []
    if learner.sen_status != "N":
        flags.append(f"SEN {learner.sen_status}")
    if learner.pupil_premium:
        flags.append("PP")
    if learner.eal:
        flags.append("EAL")
    if learner.looked_after:
        flags.append("CLA")
    if learner.cp_status:
        flags.append(learner.cp_status)
    return " ".join(flags)


LEARNER_DIRECTORY = [
    Column("Last name", "last_name"),
    Column("First name", "first_name"),
    Column("UPN", "upn"),
    Column("Year", "year_group.name"),
    Column("Reg group", "reg_group.name"),
]
LEARNER_CASE = [*LEARNER_DIRECTORY, Column("Flags", _flags)]


def learner_columns(show_case: bool) -> list[Column]:
    return LEARNER_CASE if show_case else LEARNER_DIRECTORY


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _learner(event: Any, field: str) -> str:
    return getattr(event.learner, field) if event.learner else ""


AUDIT_EVENTS = [
    Column("time (UTC)", lambda e: _utc(e.created_at)),
    Column("event id", "pk"),
    Column("action", "action"),
    Column("person", "actor_label"),
    Column("learner", lambda e: _learner(e, "display_name")),
    Column("learner UPN", lambda e: _learner(e, "upn")),
    Column("record type", "object_type"),
    Column("record id", "object_id"),
    Column("changes", lambda e: e.changes or ""),
    Column("IP address", lambda e: e.ip or ""),
    Column("browser", "user_agent"),
]
