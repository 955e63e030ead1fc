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

Reading is by whole columns (CsvImporter.plan_columns): each distinct value
of a column (a few thousand UPNs, a few hundred dates) is checked once, with
the same checks as parse_row. Any problem anywhere sends the file to the
row-by-row path, which reports every problem by line and column.

Writing is bulk. On PostgreSQL, imports for one school take turns (an
advisory lock until commit). When none of the file's learners has a mark in
the file's date range (a fresh term or year), the rows are COPYed (psycopg 3
`cursor.copy`, as pre-formatted text, sent by a writer thread so the next
block is formatted while the database takes the last) straight into the
marks table.
Otherwise they are COPYed into a temporary table, joined once with the marks
they replace, and merged: changed marks updated (their history kept in the
same statement), marks the file no longer has removed (history kept), new
marks inserted. Elsewhere bulk_create / bulk_update in batches.
"""

from __future__ import annotations

import bisect
import datetime as dt
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

from django.db import connection
from django.utils import timezone

from attendance import codes
from attendance.models import ImportJob, Mark, MarkChange
from pastoral import audit
from pastoral.imports.base import Change, CsvImporter, ImportOutcome, Report
from pastoral.imports.csvfile import CsvColumns, CsvRow, formula_error
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
COPY_CHUNK = 50_000  # rows per block of COPY text
# pg_advisory_xact_lock(LOCK_SPACE, school id): one marks import per school at a time.
LOCK_SPACE = 0x4D41524B  # "MARK"


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
    """The file's marks, column by column (one entry per row, in file order)."""

    learner_ids: list[int]
    dates: list[dt.date]
    sessions: list[str]
    codes: list[str]
    minutes: list[int | None]
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, items: list[MarkRow]) -> MarksPlan:
        return cls(
            learner_ids=[i.learner_id for i in items],
            dates=[i.date for i in items],
            sessions=[i.session for i in items],
            codes=[i.code for i in items],
            minutes=[i.minutes_late for i in items],
        )

    def __len__(self) -> int:
        return len(self.learner_ids)

    def rows(self) -> Iterator[tuple[int, dt.date, str, str, int | None]]:
        return zip(
            self.learner_ids, self.dates, self.sessions, self.codes, self.minutes, strict=True
        )

    @property
    def first_date(self) -> dt.date | None:
        return min(self.dates, default=None)

    @property
    def last_date(self) -> dt.date | None:
        return max(self.dates, default=None)


