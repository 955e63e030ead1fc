"""The trust dashboard's export columns (counts only)."""

from __future__ import annotations

from pastoral.exports import Column


def _pct(value: float | None) -> float | str:
    return "" if value is None else value


def _or_blank(value: int | None) -> int | str:
    return "" if value is None else value


SCHOOL_COLUMNS = [
    Column("School", "school.name"),
    Column("URN", "school.urn"),
    Column("Open concerns", lambda r: r.open_total),
    Column("Open 0–7 days", lambda r: r.band("days_0_7")),
    Column("Open 8–30 days", lambda r: r.band("days_8_30")),
    Column("Open over 30 days", lambda r: r.band("days_over_30")),
    Column("Safeguarding follow-ups overdue", lambda r: _or_blank(r.follow_ups_overdue)),
    Column("Plan reviews overdue", lambda r: _or_blank(r.plan_reviews_overdue)),
    Column("Learners with sessions", lambda r: _or_blank(r.pupils_with_sessions)),
    Column("Persistent absence %", lambda r: _pct(r.pa_rate)),
    Column("Severe absence %", lambda r: _pct(r.sa_rate)),
    Column("CP transfers awaiting receipt", "cp_transfers_awaiting"),
]


def school_columns(months: list) -> list[Column]:
    """The table's columns, then one per month of the trend (concerns logged)."""
    return [
        *SCHOOL_COLUMNS,
        *(
            Column(f"Concerns logged {m:%b %Y}", lambda r, i=i: r.monthly[i])
            for i, m in enumerate(months)
        ),
    ]
