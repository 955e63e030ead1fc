"""Export columns of the safeguarding lists (pastoral.exports.Column), defined once."""

from __future__ import annotations

from typing import Any

from pastoral.exports import Column


def _learners(concern: Any) -> str:
    return ", ".join(
        f"{link.learner.display_name} ({link.learner.year_group.name})"
        for link in concern.learner_links.all()
    )


def _categories(concern: Any) -> str:
    return ", ".join(category.name for category in concern.categories.all())


# The DSL's search results, as templates/safeguarding/_concern_rows.html shows them.
CONCERN_SEARCH = [
    Column("Ref", "reference"),
    Column("Learner(s)", _learners),
    Column("Categories", _categories),
    Column("Level", lambda c: c.get_level_display()),
    Column("Status", lambda c: c.get_status_display()),
    Column("Owner", lambda c: c.owner.full_name if c.owner else ""),
    Column("Due", "due_date"),
    Column("Logged", "submitted_at"),
    Column("By", "author.full_name"),
]
