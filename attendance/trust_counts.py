"""The attendance figures of the trust dashboard: per school, learners with
sessions this year to date and how many of them are in persistent (PA) and
severe (SA) absence, by attendance.formula's own code sets and thresholds, in
one statement over every school of the trust."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

from attendance import formula
from pastoral.trust import figures

# The figures the two thresholds read (formula.PERSISTENT / SEVERE: absent of possible).
NEEDED = ("possible", *formula.ABSENT)


def attendance_counts(school_ids: list[int], today: dt.date) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {
        pk: {"pupils_with_sessions": 0, "pa": 0, "sa": 0} for pk in school_ids
    }
    if not school_ids:
        return out
    start, end = figures.attendance_range(today)
    # Each figure counted straight from the mark's code (formula.FIGURES): no
    # join to a code table, so the marks are read once, by the (school, date) index.
    sums = []
    params: list[Any] = []
    for name in NEEDED:
        codes = formula.FIGURES[name]
        sums.append(
            f"SUM(CASE WHEN mk.code IN ({', '.join(['%s'] * len(codes))}) THEN 1 ELSE 0 END) "
            f"AS {name}"
        )
        params += codes
    schools = ", ".join(["%s"] * len(school_ids))
    sql = f"""
        SELECT school_id,
               SUM(CASE WHEN possible > 0 THEN 1 ELSE 0 END),
               SUM({formula.PERSISTENT.sql()}),
               SUM({formula.SEVERE.sql()})
        FROM (
            SELECT mk.school_id, mk.learner_id, {", ".join(sums)}
            FROM attendance_mark mk
            WHERE mk.school_id IN ({schools}) AND mk.date >= %s AND mk.date <= %s
            GROUP BY mk.school_id, mk.learner_id
        ) m
        GROUP BY school_id
    """  # noqa: S608  (every value is a parameter)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *school_ids, start, end])
        for school_id, pupils, pa, sa in cursor.fetchall():
            out[school_id] = {
                "pupils_with_sessions": int(pupils or 0),
                "pa": int(pa or 0),
                "sa": int(sa or 0),
            }
    return out
