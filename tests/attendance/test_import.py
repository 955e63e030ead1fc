"""The marks import: idempotent, all or nothing, every bad row reported, history kept."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from attendance.models import Mark, MarkChange
from attendance.services import marks_import
from pastoral.models import AuditEvent, Closure
from tests.attendance.helpers import MONDAY, calendar

HEADER = "UPN,Date,Session,Code,Minutes late\n"


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


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("{upn},2025-11-03,AM,H,", "Code", "not a DfE attendance code"),
        ("{upn},2025-11-03,AM,Y,", "Code", "not a DfE attendance code"),
        ("A999999999999,2025-11-03,AM,/,", "UPN", "no learner with UPN"),
        ("{upn},2025-11-08,AM,/,", "Date", "Saturday"),
        ("{upn},2024-11-04,AM,/,", "Date", "outside the school's academic years"),
        ("{upn},2025-12-24,AM,/,", "Date", "outside the school's terms"),
        ("{upn},2025-11-05,AM,/,", "Date", "school closure"),
        ("{upn},2025-11-03,EVE,/,", "Session", "not a session"),
        ("{upn},2025-11-03,AM,/,abc", "Minutes late", "not a whole number"),
        ("{upn},2025-11-03,AM,/,5", "Minutes late", "not a late code"),
        ("{upn},31/02/2025,AM,/,", "Date", "not a real date"),
        ("{upn},,AM,/,", "Date", "required"),
        ("{upn},2025-11-03,AM,=HYPERLINK(1),", "Code", "formula"),
    ],
)
def test_each_bad_row_is_reported_by_line_and_column_and_nothing_is_written(
    world: Any, school: Any, row: str, column: str, reason: str
) -> None:
    Closure.objects.create(
        school=world.school, date=dt.date(2025, 11, 5), kind="inset", name="INSET"
    )
    good = f"{world.learner10.upn},2025-11-03,AM,/,\n"
    data = HEADER + good + row.format(upn=world.learner9.upn) + "\n" + good.replace("AM", "PM")
    outcome = run(world, data.encode())
    assert not outcome.applied
    found = errors_of(outcome)
    assert any(
        line == 3 and col == column and reason.lower() in text.lower() for line, col, text in found
    ), found
    assert Mark.objects.count() == 0


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
    """On PostgreSQL the rows go through COPY into a temporary table (CI runs both)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        outcome = run(world, week_csv(world))
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert outcome.plan.counts["created"] == 20
    if connection.vendor == "postgresql":
        assert "ON CONFLICT" in sql and "attendance_import_rows" in sql
    else:
        assert "ON CONFLICT" not in sql
