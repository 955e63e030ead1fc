"""Reads for attendance, scoped to the person asking, computed in the database.

Every percentage is an aggregate over marks (conditional Count over the code
sets of attendance.codes) or raw SQL (the dashboard's one statement joins the
marks to the code table as a VALUES list); nothing loops over marks in Python.
Statistics follow the DfE: attendance = present + approved educational
activity; absence = authorised + unauthorised; all over *possible* sessions
(codes X, Q, Y1-Y7, D, Z and # are not possible sessions). Persistent absence
is missing 10% or more of possible sessions, severe absence 50% or more.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, TruncWeek
from django.urls import reverse
from django.utils import timezone

from attendance import codes
from attendance.models import ImportJob, Intervention, LetterTemplate, Mark, ReturnPlan, Target
from pastoral.access import Cap, Scope, learner_filter, learners_for
from pastoral.models import AcademicYear, Learner, School, YearGroup
from pastoral.timeline import TimelineEntry

NO_SESSIONS = "no sessions"
# A learner's PA crossing is reported once they have this many possible
# sessions, so one absence on the first morning is not a "crossing".
PA_CROSSING_MIN_SESSIONS = 20


# ---------------------------------------------------------------------------
# Date ranges


def academic_year_for(school: School, day: dt.date) -> AcademicYear | None:
    return AcademicYear.objects.filter(school=school, start__lte=day, end__gte=day).first()


def default_range(
    school: School, start: dt.date | None = None, end: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """Year to date unless given: from the start of the academic year to today."""
    today = timezone.localdate()
    end = end or today
    if start is None:
        ay = academic_year_for(school, end)
        start = ay.start if ay else dt.date(end.year if end.month >= 9 else end.year - 1, 9, 1)
    return start, end


# ---------------------------------------------------------------------------
# The aggregates


def _counts(prefix: str = "", extra: Q | None = None) -> dict[str, Count]:
    """Conditional counts over marks; `prefix` is the path to the mark from the queried model."""
    code = f"{prefix}code__in"
    base = extra if extra is not None else Q()
    pk = f"{prefix}pk" if prefix else "pk"

    def count(codes_: list[str]) -> Count:
        return Count(pk, filter=base & Q(**{code: codes_}))

    return {
        "possible": count(codes.POSSIBLE_CODES),
        "attending": count(codes.ATTENDING_CODES),
        "approved": count(codes.APPROVED_CODES),
        "authorised": count(codes.AUTHORISED_CODES),
        "unauthorised": count(codes.UNAUTHORISED_CODES),
        "lates": count(codes.LATE_CODES),
        "not_counted": count(codes.NOT_COUNTED_CODES),
    }


def _pct(numerator: Any, denominator: str) -> Case:
    """numerator / denominator × 100 in SQL, NULL when there is no denominator."""
    return Case(
        When(**{denominator: 0}, then=Value(None)),
        default=ExpressionWrapper(
            Cast(numerator, FloatField()) * Value(100.0) / Cast(F(denominator), FloatField()),
            output_field=FloatField(),
        ),
        output_field=FloatField(),
    )


def _flag_annotations() -> dict[str, Any]:
    absent = F("authorised") + F("unauthorised")
    return {
        "attendance_pct": _pct(F("attending"), "possible"),
        "absence_pct": _pct(absent, "possible"),
        "authorised_pct": _pct(F("authorised"), "possible"),
        "unauthorised_pct": _pct(F("unauthorised"), "possible"),
        # Integer arithmetic, so 10.0% is persistent absence exactly as the DfE counts it.
        "is_pa": Case(
            When(
                Q(possible__gt=0)
                & Q(absent_x100__gte=F("possible") * Value(codes.PERSISTENT_ABSENCE_PERCENT)),
                then=Value(True),
            ),
            default=Value(False),
        ),
        "is_sa": Case(
            When(
                Q(possible__gt=0)
                & Q(absent_x100__gte=F("possible") * Value(codes.SEVERE_ABSENCE_PERCENT)),
                then=Value(True),
            ),
            default=Value(False),
        ),
    }


def annotate_learners(qs: QuerySet[Learner], start: dt.date, end: dt.date) -> QuerySet[Learner]:
    """Learners with counts, percentages and PA/SA flags over [start, end].

    The date range is part of the join (FilteredRelation), so other years'
    marks never reach the GROUP BY. For long lists prefer learner_stats().
    """
    in_range = FilteredRelation(
        "attendance_marks",
        # The school repeats what the learner implies, so that PostgreSQL can read
        # the range from the (school, date) index for a whole school's learners.
        condition=Q(
            attendance_marks__date__gte=start,
            attendance_marks__date__lte=end,
            attendance_marks__school_id=F("school_id"),
        ),
    )
    return (
        qs.annotate(range_marks=in_range)
        .annotate(**_counts("range_marks__"))
        .annotate(absent_x100=(F("authorised") + F("unauthorised")) * Value(100))
        .annotate(**_flag_annotations())
    )


@dataclass(frozen=True)
class AttendanceSummary:
    start: dt.date
    end: dt.date
    possible: int = 0
    attending: int = 0
    approved: int = 0
    authorised: int = 0
    unauthorised: int = 0
    lates: int = 0
    not_counted: int = 0

    @property
    def no_sessions(self) -> bool:
        return self.possible == 0

    @property
    def absent(self) -> int:
        return self.authorised + self.unauthorised

    def _pct(self, part: int) -> float | None:
        return None if self.possible == 0 else part * 100 / self.possible

    @property
    def attendance_pct(self) -> float | None:
        return self._pct(self.attending)

    @property
    def absence_pct(self) -> float | None:
        return self._pct(self.absent)

    @property
    def authorised_pct(self) -> float | None:
        return self._pct(self.authorised)

    @property
    def unauthorised_pct(self) -> float | None:
        return self._pct(self.unauthorised)

    @property
    def is_pa(self) -> bool:
        return self.possible > 0 and self.absent * 100 >= codes.PERSISTENT_ABSENCE_PERCENT * (
            self.possible
        )

    @property
    def is_sa(self) -> bool:
        return self.possible > 0 and self.absent * 100 >= codes.SEVERE_ABSENCE_PERCENT * (
            self.possible
        )

    @property
    def attendance_label(self) -> str:
        pct = self.attendance_pct
        return NO_SESSIONS if pct is None else f"{pct:.1f}%"

    # Aliases under the names other apps' templates use.
    @property
    def attendance_percent(self) -> float | None:
        pct = self.attendance_pct
        return None if pct is None else round(pct, 1)

    percent = attendance_percent

    @property
    def persistent(self) -> bool:
        return self.is_pa

    @property
    def severe(self) -> bool:
        return self.is_sa

    def __str__(self) -> str:
        return self.attendance_label

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "possible": self.possible,
            "attending": self.attending,
            "approved": self.approved,
            "authorised": self.authorised,
            "unauthorised": self.unauthorised,
            "lates": self.lates,
            "not_counted": self.not_counted,
            "attendance_pct": self.attendance_pct,
            "authorised_pct": self.authorised_pct,
            "unauthorised_pct": self.unauthorised_pct,
            "absence_pct": self.absence_pct,
            "pa": self.is_pa,
            "sa": self.is_sa,
            "no_sessions": self.no_sessions,
            "label": self.attendance_label,
        }


def _summary(marks: QuerySet[Mark], start: dt.date, end: dt.date) -> AttendanceSummary:
    row = marks.filter(date__gte=start, date__lte=end).aggregate(**_counts())
    return AttendanceSummary(start=start, end=end, **{k: v or 0 for k, v in row.items()})


def learner_attendance_summary(
    scope: Scope, learner: Learner, *, start: dt.date | None = None, end: dt.date | None = None
) -> AttendanceSummary:
    """One learner's possible sessions, attendance, absence, lates and PA/SA flags.

    Year to date by default. One query. The scope is part of the query: a
    learner outside the person's case scope has no marks here (callers fetch
    the learner with learner_or_404 first). `.no_sessions` is true, and the
    percentages are None, when there are no possible sessions.
    """
    start, end = default_range(learner.school if learner.school_id else scope.school, start, end)
    marks = Mark.objects.filter(learner=learner).filter(
        learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__")
    )
    return _summary(marks, start, end)


def group_summary(
    scope: Scope,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    year_group: YearGroup | None = None,
    reg_group_id: int | None = None,
    cohort: str | None = None,
) -> AttendanceSummary:
    """The same figures for every in-scope learner of a year, reg group or cohort."""
    start, end = default_range(scope.school, start, end)
    marks = Mark.objects.filter(learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__"))
    if year_group is not None:
        marks = marks.filter(learner__year_group=year_group)
    if reg_group_id is not None:
        marks = marks.filter(learner__reg_group_id=reg_group_id)
    if cohort:
        marks = marks.filter(COHORTS[cohort][1])
    return _summary(marks, start, end)


# Cohorts as lookups on a learner, and as Q objects on a learner and on a mark.
_COHORT_LOOKUPS: dict[str, tuple[str, dict[str, Any]]] = {
    "sen": ("SEN (support or EHCP)", {"sen_status__in": ["K", "E"]}),
    "ehcp": ("EHC plan", {"sen_status": "E"}),
    "pp": ("Pupil premium", {"pupil_premium": True}),
    "eal": ("EAL", {"eal": True}),
    "cla": ("Looked after (CLA)", {"looked_after": True}),
    "cp_cin": ("CP or CIN", {"cp_status__in": ["CP", "CIN"]}),
}
LEARNER_COHORTS: dict[str, tuple[str, Q]] = {
    key: (label, Q(**lookups)) for key, (label, lookups) in _COHORT_LOOKUPS.items()
}
COHORTS: dict[str, tuple[str, Q]] = {
    key: (label, Q(**{f"learner__{k}": v for k, v in lookups.items()}))
    for key, (label, lookups) in _COHORT_LOOKUPS.items()
}


def _pct_or_none(part: int, whole: int) -> float | None:
    return None if not whole else part * 100 / whole


@dataclass(frozen=True)
class GroupRow:
    label: str
    summary: AttendanceSummary
    pa: int = 0
    sa: int = 0
    learners: int = 0


def learner_stats(scope: Scope, start: dt.date, end: dt.date, *extra_values: str) -> QuerySet[Mark]:
    """Per-learner figures as rows of {learner_id, possible, attending, ..., is_pa, is_sa}.

    Grouped by learner id over the marks in range only (a narrow GROUP BY, one
    pass over the (school, date) index), so a whole school is fast on both
    databases. Learners with no marks in range have no row.
    """
    return (
        Mark.objects.filter(
            learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__"),
            school=scope.school,
            date__gte=start,
            date__lte=end,
        )
        .values("learner_id", *extra_values)
        .annotate(**_counts())
        .annotate(absent_x100=(F("authorised") + F("unauthorised")) * Value(100))
        .annotate(**_flag_annotations())
        .order_by()
    )


# The dashboard's figures come from one statement. A per-learner CTE makes one
# pass over the range's marks, joined to the code table of attendance.codes as
# a VALUES list (one hash probe per mark instead of a dozen IN tests), summing
# every category and the falls windows at once; it is left-joined to the
# learners in scope. Each table and short list then groups, filters or orders
# those few hundred rows: the branches share their columns, so the statement is
# a UNION ALL, and the database keeps the CTE once (PostgreSQL materialises a
# CTE referenced more than once) instead of rescanning the marks per table.
_FIGURES = [
    "possible",
    "attending",
    "approved",
    "authorised",
    "unauthorised",
    "lates",
    "not_counted",
]
_INT = "BIGINT"
_FLOAT = "DOUBLE PRECISION"
_LIST_PCTS = ["attendance_pct", "unauthorised_pct", "recent_pct", "before_pct", "fall"]
_NO_TARGET = "CAST(NULL AS NUMERIC(5, 1)) AS target_percent"


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


def _window_counts(window_start: dt.date) -> dict[str, Count]:
    """Possible and attending sessions before and from `window_start` (for falls)."""
    recent, before = Q(date__gte=window_start), Q(date__lt=window_start)
    possible, attending = Q(code__in=codes.POSSIBLE_CODES), Q(code__in=codes.ATTENDING_CODES)
    return {
        "recent_possible": Count("pk", filter=recent & possible),
        "recent_attending": Count("pk", filter=recent & attending),
        "before_possible": Count("pk", filter=before & possible),
        "before_attending": Count("pk", filter=before & attending),
    }


def _fall_annotations() -> dict[str, Any]:
    return {
        "recent_pct": _pct(F("recent_attending"), "recent_possible"),
        "before_pct": _pct(F("before_attending"), "before_possible"),
    }


def _falls_window(end: dt.date, weeks: int) -> dt.date:
    return end - dt.timedelta(weeks=weeks) + dt.timedelta(days=1)


# What each code counts as, column by column, from the same lists as _counts().
_CODE_COLUMNS: dict[str, list[str]] = {
    "possible": codes.POSSIBLE_CODES,
    "attending": codes.ATTENDING_CODES,
    "approved": codes.APPROVED_CODES,
    "authorised": codes.AUTHORISED_CODES,
    "unauthorised": codes.UNAUTHORISED_CODES,
    "lates": codes.LATE_CODES,
    "not_counted": codes.NOT_COUNTED_CODES,
}


def _code_table() -> tuple[str, list[str]]:
    """The code table as `VALUES (code, 1, 0, ...), ...`: codes as parameters, 0/1 flags."""
    rows = [
        "(%s, "
        + ", ".join("1" if code in in_column else "0" for in_column in _CODE_COLUMNS.values())
        + ")"
        for code in codes.CODES
    ]
    return "VALUES " + ", ".join(rows), list(codes.CODES)


def _pct_sql(part: str, whole: str) -> str:
    """part / whole × 100 as a float, NULL when whole is 0 (as _pct() compiles)."""
    return (
        f"CASE WHEN {whole} = 0 THEN NULL "
        f"ELSE CAST({part} AS {_FLOAT}) * 100.0 / CAST({whole} AS {_FLOAT}) END"
    )


def _group_branch(
    kind: str, where: str = "", key: str = "", label: str = "", sort: str = ""
) -> str:
    """Sums over a set of learners of the CTE: one row, or one row per `key`."""
    sums = ", ".join(f"CAST(SUM({n}) AS {_INT}) AS {n}" for n in _FIGURES)
    nulls = ", ".join(f"CAST(NULL AS {_FLOAT}) AS {n}" for n in _LIST_PCTS)
    group = f"GROUP BY {', '.join(c for c in (key, label, sort) if c)}" if key else ""
    return f"""
        SELECT '{kind}' AS kind,
               {key or f"CAST(NULL AS {_INT})"} AS key,
               {label or "CAST(NULL AS VARCHAR(100))"} AS label,
               {sort or f"CAST(NULL AS {_INT})"} AS sort,
               COUNT(*) AS learners, CAST(SUM(has_marks) AS {_INT}) AS with_marks,
               {sums},
               CAST(SUM(pa) AS {_INT}) AS pa, CAST(SUM(sa) AS {_INT}) AS sa,
               {nulls}, {_NO_TARGET}
        FROM s {f"WHERE {where}" if where else ""} {group}"""  # noqa: S608 (our own constants)


def _list_branch(kind: str, where: str, order: str) -> str:
    """The first `limit` learners of one list, in the list's order."""
    figures = ", ".join(_FIGURES)
    pcts = ", ".join(_LIST_PCTS)
    return f"""
        SELECT * FROM (
            SELECT '{kind}' AS kind, learner_id AS key, CAST(NULL AS VARCHAR(100)) AS label,
                   CAST(NULL AS {_INT}) AS sort, 1 AS learners, has_marks AS with_marks,
                   {figures}, pa, sa, {pcts}, {_NO_TARGET}
            FROM s WHERE {where} ORDER BY {order} LIMIT %s
        ) AS {kind}_rows"""  # noqa: S608 (our own constants; the limit is a parameter)


