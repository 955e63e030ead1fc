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

- reading: MarksImporter, which checks the file (by whole columns, or row by
  row to report every problem) and plans its marks;
- writing: MarksWriter, which writes a plan in bulk (COPY and one merge on
  PostgreSQL, bulk_create / bulk_update elsewhere).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from attendance.imports.reading import (
    OPTIONAL,
    REQUIRED,
    MarkRow,
    MarksImporter,
    MarksPlan,
    parse_code,
    parse_session,
)
from attendance.imports.writing import MarksWriter, copy_blocks, copy_text
from attendance.models import ImportJob
from pastoral.imports.base import ImportOutcome
from pastoral.models import School, User

__all__ = [
    "OPTIONAL",
    "REQUIRED",
    "MarkRow",
    "MarksImporter",
    "MarksPlan",
    "MarksWriter",
    "copy_blocks",
    "copy_text",
    "marks_import",
    "parse_code",
    "parse_session",
]


def marks_import(
    *,
    school: School,
    source: Any,
    actor: User | None = None,
    filename: str = "",
    job: ImportJob | None = None,
    today: dt.date | None = None,
) -> ImportOutcome[Any]:
    """Import a CSV of marks into the school's register, all or nothing.

    The importer's entry point for the management command, the import job's
    worker (attendance.services.import_job_run) and the bench. It acts for no
    signed-in person, so it takes no Scope: `actor` is only whom the audit
    event and the mark history name (None: the system). A person's upload
    goes through attendance.services.import_job_create, which checks their
    capability. With a `job`, its progress is kept up to date.
    """
    progress = None
    if job is not None:

        def progress(n: int) -> None:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=n)

    importer = MarksImporter(
        school=school, actor=actor, filename=filename, job=job, progress=progress, today=today
    )
    return importer.run(source)
