"""The attendance dashboard's figures, from one SQL statement.

A per-learner CTE makes one pass over the range's marks, joined to the code
table of attendance.formula as a VALUES list (one hash probe per mark instead
of a dozen IN tests), summing every figure and the falls windows at once; it
is left-joined to the learners in scope. Each table and short list then
groups, filters or orders those few hundred rows: the branches share their
columns, so the statement is a UNION ALL, and the database keeps the CTE once
(PostgreSQL materialises a CTE referenced more than once) instead of
rescanning the marks per table. Percentages and flags are the formula's
(formula.PERCENTS, formula.FLAGS), rendered as SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, F, Value, When

from attendance import formula
from attendance.formula import NAMES, SQL_FLOAT, SQL_INT
from attendance.models import Target
from attendance.selectors.figures import COHORTS, LEARNER_COHORTS, AttendanceSummary, GroupRow
from attendance.selectors.lists import falls_window
from pastoral.access import Cap, Scope, learners_for

_WINDOWS = ("recent", "before")
_LIST_PCTS = [*formula.PERCENTS, "recent_pct", "before_pct", "fall"]
_NO_TARGET = "CAST(NULL AS NUMERIC(5, 1)) AS target_percent"
_NO_LABEL = "CAST(NULL AS VARCHAR(100))"


@dataclass(frozen=True)
class DashboardFigures:
    """Every table and short list of the attendance dashboard."""

    years: list[GroupRow]
    cohorts: list[GroupRow]
    reg_groups: list[GroupRow]
    pa: list[dict[str, Any]]
    sa: list[dict[str, Any]]
    falls: list[dict[str, Any]]
    below_target: list[dict[str, Any]]

    @property
    def pa_count(self) -> int:
        """Learners in scope in persistent absence (the cohort "All learners in scope")."""
        return self.cohorts[0].pa

    @property
    def sa_count(self) -> int:
        return self.cohorts[0].sa


def _group_branch(
    kind: str, where: str = "", key: str = "", label: str = "", sort: str = ""
) -> str:
    """Sums over a set of learners of the CTE: one row, or one row per `key`."""
    sums = ", ".join(f"CAST(SUM({n}) AS {SQL_INT}) AS {n}" for n in NAMES)
    nulls = ", ".join(f"CAST(NULL AS {SQL_FLOAT}) AS {n}" for n in _LIST_PCTS)
    group = f"GROUP BY {', '.join(c for c in (key, label, sort) if c)}" if key else ""
    return f"""
        SELECT '{kind}' AS kind,
               {key or f"CAST(NULL AS {SQL_INT})"} AS key,
               {label or _NO_LABEL} AS label,
               {sort or f"CAST(NULL AS {SQL_INT})"} AS sort,
               COUNT(*) AS learners, CAST(SUM(has_marks) AS {SQL_INT}) AS with_marks,
               {sums},
               CAST(SUM(pa) AS {SQL_INT}) AS pa, CAST(SUM(sa) AS {SQL_INT}) AS sa,
               {nulls}, {_NO_TARGET}
        FROM s {f"WHERE {where}" if where else ""} {group}"""  # noqa: S608 (our own constants)


def _list_branch(kind: str, where: str, order: str) -> str:
    """The first `limit` learners of one list, in the list's order."""
    return f"""
        SELECT * FROM (
            SELECT '{kind}' AS kind, learner_id AS key, {_NO_LABEL} AS label,
                   CAST(NULL AS {SQL_INT}) AS sort, 1 AS learners, has_marks AS with_marks,
                   {", ".join(NAMES)}, pa, sa, {", ".join(_LIST_PCTS)}, {_NO_TARGET}
            FROM s WHERE {where} ORDER BY {order} LIMIT %s
        ) AS {kind}_rows"""  # noqa: S608 (our own constants; the limit is a parameter)