def copy_text(value: object) -> str:
    """A value as a cell of COPY's text format (tab-separated, \\N for NULL)."""
    if value is None:
        return "\\N"
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_blocks(columns: list[list[Any]], *, chunk: int = COPY_CHUNK) -> Iterator[str]:
    """Rows (given column by column) as blocks of COPY text.

    Each distinct value is formatted once; a column of one repeated value
    (the school, the time) may be given as a one-item list.
    """
    rows = max(len(column) for column in columns)
    texts = []
    for column in columns:
        formatted = {value: copy_text(value) for value in set(column)}
        texts.append(
            list(repeat(formatted[column[0]], rows))
            if len(column) == 1
            else list(map(formatted.__getitem__, column))
        )
    for start in range(0, rows, chunk):
        lines = map("\t".join, zip(*(text[start : start + chunk] for text in texts), strict=True))
        yield "\n".join(lines) + "\n"


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
    plans_columns = True

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
        known = codes.CODES.get(values.get("code", ""))
        code: str | None = (
            known.code
            if known is not None
            else report.field(row, "code", parse_code, required=True)
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
        if (
            learner_id is None
            or day is None
            or session is None
            or code is None
            or report.has_errors_on(row.line)
        ):
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
        self._checked(ok=not report.errors)

    def _checked(self, *, ok: bool) -> None:
        if self.progress:
            self.progress(self._seen)
        if self.job is not None and ok:
            ImportJob.objects.filter(pk=self.job.pk).update(status=ImportJob.Status.WRITING)

    def _good_date(self, value: str) -> dt.date | None:
        """The date in a (stripped) cell when parse_row would accept it, else None."""
        day = self._good_dates.get(value)
        if day is None and value:
            try:
                day = parse_date(value)
            except CellError:
                return None
            if self._date_problem(day):
                return None
            self._good_dates[value] = day
        return day

    def plan_columns(self, columns: CsvColumns) -> MarksPlan | None:
        """The whole file at once: each distinct cell value is checked once.

        Accepts exactly the files parse_row and check_items accept (and plans
        the same marks); anything else returns None, and the row-by-row path
        reports every problem by line and column.
        """
        cols = columns.columns
        if cols is None:
            return None
        distinct = {key: set(column) for key, column in cols.items()}
        # read_csv() checks every named column for formula cells, so this does too.
        if any(formula_error(raw) for values in distinct.values() for raw in values):
            return None
        learner_of: dict[str, int] = {}
        for raw in distinct["upn"]:
            learner_id = self.learners.get(raw.strip().upper())
            if learner_id is None:  # blank or unknown
                return None
            learner_of[raw] = learner_id
        day_of: dict[str, dt.date] = {}
        for raw in distinct["date"]:
            day = self._good_date(raw.strip())
            if day is None:
                return None
            day_of[raw] = day
        session_of: dict[str, str] = {}
        for raw in distinct["session"]:
            session = SESSIONS.get(raw.strip().lower())
            if session is None:
                return None
            session_of[raw] = session
        code_of: dict[str, str] = {}
        for raw in distinct["code"]:
            code = CODES_UPPER.get(raw.strip().upper())
            if code is None:
                return None
            code_of[raw] = code
        count = columns.count
        minutes: list[int | None] = [None] * count
        if "minutes_late" in cols:
            minutes_of: dict[str, int | None] = {}
            for raw in distinct["minutes_late"]:
                value = raw.strip()
                try:
                    minutes_of[raw] = parse_int(value, minimum=0, maximum=300) if value else None
                except CellError:
                    return None
            for code_raw, minutes_raw in set(zip(cols["code"], cols["minutes_late"], strict=True)):
                if minutes_of[minutes_raw] is not None and not codes.CODES[code_of[code_raw]].late:
                    return None
            minutes = list(map(minutes_of.__getitem__, cols["minutes_late"]))
        plan = MarksPlan(
            learner_ids=list(map(learner_of.__getitem__, cols["upn"])),
            dates=list(map(day_of.__getitem__, cols["date"])),
            sessions=list(map(session_of.__getitem__, cols["session"])),
            codes=list(map(code_of.__getitem__, cols["code"])),
            minutes=minutes,
        )
        # A repeated mark (the row-by-row path names both lines): each row's
        # (learner, date, session) as one int, learner << 22 | day << 1 | PM,
        # made by whole-column additions (a set of 500,000 ints, not of tuples).
        base = min(day_of.values(), default=dt.date.min).toordinal()
        learner_key = {raw: pk << 22 for raw, pk in learner_of.items()}
        day_key = {raw: (day.toordinal() - base) << 1 for raw, day in day_of.items()}
        session_key = {raw: int(session == "PM") for raw, session in session_of.items()}
        keys = map(
            operator.add,
            map(
                operator.add,
                map(learner_key.__getitem__, cols["upn"]),
                map(day_key.__getitem__, cols["date"]),
            ),
            map(session_key.__getitem__, cols["session"]),
        )
        if len(set(keys)) != count:
            return None
        self._seen = count
        self._checked(ok=True)
        return plan

    # -- planning and writing ----------------------------------------------

    def plan(self, items: list[MarkRow], report: Report) -> MarksPlan:
        return MarksPlan.from_rows(items)

    def changes(self, plan: MarksPlan) -> list[Change]:
        # The comparison happens in the database while writing (apply); the
        # counts are in plan.counts. A per-row preview of 500,000 marks would
        # help nobody.
        return []

    def apply(self, plan: MarksPlan, outcome: ImportOutcome[MarksPlan]) -> None:
        if not plan:
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
                "rows": len(plan),
                "from": plan.first_date,
                "to": plan.last_date,
                **plan.counts,
            },
        )

    def _apply_generic(self, plan: MarksPlan) -> dict[str, int]:
        now = timezone.now()
        first, last = plan.first_date, plan.last_date
        learner_ids = sorted(set(plan.learner_ids))
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
        for learner_id, day, session, code, minutes_late in plan.rows():
            key = (learner_id, day, session)
            old = existing.pop(key, None)
            if old is None:
                creates.append(
                    Mark(
                        school_id=self.school.pk,
                        learner_id=learner_id,
                        date=day,
                        session=session,
                        code=code,
                        minutes_late=minutes_late,
                        updated_at=now,
                        import_job_id=job_id,
                    )
                )
            elif (old[1], old[2]) == (code, minutes_late):
                unchanged += 1
            else:
                updates.append(
                    Mark(
                        pk=old[0],
                        code=code,
                        minutes_late=minutes_late,
                        updated_at=now,
                        import_job_id=job_id,
                    )
                )
                history.append(self._change(key, old[1], old[2], code, minutes_late, now))
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
        from psycopg.copy import QueuedLibpqWriter

        now = timezone.now()
        mark = Mark._meta.db_table
        with connection.cursor() as cursor:
            # Imports of one school take turns, so nothing changes the marks
            # between the check below and the write.
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_SPACE, self.school.pk])
            cursor.execute(
                f"SELECT EXISTS (SELECT 1 FROM {mark} WHERE learner_id = ANY(%s::bigint[])"  # noqa: S608
                " AND date >= %s AND date <= %s)",
                [sorted(set(plan.learner_ids)), plan.first_date, plan.last_date],
            )
            if cursor.fetchone()[0]:
                counts = self._merge_postgresql(cursor, plan, now)
            else:
                # Nothing to compare, replace or keep the history of: every mark is new.
                with cursor.cursor.copy(  # psycopg 3 cursor under Django's wrapper
                    f"COPY {mark} (school_id, learner_id, date, session, code, minutes_late,"
                    " updated_at, import_job_id) FROM STDIN",
                    writer=QueuedLibpqWriter(cursor.cursor),
                ) as copy:
                    for block in copy_blocks(
                        [
                            [self.school.pk],
                            plan.learner_ids,
                            plan.dates,
                            plan.sessions,
                            plan.codes,
                            plan.minutes,
                            [now],
                            [self.job.pk if self.job else None],
                        ]
                    ):
                        copy.write(block)
                counts = {"created": len(plan), "updated": 0, "removed": 0, "unchanged": 0}
            if counts["created"] + counts["updated"] > ANALYZE_AFTER:
                # A big load makes the planner's row estimates stale until autovacuum runs.
                cursor.execute(f"ANALYZE {mark}")
        return counts

    def _merge_postgresql(self, cursor: Any, plan: MarksPlan, now: dt.datetime) -> dict[str, int]:
        from psycopg.copy import QueuedLibpqWriter

        mark, change = Mark._meta.db_table, MarkChange._meta.db_table
        cursor.execute(
            "CREATE TEMP TABLE attendance_import_rows ("
            " learner_id bigint NOT NULL, date date NOT NULL, session varchar(2) NOT NULL,"
            " code varchar(2) NOT NULL, minutes_late smallint"
            ") ON COMMIT DROP"
        )
        with cursor.cursor.copy(
            "COPY attendance_import_rows (learner_id, date, session, code, minutes_late) FROM STDIN",
            writer=QueuedLibpqWriter(cursor.cursor),
        ) as copy:
            for block in copy_blocks(
                [plan.learner_ids, plan.dates, plan.sessions, plan.codes, plan.minutes]
            ):
                copy.write(block)
        params: dict[str, Any] = {
            "school": self.school.pk,
            "now": now,
            "actor": self.actor.pk if self.actor else None,
            "job": self.job.pk if self.job else None,
            "first": plan.first_date,
            "last": plan.last_date,
            "learners": sorted(set(plan.learner_ids)),
        }
        # Each row beside the mark it replaces, if any: the one join of the
        # marks table with the file; the steps below read this table.
        cursor.execute(
            f"""
            CREATE TEMP TABLE attendance_import_match ON COMMIT DROP AS
            SELECT t.learner_id, t.date, t.session, t.code, t.minutes_late,
                   m.id AS mark_id, m.code AS old_code, m.minutes_late AS old_minutes
            FROM attendance_import_rows t
            LEFT JOIN {mark} m
              ON m.learner_id = t.learner_id AND m.date = t.date AND m.session = t.session
             AND m.date >= %(first)s AND m.date <= %(last)s
            """,  # noqa: S608 - table names are ours; values are parameters
            params,
        )
        cursor.execute("ANALYZE attendance_import_match")
        # 1. Changed marks updated, their history kept. Unchanged marks are not touched.
        cursor.execute(
            f"""
            WITH changed AS (
                UPDATE {mark} m
                SET code = x.code, minutes_late = x.minutes_late, updated_at = %(now)s,
                    import_job_id = %(job)s
                FROM attendance_import_match x
                WHERE m.id = x.mark_id
                  AND (x.old_code <> x.code OR x.old_minutes IS DISTINCT FROM x.minutes_late)
                RETURNING m.school_id, m.learner_id, m.date, m.session, x.old_code, x.code,
                          x.old_minutes, x.minutes_late
            )
            INSERT INTO {change} (school_id, learner_id, date, session, old_code, new_code,
                old_minutes_late, new_minutes_late, changed_at, changed_by_id, import_job_id)
            SELECT school_id, learner_id, date, session, old_code, code, old_minutes,
                   minutes_late, %(now)s, %(actor)s, %(job)s
            FROM changed
            """,  # noqa: S608
            params,
        )
        updated = cursor.rowcount
        # 2. Remove (and keep the history of) the learners' marks in the replaced
        # range that the file does not have. Before 3, which adds marks in the range.
        cursor.execute(
            f"""
            WITH gone AS (
                DELETE FROM {mark} m
                WHERE m.learner_id = ANY(%(learners)s::bigint[])
                  AND m.date >= %(first)s AND m.date <= %(last)s
                  AND NOT EXISTS (SELECT 1 FROM attendance_import_match x WHERE x.mark_id = m.id)
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
        # 3. New marks. The advisory lock means no other import adds one meanwhile.
        cursor.execute(
            f"""
            INSERT INTO {mark} (school_id, learner_id, date, session, code, minutes_late,
                updated_at, import_job_id)
            SELECT %(school)s, learner_id, date, session, code, minutes_late, %(now)s, %(job)s
            FROM attendance_import_match
            WHERE mark_id IS NULL
            """,  # noqa: S608
            params,
        )
        created = cursor.rowcount
        cursor.execute("DROP TABLE attendance_import_match")
        cursor.execute("DROP TABLE attendance_import_rows")
        return {
            "created": created,
            "updated": updated,
            "removed": removed,
            "unchanged": len(plan) - created - updated,
        }
