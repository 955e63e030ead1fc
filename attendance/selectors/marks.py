"""Marks: one learner's register, weekly trend, changes and PA crossings, the
school's closures, and today's unexplained absences."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Count, F, FilteredRelation, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from attendance import codes, formula
from attendance.models import Mark, MarkChange
from pastoral.access import Cap, Scope, learner_filter, learners_for
from pastoral.models import Closure, Learner

# A learner's PA crossing is reported once they have this many possible
# sessions, so one absence on the first morning is not a "crossing".
PA_CROSSING_MIN_SESSIONS = 20


def marks_for(scope: Scope, learner: Learner, start: dt.date, end: dt.date) -> QuerySet[Mark]:
    return (
        Mark.objects.filter(learner=learner, date__gte=start, date__lte=end)
        .filter(learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__"))
        .order_by("date", "session")
    )


def mark_changes_for(scope: Scope, learner: Learner, *, limit: int = 20) -> list[MarkChange]:
    """The learner's latest changed or removed marks (imports that replaced them)."""
    return list(
        MarkChange.objects.filter(learner=learner)
        .filter(learner_filter(scope, Cap.VIEW_PROFILE, prefix="learner__"))
        .select_related("changed_by")[:limit]
    )


def closures_for(scope: Scope, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """The school's closures in [start, end]: date → name ("" when unnamed)."""
    return dict(
        Closure.objects.filter(school=scope.school, date__gte=start, date__lte=end).values_list(
            "date", "name"
        )
    )


def weekly_trend(
    scope: Scope, learner: Learner, start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """Attendance % per week (Monday), computed by the database's GROUP BY."""
    rows = (
        marks_for(scope, learner, start, end)
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(**formula.counts(names=("possible", "attending")))
        .filter(possible__gt=0)
        .annotate(pct=formula.ATTENDANCE.orm())
        .order_by("week")
    )
    result = []
    for row in rows:
        week = row["week"]
        if isinstance(week, dt.datetime):
            week = week.date()
        result.append({"week": week, "pct": row["pct"], "possible": row["possible"]})
    return result


def pa_crossings(learner: Learner, start: dt.date, end: dt.date) -> list[dt.date]:
    """Days on which the learner's cumulative absence first reached 10% (again).

    Cumulative sums by window functions in SQL (SQLite 3.25+ and PostgreSQL);
    each mark is counted through the code table of attendance.formula.
    """
    code_table, code_params = formula.code_table_sql()
    names = ("possible", *formula.ABSENT)
    daily = ", ".join(f"SUM(c.{n}) AS {n}" for n in names)
    cumulative = ", ".join(f"SUM({n}) OVER (ORDER BY date) AS {n}" for n in names)
    # Only our own names and constants are interpolated; values are parameters.
    sql = f"""
        WITH c (code, {", ".join(formula.NAMES)}) AS ({code_table}),
        daily AS (
            SELECT mk.date, {daily}
            FROM {Mark._meta.db_table} mk JOIN c ON c.code = mk.code
            WHERE mk.learner_id = %s AND mk.date >= %s AND mk.date <= %s
            GROUP BY mk.date
        ), cumulative AS (
            SELECT date, {cumulative} FROM daily
        ), flagged AS (
            SELECT date,
                   CASE WHEN possible >= %s AND {formula.PERSISTENT.condition_sql()}
                   THEN 1 ELSE 0 END AS pa
            FROM cumulative
        ), changes AS (
            SELECT date, pa, LAG(pa, 1, 0) OVER (ORDER BY date) AS was FROM flagged
        )
        SELECT date FROM changes WHERE pa = 1 AND was = 0 ORDER BY date
    """  # noqa: S608
    params = [*code_params, learner.pk, start, end, PA_CROSSING_MIN_SESSIONS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [r[0] if isinstance(r[0], dt.date) else dt.date.fromisoformat(str(r[0])) for r in rows]


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


def absent_learner_ids(school_id: int, learner_ids: list[int], day: dt.date) -> set[int]:
    """Ids of the learners with an absence code (authorised or unauthorised) in
    any session of `day`: one query. Registered with pastoral.providers, so that
    behaviour can excuse a missed detention without importing attendance."""
    return set(
        Mark.objects.filter(
            school_id=school_id, learner_id__in=learner_ids, date=day, code__in=codes.ABSENT_CODES
        ).values_list("learner_id", flat=True)
    )