def _below_target_branch() -> str:
    """The first `limit` active targets whose learner's attendance since the target
    was set (to the end of the range) is below it, lowest first: below_target_for()."""
    since = ("possible", "attending")
    figures = ", ".join(n if n in since else f"0 AS {n}" for n in NAMES)
    pcts = ", ".join(
        n if n == "attendance_pct" else f"CAST(NULL AS {SQL_FLOAT}) AS {n}" for n in _LIST_PCTS
    )
    sums = ", ".join(f"SUM(c.{n}) AS {n}" for n in since)
    return f"""
        SELECT * FROM (
            SELECT 'below_target' AS kind, learner_id AS key,
                   {_NO_LABEL} AS label, CAST(NULL AS {SQL_INT}) AS sort,
                   1 AS learners, 1 AS with_marks, {figures},
                   0 AS pa, 0 AS sa, {pcts}, target_percent
            FROM (
                SELECT t.learner_id, t.target_percent, {sums},
                       {formula.ATTENDANCE.sql(lambda n: f"SUM(c.{n})")} AS attendance_pct
                FROM attendance_target t
                JOIN l ON l.id = t.learner_id
                JOIN attendance_mark tm
                  ON tm.learner_id = t.learner_id AND tm.date >= t.start AND tm.date <= %s
                LEFT JOIN c ON c.code = tm.code
                WHERE t.school_id = %s AND t.status = %s
                GROUP BY t.id, t.learner_id, t.target_percent
            ) AS targets
            WHERE possible > 0 AND attendance_pct < CAST(target_percent AS {SQL_FLOAT})
            ORDER BY attendance_pct, learner_id LIMIT %s
        ) AS below_target_rows"""  # noqa: S608 (our own constants; values are parameters)


