"""Export columns of the analysis page: the incidents behind its filters."""

from __future__ import annotations

from pastoral.exports import Column

INCIDENTS = [
    Column("Reference", "reference"),
    Column("When", "occurred_at"),
    Column("Learner", "learner.display_name"),
    Column("Year", "learner.year_group.name"),
    Column("Reg group", lambda i: i.learner.reg_group.name if i.learner.reg_group else ""),
    Column("Behaviour", "type.name"),
    Column("Positive or negative", lambda i: i.get_kind_display()),
    Column("Points", "points"),
    Column("Lesson / period", "period"),
    Column("Room", "room"),
    Column("Logged by", lambda i: str(i.created_by)),
]