def _below_target_branch() -> str:
    """The first `limit` active targets whose learner's attendance since the target
    was set (to the end of the range) is below it, lowest first: below_target_for()."""
    zeros = ", ".join(f"0 AS {n}" for n in _FIGURES if n not in ("possible", "attending"))
    nulls = ", ".join(f"CAST(NULL AS {_FLOAT}) AS {n}" for n in _LIST_PCTS[1:])
    return f"""
        SELECT * FROM (
            SELECT 'below_target' AS kind, learner_id AS key,
                   CAST(NULL AS VARCHAR(100)) AS label, CAST(NULL AS {_INT}) AS sort,
                   1 AS learners, 1 AS with_marks, possible, attending, {zeros},
                   0 AS pa, 0 AS sa, attendance_pct, {nulls}, target_percent
            FROM (
                SELECT t.learner_id, t.target_percent, SUM(c.possible) AS possible,
                       {_pct_sql("SUM(c.attending)", "SUM(c.possible)")} AS attendance_pct,
                       SUM(c.attending) AS attending
                FROM attendance_target t
                JOIN l ON l.id = t.learner_id
                JOIN attendance_mark tm
                  ON tm.learner_id = t.learner_id AND tm.date >= t.start AND tm.date <= %s
                LEFT JOIN c ON c.code = tm.code
                WHERE t.school_id = %s AND t.status = %s
                GROUP BY t.id, t.learner_id, t.target_percent
            ) AS targets
            WHERE possible > 0 AND attendance_pct < CAST(target_percent AS {_FLOAT})
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
    code_table, code_params = _code_table()
    window_start = _falls_window(end, weeks)
    sums = ", ".join(f"SUM(c.{n}) AS {n}" for n in _FIGURES)
    recent = ", ".join(
        f"SUM(CASE WHEN mk.date {op} %s THEN c.{n} ELSE 0 END) AS {when}_{n}"
        for when, op in (("recent", ">="), ("before", "<"))
        for n in ("possible", "attending")
    )
    figures = ", ".join(f"COALESCE(m.{n}, 0) AS {n}" for n in _FIGURES)
    windows = ", ".join(
        f"COALESCE(m.{w}_{n}, 0) AS {w}_{n}"
        for w in ("recent", "before")
        for n in ("possible", "attending")
    )
    absent = "(authorised + unauthorised)"
    # Integer arithmetic, so 10.0% is persistent absence exactly as the DfE counts it.
    flags = ", ".join(
        f"CASE WHEN possible > 0 AND {absent} * 100 >= possible * %s THEN 1 ELSE 0 END AS {f}"
        for f in ("pa", "sa")
    )
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
        window_start,
        window_start,
        window_start,
        window_start,
        scope.school.pk,
        start,
        end,
        codes.PERSISTENT_ABSENCE_PERCENT,
        codes.SEVERE_ABSENCE_PERCENT,
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
        WITH c (code, {", ".join(_FIGURES)}) AS ({code_table}),
        l AS ({learners_sql}),
        m AS (
            SELECT mk.learner_id, {sums}, {recent}
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
                   {figures}, {windows}
            FROM l LEFT JOIN m ON m.learner_id = l.id
        ),
        s AS (
            SELECT f.*, {flags},
                   {_pct_sql("attending", "possible")} AS attendance_pct,
                   {_pct_sql("unauthorised", "possible")} AS unauthorised_pct,
                   {_pct_sql("recent_attending", "recent_possible")} AS recent_pct,
                   {_pct_sql("before_attending", "before_possible")} AS before_pct,
                   {_pct_sql("before_attending", "before_possible")}
                   - {_pct_sql("recent_attending", "recent_possible")} AS fall
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
        return AttendanceSummary(start=start, end=end, **{n: row.get(n) or 0 for n in _FIGURES})

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
                **{n: r[n] for n in _FIGURES},
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


# ---------------------------------------------------------------------------
# Learner lists for the dashboard
#
# A list is a values() queryset of per-learner figures, ordered and sliced or
# paginated in SQL; hydrate() then fetches the learners of that page in one
# query and puts the figures on them for the templates.

EMPTY_STATS: dict[str, Any] = {
    "possible": 0,
    "attending": 0,
    "approved": 0,
    "authorised": 0,
    "unauthorised": 0,
    "lates": 0,
    "not_counted": 0,
    "attendance_pct": None,
    "absence_pct": None,
    "authorised_pct": None,
    "unauthorised_pct": None,
    "is_pa": False,
    "is_sa": False,
}


def hydrate(rows: Any) -> list[Learner]:
    """Learners for rows of figures (in the rows' order), each carrying its figures."""
    rows = list(rows)
    learners = Learner.objects.select_related("year_group", "reg_group").in_bulk(
        [r["learner_id"] for r in rows]
    )
    result = []
    for row in rows:
        learner = learners[row["learner_id"]]
        for key, value in row.items():
            if key not in ("pk", "id"):  # the figures' keys, never the learner's identity
                setattr(learner, key, value)
        result.append(learner)
    return result


def hydrate_lists(*lists: list[dict[str, Any]]) -> list[list[Learner]]:
    """hydrate() for several lists at once: one query for the learners of them all.

    A learner on two lists is a separate object on each, with that list's figures.
    """
    ids = {row["learner_id"] for rows in lists for row in rows}
    learners = Learner.objects.select_related("year_group", "reg_group").in_bulk(ids)
    result = []
    for rows in lists:
        hydrated = []
        for row in rows:
            learner = copy.copy(learners[row["learner_id"]])
            for key, value in row.items():
                if key not in ("pk", "id"):
                    setattr(learner, key, value)
            hydrated.append(learner)
        result.append(hydrated)
    return result


def flagged_rows(
    scope: Scope, flag: str, *, start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[Any]:
    """Rows of figures for one list: pa, sa, falls or below_target, worst first."""
    start, end = default_range(scope.school, start, end)
    if flag == "pa":
        return (
            learner_stats(scope, start, end)
            .filter(is_pa=True)
            .order_by("attendance_pct", "learner_id")
        )
    if flag == "sa":
        return (
            learner_stats(scope, start, end)
            .filter(is_sa=True)
            .order_by("attendance_pct", "learner_id")
        )
    if flag == "falls":
        return falls_for(scope, start=start, end=end)
    if flag == "below_target":
        return below_target_for(scope, end=end)
    raise ValueError(f"unknown list {flag!r}")


def learner_rows_page(
    scope: Scope,
    *,
    flag: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    page_number: Any = 1,
    per_page: int = 50,
) -> Page:
    """One page of a list, with learners and figures: three queries whatever the page size."""
    start, end = default_range(scope.school, start, end)
    if flag:
        page = Paginator(flagged_rows(scope, flag, start=start, end=end), per_page).get_page(
            page_number
        )
        page.object_list = hydrate(page.object_list)
        return page
    learners = (
        learners_for(scope, Cap.VIEW_PROFILE)
        .select_related("year_group", "reg_group")
        .order_by("legal_last_name", "legal_first_name", "id")
    )
    page = Paginator(learners, per_page).get_page(page_number)
    ids = [learner.pk for learner in page.object_list]
    stats = {
        r["learner_id"]: r for r in learner_stats(scope, start, end).filter(learner_id__in=ids)
    }
    for learner in page.object_list:
        for key, value in stats.get(learner.pk, EMPTY_STATS).items():
            setattr(learner, key, value)
    return page


def falls_for(
    scope: Scope, *, start: dt.date | None = None, end: dt.date | None = None, weeks: int = 4
) -> QuerySet[Any]:
    """Biggest falls: attendance over the last `weeks` weeks against the year before them."""
    start, end = default_range(scope.school, start, end)
    return (
        Mark.objects.filter(
            learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__"),
            school=scope.school,
            date__gte=start,
            date__lte=end,
        )
        .values("learner_id")
        .annotate(**_window_counts(_falls_window(end, weeks)))
        .annotate(**_fall_annotations())
        .filter(recent_possible__gt=0, before_possible__gt=0)
        .annotate(fall=F("before_pct") - F("recent_pct"))
        .filter(fall__gt=0)
        .order_by("-fall", "learner_id")
    )


def below_target_for(scope: Scope, *, end: dt.date | None = None) -> QuerySet[Any]:
    """Learners whose attendance since their active target was set is below it."""
    end = end or timezone.localdate()
    since = Q(
        learner__attendance_marks__date__gte=F("start"),
        learner__attendance_marks__date__lte=end,
    )
    return (
        Target.objects.filter(
            learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__"),
            school=scope.school,
            status=Target.Status.ACTIVE,
        )
        # The target's id under its own name: hydrate() puts every key on the learner,
        # and a "pk" key would turn the learner into another one (wrong links).
        .values("learner_id", "target_percent", target_id=F("pk"))
        .annotate(
            possible=Count(
                "learner__attendance_marks",
                filter=since & Q(learner__attendance_marks__code__in=codes.POSSIBLE_CODES),
            ),
            attending=Count(
                "learner__attendance_marks",
                filter=since & Q(learner__attendance_marks__code__in=codes.ATTENDING_CODES),
            ),
        )
        .annotate(attendance_pct=_pct(F("attending"), "possible"))
        .filter(possible__gt=0, attendance_pct__lt=Cast("target_percent", FloatField()))
        .order_by("attendance_pct", "learner_id")
    )


# ---------------------------------------------------------------------------
# One learner's page


def marks_for(scope: Scope, learner: Learner, start: dt.date, end: dt.date) -> QuerySet[Mark]:
    return (
        Mark.objects.filter(learner=learner, date__gte=start, date__lte=end)
        .filter(learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__"))
        .order_by("date", "session")
    )


def weekly_trend(
    scope: Scope, learner: Learner, start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """Attendance % per week (Monday), computed by the database's GROUP BY."""
    rows = (
        marks_for(scope, learner, start, end)
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(**{k: v for k, v in _counts().items() if k in ("possible", "attending")})
        .filter(possible__gt=0)
        .annotate(pct=_pct(F("attending"), "possible"))
        .order_by("week")
    )
    result = []
    for row in rows:
        week = row["week"]
        if isinstance(week, dt.datetime):
            week = week.date()
        result.append({"week": week, "pct": row["pct"], "possible": row["possible"]})
    return result


def targets_for(scope: Scope, learner: Learner) -> QuerySet[Target]:
    return (
        Target.objects.filter(learner=learner)
        .filter(learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__"))
        .select_related("owner")
        .prefetch_related("reviews__reviewed_by")
    )


def target_or_404(scope: Scope, pk: int, cap: Cap = Cap.SET_ATTENDANCE_TARGETS) -> Target:
    from django.http import Http404

    target = (
        Target.objects.filter(pk=pk)
        .filter(learner_filter(scope, cap, prefix="learner__"))
        .select_related("learner", "learner__school", "owner")
        .first()
    )
    if target is None:
        raise Http404("Not found")
    return target


def interventions_for(scope: Scope, learner: Learner) -> QuerySet[Intervention]:
    return (
        Intervention.objects.filter(learner=learner)
        .filter(learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__"))
        .select_related("owner", "letter_template")
    )


def return_plans_for(scope: Scope, learner: Learner) -> QuerySet[ReturnPlan]:
    return (
        ReturnPlan.objects.filter(learner=learner)
        .filter(learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__"))
        .select_related("owner")
    )


def letter_templates_for(scope: Scope) -> QuerySet[LetterTemplate]:
    return LetterTemplate.objects.filter(school=scope.school)


def pa_crossings(learner: Learner, start: dt.date, end: dt.date) -> list[dt.date]:
    """Days on which the learner's cumulative absence first reached 10% (again).

    Cumulative sums by window functions in SQL (SQLite 3.25+ and PostgreSQL).
    """
    possible = ", ".join(["%s"] * len(codes.POSSIBLE_CODES))
    absent = ", ".join(["%s"] * len(codes.ABSENT_CODES))
    table = Mark._meta.db_table
    # Only placeholders and our own table name are interpolated; values are parameters.
    sql = f"""
        WITH daily AS (
            SELECT date,
                   SUM(CASE WHEN code IN ({possible}) THEN 1 ELSE 0 END) AS possible,
                   SUM(CASE WHEN code IN ({absent}) THEN 1 ELSE 0 END) AS absent
            FROM {table}
            WHERE learner_id = %s AND date >= %s AND date <= %s
            GROUP BY date
        ), cumulative AS (
            SELECT date,
                   SUM(possible) OVER (ORDER BY date) AS p,
                   SUM(absent) OVER (ORDER BY date) AS a
            FROM daily
        ), flagged AS (
            SELECT date,
                   CASE WHEN p >= %s AND a * 100 >= %s * p THEN 1 ELSE 0 END AS pa
            FROM cumulative
        ), changes AS (
            SELECT date, pa, LAG(pa, 1, 0) OVER (ORDER BY date) AS was FROM flagged
        )
        SELECT date FROM changes WHERE pa = 1 AND was = 0 ORDER BY date
    """  # noqa: S608
    params = [
        *codes.POSSIBLE_CODES,
        *codes.ABSENT_CODES,
        learner.pk,
        start,
        end,
        PA_CROSSING_MIN_SESSIONS,
        codes.PERSISTENT_ABSENCE_PERCENT,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [r[0] if isinstance(r[0], dt.date) else dt.date.fromisoformat(str(r[0])) for r in rows]


def _at_noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def timeline_entries_for(
    scope: Scope,
    learner: Learner,
    *,
    since: dt.datetime | dt.date | None = None,
    limit: int | None = None,
) -> list[TimelineEntry]:
    """Attendance events for the learner's merged chronology, newest first.

    Interventions, targets set, target reviews and the days the learner
    crossed into persistent absence (year to date). Empty when the learner is
    outside the person's case scope. Four queries.
    """
    if not learners_for(scope, Cap.VIEW_PROFILE).filter(pk=learner.pk).exists():
        return []
    since_date = since.date() if isinstance(since, dt.datetime) else since
    url = reverse("attendance:learner", kwargs={"pk": learner.pk})
    entries: list[TimelineEntry] = []
    interventions = Intervention.objects.filter(learner=learner).select_related("owner")
    targets = Target.objects.filter(learner=learner).prefetch_related("reviews")
    if since_date:
        interventions = interventions.filter(date__gte=since_date)
    for item in interventions:
        entries.append(
            TimelineEntry(
                when=_at_noon(item.date),
                kind="attendance",
                title=f"Attendance intervention: {item.get_kind_display()}",
                url=url,
                detail=item.outcome,
                tags=("attendance", item.kind),
            )
        )
    for target in targets:
        if not since_date or target.start >= since_date:
            entries.append(
                TimelineEntry(
                    when=_at_noon(target.start),
                    kind="attendance",
                    title=f"Attendance target set: {target.target_percent}% "
                    f"(baseline {target.baseline_percent}%)",
                    url=url,
                    tags=("attendance", "target"),
                )
            )
        for review in target.reviews.all():
            if not since_date or review.reviewed_on >= since_date:
                entries.append(
                    TimelineEntry(
                        when=_at_noon(review.reviewed_on),
                        kind="attendance",
                        title=f"Attendance target reviewed: {review.get_outcome_display()}",
                        url=url,
                        detail=review.notes,
                        tags=("attendance", "target-review"),
                    )
                )
    start, end = default_range(learner.school, None, None)
    for day in pa_crossings(learner, since_date or start, end):
        entries.append(
            TimelineEntry(
                when=_at_noon(day),
                kind="attendance",
                title="Attendance fell below 90%: persistent absence",
                url=url,
                tags=("attendance", "persistent-absence"),
            )
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit] if limit else entries


# ---------------------------------------------------------------------------
# Today's unexplained absences


def unexplained_today_for(scope: Scope, day: dt.date | None = None) -> QuerySet[Learner]:
    """In-scope learners with an N mark today, or no mark for a session already taken.

    A session counts as taken when any learner of the school has a mark for it
    today, so before the morning register nobody is listed. One query.
    """
    day = day or timezone.localdate()
    sessions_taken = (
        Mark.objects.filter(school=scope.school, date=day)
        .values("school")
        .annotate(n=Count("session", distinct=True))
        .values("n")[:1]
    )
    return (
        learners_for(scope, Cap.RECORD_CONTACTS)
        .select_related("year_group", "reg_group")
        # Only today's marks and contacts are joined (not the whole year's).
        .annotate(
            today_marks=FilteredRelation(
                "attendance_marks", condition=Q(attendance_marks__date=day)
            ),
            today_contacts=FilteredRelation(
                "attendance_interventions", condition=Q(attendance_interventions__date=day)
            ),
        )
        .annotate(
            # distinct: the two joins multiply each other's rows.
            marks_today=Count("today_marks", distinct=True),
            unexplained=Count(
                "today_marks",
                filter=Q(today_marks__code__in=codes.UNEXPLAINED_CODES),
                distinct=True,
            ),
            sessions_taken=Coalesce(Subquery(sessions_taken), 0),
            contacts_today=Count("today_contacts", distinct=True),
        )
        .filter(Q(unexplained__gt=0) | Q(sessions_taken__gt=F("marks_today")))
        .order_by("year_group__number", "legal_last_name", "legal_first_name", "id")
    )


def import_jobs_for(scope: Scope) -> QuerySet[ImportJob]:
    if not scope.can(Cap.IMPORT_MIS):
        return ImportJob.objects.none()
    return (
        ImportJob.objects.filter(school=scope.school).select_related("created_by").defer("content")
    )


def import_job_or_404(scope: Scope, pk: int) -> ImportJob:
    from django.http import Http404

    job = import_jobs_for(scope).filter(pk=pk).first()
    if job is None:
        raise Http404("Not found")
    return job