def dashboard_figures_for(
    scope: Scope, start: dt.date, end: dt.date, *, limit: int = 10, weeks: int = 4
) -> DashboardFigures:
    """Year groups, cohorts, registration groups and the first `limit` learners in
    persistent absence, severe absence and with the biggest falls over the last
    `weeks` weeks: one SQL statement, one pass over the range's marks.

    The same figures as learner_stats() and falls_for(): marks of the school in
    [start, end] of learners in scope. Per year: every learner in scope, their
    sessions, PA and SA counts. Per reg group: the learners with marks in range.
    The lists are ordered as on the list pages (flagged_rows), so "All ..."
    continues where the dashboard stops; below target is below_target_for()'s
    list (attendance since each active target was set, to `end`).
    """
    learners = learners_for(scope, Cap.VIEW_PROFILE).values(
        "id",
        "year_group_id",
        "reg_group_id",
        year_name=F("year_group__name"),
        year_number=F("year_group__number"),
        reg_name=F("reg_group__name"),
        **{
            f"c_{key}": Case(When(q, then=Value(1)), default=Value(0))
            for key, (_label, q) in LEARNER_COHORTS.items()
        },
    )
    try:
        learners_sql, learners_params = learners.order_by().query.sql_with_params()
    except EmptyResultSet:  # nobody in scope
        return _figures_from_rows(start, end, [])
    code_table, code_params = formula.code_table_sql()
    window_start = falls_window(end, weeks)
    both = ("possible", "attending")
    sums = ", ".join(f"SUM(c.{n}) AS {n}" for n in NAMES)
    windows = ", ".join(
        f"SUM(CASE WHEN mk.date {op} %s THEN c.{n} ELSE 0 END) AS {when}_{n}"
        for when, op in zip(_WINDOWS, (">=", "<"), strict=True)
        for n in both
    )
    figures = ", ".join(f"COALESCE(m.{n}, 0) AS {n}" for n in NAMES)
    window_figures = ", ".join(f"COALESCE(m.{w}_{n}, 0) AS {w}_{n}" for w in _WINDOWS for n in both)
    pcts = ", ".join(f"{share.sql()} AS {name}" for name, share in formula.PERCENTS.items())
    recent = formula.ATTENDANCE.sql(lambda n: f"recent_{n}")
    before = formula.ATTENDANCE.sql(lambda n: f"before_{n}")
    branches = [
        _group_branch("year", key="year_group_id", label="year_name", sort="year_number"),
        _group_branch(
            "reg",
            where="reg_group_id IS NOT NULL AND has_marks = 1",
            key="reg_group_id",
            label="reg_name",
            sort="year_number",
        ),
        _group_branch("all"),
        *(_group_branch(f"c_{key}", where=f"c_{key} = 1") for key in LEARNER_COHORTS),
    ]
    params: list[Any] = [
        *code_params,
        *learners_params,
        *[window_start] * (len(_WINDOWS) * len(both)),
        scope.school.pk,
        start,
        end,
    ]
    if limit:
        branches += [
            _list_branch("pa", "pa = 1", "attendance_pct, learner_id"),
            _list_branch("sa", "sa = 1", "attendance_pct, learner_id"),
            _list_branch("falls", "fall > 0", "fall DESC, learner_id"),
            _below_target_branch(),
        ]
        params += [limit, limit, limit]
        params += [end, scope.school.pk, Target.Status.ACTIVE.value, limit]
    # The learners' statement is Django's own compiled query; every value is a parameter.
    sql = f"""
        WITH c (code, {", ".join(NAMES)}) AS ({code_table}),
        l AS ({learners_sql}),
        m AS (
            SELECT mk.learner_id, {sums}, {windows}
            FROM attendance_mark mk
            JOIN l ON l.id = mk.learner_id
            LEFT JOIN c ON c.code = mk.code
            WHERE mk.school_id = %s AND mk.date >= %s AND mk.date <= %s
            GROUP BY mk.learner_id
        ),
        f AS (
            SELECT l.id AS learner_id, l.year_group_id, l.reg_group_id,
                   l.year_name, l.year_number, l.reg_name,
                   {", ".join(f"l.c_{key}" for key in LEARNER_COHORTS)},
                   CASE WHEN m.learner_id IS NULL THEN 0 ELSE 1 END AS has_marks,
                   {figures}, {window_figures}
            FROM l LEFT JOIN m ON m.learner_id = l.id
        ),
        s AS (
            SELECT f.*,
                   {formula.PERSISTENT.sql()} AS pa, {formula.SEVERE.sql()} AS sa,
                   {pcts}, {recent} AS recent_pct, {before} AS before_pct,
                   {before} - {recent} AS fall
            FROM f
        )
        {" UNION ALL ".join(branches)}
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [col[0] for col in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return _figures_from_rows(start, end, rows)


def _figures_from_rows(
    start: dt.date, end: dt.date, rows: list[dict[str, Any]]
) -> DashboardFigures:
    def summary(row: dict[str, Any]) -> AttendanceSummary:
        return AttendanceSummary(start=start, end=end, **{n: row.get(n) or 0 for n in NAMES})

    def group(row: dict[str, Any], label: str, learners: str = "learners") -> GroupRow:
        return GroupRow(
            label=label,
            summary=summary(row),
            pa=row.get("pa") or 0,
            sa=row.get("sa") or 0,
            learners=row.get(learners) or 0,
        )

    by_kind: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_kind.setdefault(row["kind"], []).append(row)

    def listed(kind: str) -> list[dict[str, Any]]:
        return [
            {
                "learner_id": r["key"],
                **{n: r[n] for n in NAMES},
                **{n: r[n] for n in _LIST_PCTS},
                "is_pa": bool(r["pa"]),
                "is_sa": bool(r["sa"]),
                **(
                    {"target_percent": _percent(r["target_percent"])}
                    if kind == "below_target"
                    else {}
                ),
            }
            for r in by_kind.get(kind, [])
        ]

    years = sorted(by_kind.get("year", []), key=lambda r: r["sort"])
    regs = sorted(by_kind.get("reg", []), key=lambda r: (r["sort"], r["label"]))
    cohorts = [("all", "All learners in scope")] + [(k, v[0]) for k, v in COHORTS.items()]
    return DashboardFigures(
        years=[group(r, r["label"]) for r in years],
        reg_groups=[group(r, r["label"], "with_marks") for r in regs],
        cohorts=[
            group((by_kind.get(kind if kind == "all" else f"c_{kind}") or [{}])[0], label)
            for kind, label in cohorts
        ],
        pa=listed("pa"),
        sa=listed("sa"),
        falls=listed("falls"),
        below_target=listed("below_target"),
    )


def _percent(value: Any) -> Decimal:
    """A target's percentage as the model holds it (SQLite hands 95.0 back as 95)."""
    return Decimal(str(value)).quantize(Decimal("0.1"))


def year_rows_for(scope: Scope, start: dt.date, end: dt.date) -> list[GroupRow]:
    """Per year group in scope: learners, attendance figures, PA and SA counts."""
    return dashboard_figures_for(scope, start, end, limit=0).years


def reg_group_rows_for(scope: Scope, start: dt.date, end: dt.date) -> list[GroupRow]:
    """Attendance per registration group in scope (learners with marks in range)."""
    return dashboard_figures_for(scope, start, end, limit=0).reg_groups


def cohort_rows_for(scope: Scope, start: dt.date, end: dt.date) -> list[GroupRow]:
    """Attendance of each cohort (SEN, PP, EAL, CLA, CP/CIN) in scope."""
    return dashboard_figures_for(scope, start, end, limit=0).cohorts
