"""The marks import: idempotent, all or nothing, every bad row reported, history kept."""

from __future__ import annotations

import dataclasses
import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from attendance.imports import OPTIONAL, MarksImporter, marks_import
from attendance.models import Mark, MarkChange
from pastoral.imports.csvfile import read_csv_columns
from pastoral.models import AuditEvent, Closure
from tests.attendance.helpers import MONDAY, calendar

HEADER = "UPN,Date,Session,Code,Minutes late\n"
FRESH_QUERIES = 6


def week_csv(
    world: Any, codes9: str = "/\\/\\/\\/\\/\\", codes10: str = "/\\/\\/\\/\\/\\"
) -> bytes:
    """A week (Mon-Fri) of marks for learner9 and learner10; codes are one character each."""
    lines = [HEADER]
    for learner, codes in ((world.learner9, codes9), (world.learner10, codes10)):
        for i, code in enumerate(codes):
            day = MONDAY + dt.timedelta(days=i // 2)
            session = "AM" if i % 2 == 0 else "PM"
            minutes = "12" if code in "LU" else ""
            lines.append(f"{learner.upn},{day.isoformat()},{session},{code},{minutes}\n")
    return "".join(lines).encode()


@pytest.fixture
def school(world: Any) -> Any:
    calendar(world.school)
    return world.school


def run(world: Any, data: bytes) -> Any:
    return marks_import(actor=world.user("admin"), school=world.school, source=data)


def test_it_imports_a_week_of_marks(world: Any, school: Any) -> None:
    outcome = run(world, week_csv(world, codes9="/\\L\\/N/\\I\\"))
    assert outcome.ok and outcome.applied
    assert outcome.plan.counts == {"created": 20, "updated": 0, "removed": 0, "unchanged": 0}
    late = Mark.objects.get(
        learner=world.learner9, date=MONDAY + dt.timedelta(days=1), session="AM"
    )
    assert (late.code, late.minutes_late) == ("L", 12)
    event = AuditEvent.objects.filter(action="attendance.import.completed").get()
    assert event.changes["created"] == 20


def test_reimporting_the_same_file_changes_nothing(world: Any, school: Any) -> None:
    data = week_csv(world)
    run(world, data)
    before = list(Mark.objects.order_by("pk").values_list("pk", "code", "updated_at"))
    outcome = run(world, data)
    assert outcome.plan.counts == {"created": 0, "updated": 0, "removed": 0, "unchanged": 20}
    assert list(Mark.objects.order_by("pk").values_list("pk", "code", "updated_at")) == before
    assert not MarkChange.objects.exists()


def test_reimporting_a_week_replaces_it_and_keeps_the_history(world: Any, school: Any) -> None:
    run(world, week_csv(world, codes9="NNNNNNNNNN"))
    # The corrected week: Monday's N is now I (illness); Friday is missing for learner9.
    corrected = week_csv(world, codes9="II//////")
    outcome = run(world, corrected)
    assert outcome.plan.counts == {"created": 0, "updated": 8, "removed": 2, "unchanged": 10}
    codes = "".join(
        Mark.objects.filter(learner=world.learner9)
        .order_by("date", "session")
        .values_list("code", flat=True)
    )
    assert codes == "II//////"
    changes = MarkChange.objects.filter(learner=world.learner9).order_by("date", "session")
    assert changes.count() == 10
    first = changes.first()
    assert (first.old_code, first.new_code, first.changed_by) == ("N", "I", world.user("admin"))
    removed = changes.filter(new_code="")
    assert removed.count() == 2 and set(removed.values_list("old_code", flat=True)) == {"N"}
    assert Mark.objects.filter(learner=world.learner10).count() == 10, "learner10 untouched"


def test_a_file_overlapping_imported_marks_updates_adds_and_keeps_the_history(
    world: Any, school: Any
) -> None:
    run(world, week_csv(world))
    next_monday = MONDAY + dt.timedelta(days=7)
    data = week_csv(world, codes9="N\\/\\/\\/\\/\\").decode() + (
        f"{world.learner9.upn},{next_monday},AM,/,\n{world.learner10.upn},{next_monday},PM,L,5\n"
    )
    outcome = run(world, data.encode())
    assert outcome.plan.counts == {"created": 2, "updated": 1, "removed": 0, "unchanged": 19}
    [change] = MarkChange.objects.all()
    assert (change.learner, change.date, change.session) == (world.learner9, MONDAY, "AM")
    assert (change.old_code, change.new_code, change.changed_by) == ("/", "N", world.user("admin"))
    late = Mark.objects.get(learner=world.learner10, date=next_monday)
    assert (late.code, late.minutes_late) == ("L", 5)
    assert Mark.objects.count() == 22


def test_reimport_leaves_other_learners_and_other_weeks_alone(world: Any, school: Any) -> None:
    run(world, week_csv(world))
    next_week = (
        HEADER + f"{world.learner9.upn},{(MONDAY + dt.timedelta(days=7)).isoformat()},AM,O,\n"
    )
    outcome = run(world, next_week.encode())
    assert outcome.plan.counts["removed"] == 0
    assert Mark.objects.count() == 21


def errors_of(outcome: Any) -> list[tuple[int | None, str, str]]:
    return [(e.line, e.column, e.reason) for e in outcome.errors]


BAD_ROWS = [
    ("{upn},2025-11-03,AM,H,", "Code", "not a DfE attendance code"),
    ("{upn},2025-11-03,AM,Y,", "Code", "not a DfE attendance code"),
    ("{upn},2025-11-03,AM,,", "Code", "required"),
    ("A999999999999,2025-11-03,AM,/,", "UPN", "no learner with UPN"),
    (",2025-11-03,AM,/,", "UPN", "required"),
    ("{upn},2025-11-08,AM,/,", "Date", "Saturday"),
    ("{upn},2024-11-04,AM,/,", "Date", "outside the school's academic years"),
    ("{upn},2025-12-24,AM,/,", "Date", "outside the school's terms"),
    ("{upn},2025-11-05,AM,/,", "Date", "school closure"),
    ("{upn},2026-03-02,AM,/,", "Date", "in the future"),
    ("{upn},2025-11-03,EVE,/,", "Session", "not a session"),
    ("{upn},2025-11-03,,/,", "Session", "required"),
    ("{upn},2025-11-03,AM,/,abc", "Minutes late", "not a whole number"),
    ("{upn},2025-11-03,AM,L,301", "Minutes late", "above the maximum"),
    ("{upn},2025-11-03,AM,/,5", "Minutes late", "not a late code"),
    ("{upn},31/02/2025,AM,/,", "Date", "not a real date"),
    ("{upn},,AM,/,", "Date", "required"),
    ("{upn},2025-11-03,AM,=HYPERLINK(1),", "Code", "formula"),
    ("{upn},2025-11-03,AM,/,-1", "Minutes late", "below the minimum"),
    ("{upn},2025-11-03,AM,/,,extra", "", "fields but the header has"),
    ('{upn},2025-11-03,AM,/,"=1"', "Minutes late", "formula"),
    (DUPLICATE := "{upn},2025-11-04,AM,N,", "Session", "in the file (first on line 4)"),
]
# The line after the bad one (line 4): a good mark the duplicate case repeats.
NEXT = "{upn},2025-11-04,AM,/,"
TODAY = dt.date(2026, 3, 1)


@pytest.mark.parametrize(("row", "column", "reason"), BAD_ROWS)
def test_each_bad_row_is_reported_by_line_and_column_and_nothing_is_written(
    world: Any, school: Any, row: str, column: str, reason: str
) -> None:
    Closure.objects.create(
        school=world.school, date=dt.date(2025, 11, 5), kind="inset", name="INSET"
    )
    outcome = marks_import(
        actor=world.user("admin"), school=world.school, source=bad_file(world, row), today=TODAY
    )
    assert not outcome.applied
    found = errors_of(outcome)
    line = 5 if row == DUPLICATE else 3
    assert any(
        at == line and col == column and reason.lower() in text.lower() for at, col, text in found
    ), found
    assert Mark.objects.count() == 0


def bad_file(world: Any, row: str) -> bytes:
    """A bad row on line 3 between good ones (a duplicate: line 4 repeated on line 5)."""
    good = f"{world.learner10.upn},2025-11-03,AM,/,\n"
    upn = world.learner9.upn
    if row == DUPLICATE:
        lines = [good, good.replace("AM", "PM"), NEXT.format(upn=upn), row.format(upn=upn)]
    else:
        lines = [good, row.format(upn=upn), NEXT.format(upn=upn)]
    return (HEADER + "".join(line.rstrip("\n") + "\n" for line in lines)).encode()


def column_plan(world: Any, data: bytes) -> Any:
    importer = MarksImporter(school=world.school, actor=None, today=TODAY)
    importer.prepare()
    return importer.plan_columns(
        read_csv_columns(data, required=importer.required_columns, optional=OPTIONAL)
    )


@pytest.mark.parametrize(("row", "column", "reason"), BAD_ROWS)
def test_the_column_path_leaves_every_bad_row_to_the_row_path(
    world: Any, school: Any, row: str, column: str, reason: str
) -> None:
    """The whole-column check accepts no file the row-by-row path would refuse."""
    Closure.objects.create(
        school=world.school, date=dt.date(2025, 11, 5), kind="inset", name="INSET"
    )
    assert column_plan(world, bad_file(world, row).replace(b",N,", b",/,")) is None


@pytest.mark.parametrize(
    "extra",
    [
        "{upn},2025-11-04,am,I,",  # the same mark: session in another case
        "{upn},04/11/2025,AM,I,",  # the same mark: the date written the UK way
        "{upnlower},2025-11-04,AM,I,",  # the same mark: the UPN in lower case
        ",,,,",  # a row of blank cells (the row-by-row path skips it)
        "\n{upn},2025-11-06,AM,/,",  # a blank line
    ],
)
def test_the_column_path_leaves_repeats_and_blank_rows_to_the_row_path(
    world: Any, school: Any, extra: str
) -> None:
    upn = world.learner9.upn
    data = HEADER + f"{upn},2025-11-04,AM,/,\n" + extra.format(upn=upn, upnlower=upn.lower())
    assert column_plan(world, (data.rstrip("\n") + "\n").encode()) is None


def test_a_formula_in_an_ignored_column_is_still_refused(world: Any, school: Any) -> None:
    data = f"UPN,Date,Session,Code,Note\n{world.learner9.upn},2025-11-04,AM,/,@SUM(A1)\n"
    assert column_plan(world, data.encode()) is None
    outcome = run(world, data.encode())
    assert errors_of(outcome)[0][:2] == (2, "Note")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("quoted", [False, True])
def test_the_column_path_plans_what_the_row_path_plans(
    world: Any, school: Any, newline: str, quoted: bool
) -> None:
    upn9, upn10 = world.learner9.upn, world.learner10.upn
    rows = [
        [upn9, "2025-11-03", "AM", "/", ""],
        [f" {upn9.lower()} ", "03/11/2025", "pm", "\\", ""],
        [upn9, "4/11/2025", " Am ", "l", " 7"],
        [upn9, "2025-11-04", "PM", "u", "0"],
        [upn10, "2025-11-03", "AM", "n", ""],
        [upn10, "2025-11-03", "PM", "C1", ""],
    ]
    if quoted:
        rows[0][0] = f'"{upn9}"'
    header = "UPN,Date,Session,Code,Minutes late,Extra"
    data = newline.join([header] + [",".join([*r, "x"]) for r in rows]) + newline
    fast = column_plan(world, data.encode())
    assert fast is not None
    slow_importer = MarksImporter(school=world.school, actor=None, today=TODAY)
    slow_importer.plans_columns = False  # type: ignore[misc]
    slow = slow_importer.run(data.encode(), dry_run=True)
    assert slow.ok and slow.rows == 6
    assert dataclasses.astuple(fast) == dataclasses.astuple(slow.plan)
    assert fast.codes == ["/", "\\", "L", "U", "N", "C1"]
    assert fast.minutes == [None, None, 7, 0, None, None]
    outcome = run(world, data.encode())
    assert outcome.applied and outcome.rows == 6 and outcome.ignored_columns == ["Extra"]
    assert Mark.objects.count() == 6


def test_an_empty_file_of_marks_imports_nothing(world: Any, school: Any) -> None:
    outcome = run(world, HEADER.encode())
    assert outcome.applied and outcome.plan.counts["created"] == 0


def test_a_duplicate_row_names_the_first_line(world: Any, school: Any) -> None:
    row = f"{world.learner9.upn},2025-11-03,AM,/,\n"
    outcome = run(world, (HEADER + row + f"{world.learner9.upn},2025-11-03,am,N,\n").encode())
    [(line, column, reason)] = errors_of(outcome)
    assert (line, column) == (3, "Session")
    assert "appears more than once in the file (first on line 2)" in reason
    assert Mark.objects.count() == 0


def test_a_future_date_is_refused(world: Any, school: Any) -> None:
    outcome = marks_import(
        actor=None,
        school=world.school,
        source=(HEADER + f"{world.learner9.upn},2025-11-04,AM,/,\n").encode(),
        today=dt.date(2025, 11, 3),
    )
    assert "in the future" in outcome.errors[0].reason


def test_a_learner_of_another_school_is_unknown(world: Any, school: Any) -> None:
    outcome = run(world, (HEADER + f"{world.other_learner.upn},2025-11-03,AM,/,\n").encode())
    assert errors_of(outcome)[0][:2] == (2, "UPN")


def test_a_missing_column_is_a_file_error(world: Any, school: Any) -> None:
    outcome = run(world, b"UPN,Date,Code\nX,2025-11-03,/\n")
    assert "Missing required column(s): session" in outcome.errors[0].reason


def test_the_management_command_imports_and_reports(
    world: Any, school: Any, tmp_path: Path
) -> None:
    path = tmp_path / "week.csv"
    path.write_bytes(week_csv(world))
    out = StringIO()
    call_command("import_attendance", str(path), "--school", world.school.urn, stdout=out)
    assert "20 created" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes((HEADER + f"{world.learner9.upn},2025-11-03,XX,/,\n").encode())
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_attendance", str(bad), "--school", world.school.urn, stderr=err)
    assert "line 2, column Session" in err.getvalue()


def test_the_postgresql_path_uses_copy(world: Any, school: Any) -> None:
    """On PostgreSQL a fresh range is COPYed straight into the marks table; a
    range that already has marks goes through a temporary table and is merged
    (CI runs both databases)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        outcome = run(world, week_csv(world))
    fresh = " ".join(q["sql"] for q in ctx.captured_queries)
    assert outcome.plan.counts["created"] == 20
    assert Mark.objects.count() == 20
    with CaptureQueriesContext(connection) as ctx:
        outcome = run(world, week_csv(world, codes9="NNNNNNNN"))
    merged = " ".join(q["sql"] for q in ctx.captured_queries)
    assert outcome.plan.counts == {"created": 0, "updated": 8, "removed": 2, "unchanged": 10}
    if connection.vendor == "postgresql":
        assert "pg_advisory_xact_lock" in fresh and "attendance_import_rows" not in fresh
        assert "INSERT INTO attendance_mark" not in fresh, "the marks came by COPY"
        assert "pg_advisory_xact_lock" in merged and "attendance_import_rows" in merged
    else:
        assert "attendance_import_rows" not in fresh + merged


def import_queries(world: Any, data: bytes) -> list[str]:
    """The import's own statements (not the audit trail's, not savepoints)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        run(world, data)
    return [
        q["sql"]
        for q in ctx.captured_queries
        if "audit" not in q["sql"] and not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]


def test_a_fresh_import_makes_a_fixed_number_of_queries(world: Any, school: Any) -> None:
    """However many rows: four look-ups, then on PostgreSQL the lock, the check and
    the COPY (not a query), elsewhere the read of existing marks and one insert."""
    run(world, week_csv(world))  # the school's first audit event also starts its chain
    Mark.objects.all().delete()
    small = import_queries(world, week_csv(world))
    Mark.objects.all().delete()
    lines = [HEADER]
    for week in range(3):
        for learner in (world.learner9, world.learner10):
            for i in range(5):
                day = MONDAY + dt.timedelta(days=7 * week + i)
                lines += [f"{learner.upn},{day},AM,/,\n", f"{learner.upn},{day},PM,\\,\n"]
    big = import_queries(world, "".join(lines).encode())
    assert Mark.objects.count() == 60
    assert len(small) == len(big) == FRESH_QUERIES, big
