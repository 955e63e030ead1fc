"""Writing a planned marks file in bulk.

On PostgreSQL, imports for one school take turns (an advisory lock until
commit). When none of the file's learners has a mark in the file's date range
(a fresh term or year), the rows are COPYed (psycopg 3 `cursor.copy`, as
pre-formatted text, sent by a writer thread so the next block is formatted
while the database takes the last) straight into the marks table.
Otherwise they are COPYed into a temporary table, joined once with the marks
they replace, and merged: changed marks updated (their history kept in the
same statement), marks the file no longer has removed (history kept), new
marks inserted. Elsewhere bulk_create / bulk_update in batches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import repeat
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from attendance.models import ImportJob, Mark, MarkChange
from pastoral.models import School, User

if TYPE_CHECKING:
    from attendance.imports.reading import MarksPlan

BATCH = 5000
ANALYZE_AFTER = 50_000
COPY_CHUNK = 50_000  # rows per block of COPY text
# pg_advisory_xact_lock(LOCK_SPACE, school id): one marks import per school at a time.
LOCK_SPACE = 0x4D41524B  # "MARK"


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


class MarksWriter:
    """Writes a plan's marks for one school (inside the import's transaction)."""

    def __init__(self, *, school: School, actor: User | None, job: ImportJob | None) -> None:
        self.school = school
        self.actor = actor
        self.job = job

    def write(self, plan: MarksPlan) -> dict[str, int]:
        """Write the plan; counts of marks created, updated, removed and unchanged."""
        if not plan:
            return {"created": 0, "updated": 0, "removed": 0, "unchanged": 0}
        if connection.vendor == "postgresql":
            return self.write_postgresql(plan)
        return self.write_generic(plan)

    def write_generic(self, plan: MarksPlan) -> dict[str, int]:
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

    def write_postgresql(self, plan: MarksPlan) -> dict[str, int]:
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
