"""Importing session marks from the MIS: CSV of UPN, date, session, code, minutes late.

Built on the core's import framework (pastoral.imports): the file is read and
every row checked first; any bad row (unknown code or UPN, a date outside the
school's academic years or terms, on a weekend, a closure or in the future,
a duplicate row, a session that is not AM/PM) is reported by line and column
and nothing is written.

Replacing, so a re-import is idempotent: for every learner in the file, the
file's date range (its first to its last date) is replaced by the file. A
mark that differs is updated, a mark in the range that the file no longer has
is removed, and each update or removal is kept in MarkChange (who, when, old,
new). Importing the same file twice changes nothing the second time.

Writing is bulk: on PostgreSQL the rows are COPYed (psycopg 3
`cursor.copy`) into a temporary table and merged with INSERT ... ON CONFLICT
DO UPDATE, the history rows written by INSERT ... SELECT; elsewhere
bulk_create / bulk_update in batches.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from attendance import codes
from attendance.models import ImportJob, Mark, MarkChange
from pastoral import audit
from pastoral.imports.base import Change, CsvImporter, ImportOutcome, Report
from pastoral.imports.csvfile import CsvRow
from pastoral.imports.parse import CellError, parse_date, parse_int
from pastoral.models import AcademicYear, Closure, Learner, School, Term, User

REQUIRED = ("upn", "date", "session", "code")
OPTIONAL = ("minutes_late",)
SESSIONS = {"am": "AM", "pm": "PM"}
SESSION_EXACT = {"AM": "AM", "PM": "PM", "am": "AM", "pm": "PM"}
CODES_UPPER = {code.upper(): code for code in codes.CODES}
PROGRESS_EVERY = 5000
BATCH = 5000
ANALYZE_AFTER = 50_000


@dataclass(frozen=True, slots=True)
class MarkRow:
    line: int
    upn: str
    learner_id: int
    date: dt.date
    session: str
    code: str
    minutes_late: int | None


@dataclass
class MarksPlan:
    items: list[MarkRow]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def first_date(self) -> dt.date | None:
        return min((i.date for i in self.items), default=None)

    @property
    def last_date(self) -> dt.date | None:
        return max((i.date for i in self.items), default=None)


def parse_session(value: str) -> str:
    try:
        return SESSIONS[value.strip().lower()]
    except KeyError:
        raise CellError(f"{value!r} is not a session; use AM or PM") from None


def parse_code(value: str) -> str:
    code = CODES_UPPER.get(value.strip().upper())
    if code is None:
        raise CellError(
            f"{value!r} is not a DfE attendance code (2024 code set); "
            "see the code table on the import page"
        )
    return code


class MarksImporter(CsvImporter[MarkRow, MarksPlan]):
    required_columns = REQUIRED
    optional_columns = OPTIONAL

    def __init__(
        self,
        *,
        school: School,
        actor: User | None,
        filename: str = "",
        job: ImportJob | None = None,
        progress: Callable[[int], None] | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.school = school
        self.actor = actor
        self.filename = filename
        self.job = job
        self.progress = progress
        self.today = today or timezone.localdate()
        self._seen = 0
        self._good_dates: dict[str, dt.date] = {}

    # -- reading ---------------------------------------------------------

    def prepare(self) -> None:
        self.learners: dict[str, int] = {
            upn.upper(): pk
            for upn, pk in Learner.objects.filter(school=self.school).values_list("upn", "pk")
        }
        self.years = list(
            AcademicYear.objects.filter(school=self.school)
            .order_by("start")
            .values_list("start", "end")
        )
        terms = list(
            Term.objects.filter(academic_year__school=self.school)
            .order_by("start")
            .values_list("start", "end")
        )
        self.term_starts = [t[0] for t in terms]
        self.terms = terms
        self.closures: dict[dt.date, str] = {
            d: (name or dict(Closure.Kind.choices)[kind])
            for d, kind, name in Closure.objects.filter(school=self.school).values_list(
                "date", "kind", "name"
            )
        }

    def _in_term(self, day: dt.date) -> bool:
        i = bisect.bisect_right(self.term_starts, day) - 1
        return i >= 0 and self.terms[i][0] <= day <= self.terms[i][1]

    def _date_problem(self, day: dt.date) -> str | None:
        if not any(start <= day <= end for start, end in self.years):
            return f"{day:%d/%m/%Y} is outside the school's academic years"
        if day.weekday() >= 5:
            return f"{day:%d/%m/%Y} is a {day:%A}: there are no sessions at weekends"
        if day in self.closures:
            return f"{day:%d/%m/%Y} is a school closure ({self.closures[day]})"
        if not self._in_term(day):
            return f"{day:%d/%m/%Y} is outside the school's terms"
        if day > self.today:
            return f"{day:%d/%m/%Y} is in the future"
        return None

    def parse_row(self, row: CsvRow, report: Report) -> MarkRow | None:
        self._seen += 1
        if self.progress and self._seen % PROGRESS_EVERY == 0:
            self.progress(self._seen)
        values = row.values
        upn = values.get("upn", "").upper()
        learner_id = self.learners.get(upn)
        if not upn:
            report.add(row.line, "upn", "is required and is blank")
        elif learner_id is None:
            report.add(row.line, "upn", f"no learner with UPN {upn} in this school")
        # A file repeats the same few hundred dates, codes and sessions: values
        # already found good are looked up; anything else takes the checked path,
        # so every bad cell is still reported on its own line.
        raw_date = values.get("date", "")
        day = self._good_dates.get(raw_date)
        if day is None:
            day = report.field(row, "date", parse_date, required=True)
            if day is not None:
                problem = self._date_problem(day)
                if problem:
                    report.add(row.line, "date", problem)
                    day = None
                else:
                    self._good_dates[raw_date] = day
        session = SESSION_EXACT.get(values.get("session", ""))
        if session is None:
            session = report.field(row, "session", parse_session, required=True)
        code = codes.CODES.get(values.get("code", ""))
        code = (
            code.code if code is not None else report.field(row, "code", parse_code, required=True)
        )
        minutes = None
        if values.get("minutes_late"):
            minutes = report.field(
                row, "minutes_late", lambda v: parse_int(v, minimum=0, maximum=300)
            )
            if minutes is not None and code is not None and not codes.CODES[code].late:
                report.add(
                    row.line,
                    "minutes_late",
                    f"minutes late given for code {code}, which is not a late code (L or U)",
                )
        if learner_id is None or day is None or report.has_errors_on(row.line):
            return None
        return MarkRow(row.line, upn, learner_id, day, session, code, minutes)

    def check_items(self, items: list[MarkRow], report: Report) -> None:
        # Like report.duplicates(), but keyed by a tuple: formatting a text key for
        # each of half a million rows cost more than the rest of the check.
        first_line: dict[tuple[int, dt.date, str], int] = {}
        for i in items:
            first = first_line.setdefault((i.learner_id, i.date, i.session), i.line)
            if first != i.line:
                report.add(
                    i.line,
                    "session",
                    f"the mark for {i.upn} {i.date:%d/%m/%Y} {i.session} appears more than "
                    f"once in the file (first on line {first})",
                )
        if self.progress:
            self.progress(self._seen)
        if self.job is not None and not report.errors:
            ImportJob.objects.filter(pk=self.job.pk).update(status=ImportJob.Status.WRITING)

    # -- planning and writing ----------------------------------------------

    def plan(self, items: list[MarkRow], report: Report) -> MarksPlan:
        return MarksPlan(items=items)

    def changes(self, plan: MarksPlan) -> list[Change]:
        # The comparison happens in the database while writing (apply); the
        # counts are in plan.counts. A per-row preview of 500,000 marks would
        # help nobody.
        return []

    def apply(self, plan: MarksPlan, outcome: ImportOutcome[MarksPlan]) -> None:
        if not plan.items:
            plan.counts = {"created": 0, "updated": 0, "removed": 0, "unchanged": 0}
        elif connection.vendor == "postgresql":
            plan.counts = self._apply_postgresql(plan)
        else:
            plan.counts = self._apply_generic(plan)
        audit.record(
            "attendance.import.completed",
            actor=self.actor,
            school=self.school,
            obj=self.job,
            object_type="attendance.importjob" if self.job is None else "",
            changes={
                "file": self.filename,
                "rows": len(plan.items),
                "from": plan.first_date,
                "to": plan.last_date,
                **plan.counts,
            },
        )

    def _apply_generic(self, plan: MarksPlan) -> dict[str, int]:
        now = timezone.now()
        first, last = plan.first_date, plan.last_date
        learner_ids = sorted({i.learner_id for i in plan.items})
        existing: dict[tuple[int, dt.date, str], tuple[int, str, int | None]] = {}
        for start in range(0, len(learner_ids), 500):
            for pk, lid, day, session, code, minutes in Mark.objects.filter(
                learner_id__in=learner_ids[start : start + 500], date__gte=first, date__lte=last
            ).values_list("pk", "learner_id", "date", "session", "code", "minutes_late"):
                existing[(lid, day, session)] = (pk, code, minutes)
        job_id = self.job.pk if self.job else None
        creates: list[Mark] = []
        updates: list[Mark] = []
        history: list[MarkChange] = []
        unchanged = 0
        for item in plan.items:
            key = (item.learner_id, item.date, item.session)
            old = existing.pop(key, None)
            if old is None:
                creates.append(
                    Mark(
                        school_id=self.school.pk,
                        learner_id=item.learner_id,
                        date=item.date,
                        session=item.session,
                        code=item.code,
                        minutes_late=item.minutes_late,
                        updated_at=now,
                        import_job_id=job_id,
                    )
                )
            elif (old[1], old[2]) == (item.code, item.minutes_late):
                unchanged += 1
            else:
                updates.append(
                    Mark(
                        pk=old[0],
                        code=item.code,
                        minutes_late=item.minutes_late,
                        updated_at=now,
                        import_job_id=job_id,
                    )
                )
                history.append(self._change(key, old[1], old[2], item.code, item.minutes_late, now))
        # What is left of `existing` is in the replaced range but not in the file.
        removed = [pk for pk, _code, _minutes in existing.values()]
        history += [
            self._change(key, code, minutes, "", None, now)
            for key, (_pk, code, minutes) in existing.items()
        ]
        Mark.objects.bulk_create(creates, batch_size=BATCH)
        Mark.objects.bulk_update(
            updates, ["code", "minutes_late", "updated_at", "import_job"], batch_size=1000
        )
        for start in range(0, len(removed), 900):
            Mark.objects.filter(pk__in=removed[start : start + 900]).delete()
        MarkChange.objects.bulk_create(history, batch_size=BATCH)
        return {
            "created": len(creates),
            "updated": len(updates),
            "removed": len(removed),
            "unchanged": unchanged,
        }

    def _change(
        self,
        key: tuple[int, dt.date, str],
        old_code: str,
        old_minutes: int | None,
        new_code: str,
        new_minutes: int | None,
        now: dt.datetime,
    ) -> MarkChange:
        return MarkChange(
            school_id=self.school.pk,
            learner_id=key[0],
            date=key[1],
            session=key[2],
            old_code=old_code,
            new_code=new_code,
            old_minutes_late=old_minutes,
            new_minutes_late=new_minutes,
            changed_at=now,
            changed_by=self.actor,
            import_job=self.job,
        )

    def _apply_postgresql(self, plan: MarksPlan) -> dict[str, int]:
        now = timezone.now()
        actor_id = self.actor.pk if self.actor else None
        job_id = self.job.pk if self.job else None
        mark, change = Mark._meta.db_table, MarkChange._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE attendance_import_rows ("
                " learner_id bigint NOT NULL, date date NOT NULL, session varchar(2) NOT NULL,"
                " code varchar(2) NOT NULL, minutes_late smallint"
                ") ON COMMIT DROP"
            )
            raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
            with raw.copy(
                "COPY attendance_import_rows (learner_id, date, session, code, minutes_late)"
                " FROM STDIN"
            ) as copy:
                for i in plan.items:
                    copy.write_row((i.learner_id, i.date, i.session, i.code, i.minutes_late))
            cursor.execute("ANALYZE attendance_import_rows")
            params: dict[str, Any] = {
                "school": self.school.pk,
                "now": now,
                "actor": actor_id,
                "job": job_id,
                "first": plan.first_date,
                "last": plan.last_date,
            }
            # 1. History of marks the file changes.
            cursor.execute(
                f"""
                INSERT INTO {change} (school_id, learner_id, date, session, old_code, new_code,
                    old_minutes_late, new_minutes_late, changed_at, changed_by_id, import_job_id)
                SELECT m.school_id, m.learner_id, m.date, m.session, m.code, t.code,
                       m.minutes_late, t.minutes_late, %(now)s, %(actor)s, %(job)s
                FROM {mark} m
                JOIN attendance_import_rows t
                  ON t.learner_id = m.learner_id AND t.date = m.date AND t.session = m.session
                WHERE m.code <> t.code OR m.minutes_late IS DISTINCT FROM t.minutes_late
                """,  # noqa: S608 - table names are ours; values are parameters
                params,
            )
            updated = cursor.rowcount
            # 2. Remove (and keep the history of) marks in the replaced range not in the file.
            cursor.execute(
                f"""
                WITH gone AS (
                    DELETE FROM {mark} m
                    WHERE m.learner_id IN (SELECT DISTINCT learner_id FROM attendance_import_rows)
                      AND m.date >= %(first)s AND m.date <= %(last)s
                      AND NOT EXISTS (
                          SELECT 1 FROM attendance_import_rows t
                          WHERE t.learner_id = m.learner_id AND t.date = m.date
                            AND t.session = m.session)
                    RETURNING m.school_id, m.learner_id, m.date, m.session, m.code, m.minutes_late
                )
                INSERT INTO {change} (school_id, learner_id, date, session, old_code, new_code,
                    old_minutes_late, new_minutes_late, changed_at, changed_by_id, import_job_id)
                SELECT school_id, learner_id, date, session, code, '', minutes_late, NULL,
                       %(now)s, %(actor)s, %(job)s
                FROM gone
                """,  # noqa: S608
                params,
            )
            removed = cursor.rowcount
            # 3. Upsert: new marks inserted, changed marks updated, equal marks untouched.
            cursor.execute(
                f"""
                INSERT INTO {mark} (school_id, learner_id, date, session, code, minutes_late,
                    updated_at, import_job_id)
                SELECT %(school)s, learner_id, date, session, code, minutes_late, %(now)s, %(job)s
                FROM attendance_import_rows
                ON CONFLICT (learner_id, date, session) DO UPDATE
                SET code = EXCLUDED.code, minutes_late = EXCLUDED.minutes_late,
                    updated_at = EXCLUDED.updated_at, import_job_id = EXCLUDED.import_job_id
                WHERE {mark}.code <> EXCLUDED.code
                   OR {mark}.minutes_late IS DISTINCT FROM EXCLUDED.minutes_late
                """,  # noqa: S608
                params,
            )
            written = cursor.rowcount
            cursor.execute("DROP TABLE attendance_import_rows")
            if written > ANALYZE_AFTER:
                # A big load makes the planner's row estimates stale until autovacuum runs.
                cursor.execute(f"ANALYZE {mark}")
        created = written - updated
        return {
            "created": created,
            "updated": updated,
            "removed": removed,
            "unchanged": len(plan.items) - created - updated,
        }
