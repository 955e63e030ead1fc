"""The term-date import: CSV and iCalendar, all or nothing, errors by line and column."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pastoral.models import AcademicYear, AuditEvent, Closure, Term
from pastoral.school_settings.termdates import TermDateImporter
from tests.school_settings.data import GOOD_CSV, GOOD_ICS, GOOD_ROWS, csv_of, ics_of

D = dt.date


def _run(world: Any, content: bytes, dry_run: bool = False) -> Any:
    return TermDateImporter(school=world.school, actor=world.user("admin"), filename="t.csv").run(
        content, dry_run=dry_run
    )


def _nothing_written(world: Any) -> bool:
    return not (
        Term.objects.filter(academic_year__school=world.school).exists()
        or Closure.objects.filter(school=world.school).exists()
        or AcademicYear.objects.filter(school=world.school).exists()
    )


def test_a_good_csv_is_previewed_then_imported_with_its_year_terms_and_closures(world) -> None:
    preview = _run(world, GOOD_CSV, dry_run=True)
    assert preview.ok and preview.counts["create"] == 6  # the year, 3 terms, 2 closures
    assert _nothing_written(world)
    outcome = _run(world, GOOD_CSV)
    assert outcome.applied
    year = AcademicYear.objects.get(school=world.school)
    assert (year.name, year.start, year.end) == ("2026/27", D(2026, 9, 1), D(2027, 8, 31))
    assert list(Term.objects.filter(academic_year=year).values_list("name", "start", "end")) == [
        ("Autumn term", D(2026, 9, 3), D(2026, 12, 18)),
        ("Spring term", D(2027, 1, 5), D(2027, 3, 26)),
        ("Summer term", D(2027, 4, 12), D(2027, 7, 21)),
    ]
    half_term = Closure.objects.filter(school=world.school, kind=Closure.Kind.HOLIDAY)
    assert half_term.count() == 5
    assert Closure.objects.get(school=world.school, date=D(2026, 9, 3)).kind == "inset"
    event = AuditEvent.objects.get(action="pastoral.import.term_dates")
    assert event.actor == world.user("admin") and event.changes["closure_days_created"] == 6


def test_importing_the_same_file_again_changes_nothing(world) -> None:
    assert _run(world, GOOD_CSV).applied
    again = _run(world, GOOD_CSV, dry_run=True)
    assert again.ok and again.changed == 0


def test_a_changed_term_date_is_an_update(world) -> None:
    _run(world, GOOD_CSV)
    rows = [GOOD_ROWS[0].replace("2026-12-18", "2026-12-17"), *GOOD_ROWS[1:]]
    preview = _run(world, csv_of(*rows), dry_run=True)
    assert preview.counts["update"] == 1
    [change] = [c for c in preview.changes if c.action == "update"]
    assert change.fields == {"End": ("18/12/2026", "17/12/2026")}


def test_overlapping_terms_are_refused_by_line_and_column_and_nothing_is_written(world) -> None:
    content = csv_of(GOOD_ROWS[0], "Term,Second autumn,2026-12-01,2026-12-22,2026/27")
    outcome = _run(world, content)
    assert not outcome.applied
    assert [str(e) for e in outcome.errors] == [
        "line 3, column Start: this term overlaps 'Autumn term' on line 2 "
        "(03/09/2026 to 18/12/2026)"
    ]
    assert _nothing_written(world)


def test_a_term_overlapping_one_already_recorded_is_refused(world) -> None:
    _run(world, GOOD_CSV)
    outcome = _run(world, csv_of("Term,Winter term,2027-03-20,2027-04-02,2026/27"))
    assert not outcome.applied
    assert "overlaps the term 'Spring term' already recorded" in str(outcome.errors[0])
    assert outcome.errors[0].line == 2 and outcome.errors[0].column == "Start"
    assert not Term.objects.filter(name="Winter term").exists()


def test_dates_outside_the_academic_year_are_refused(world) -> None:
    outcome = _run(world, csv_of("Term,Summer term,2027-04-12,2027-09-04,2026/27"))
    assert [str(e) for e in outcome.errors] == [
        "line 2, column End: 04/09/2027 is outside the academic year 2026/27 "
        "(01/09/2026 to 31/08/2027)"
    ]
    assert _nothing_written(world)


def test_a_closure_on_a_weekend_is_refused(world) -> None:
    outcome = _run(world, csv_of(GOOD_ROWS[0], "INSET,INSET day,2026-10-03,,2026/27"))
    assert [str(e) for e in outcome.errors] == [
        "line 3, column Start: 03/10/2026 is a Saturday: a closure starts and ends on a weekday "
        "(weekends are never school days)",
        "line 3, column End: 03/10/2026 is a Saturday: a closure starts and ends on a weekday "
        "(weekends are never school days)",
    ]
    assert _nothing_written(world)


def test_every_bad_row_is_reported_at_once(world) -> None:
    content = csv_of(
        "Term,Autumn term,2026-09-03,2026-12-18,2026/27",
        "Fortnight,Mystery,2026-10-01,,2026/27",
        "Term,Spring term,31/02/2027,2027-03-26,2026/27",
        "Holiday,Half term,2026-10-26,2026-10-19,2026/27",
        "Term,Summer term,2027-04-12,2027-07-21,2026-2028",
    )
    outcome = _run(world, content)
    assert [(e.line, e.column) for e in outcome.errors] == [
        (3, "Type"),
        (4, "Start"),
        (5, "End"),
        (6, "Academic year"),
    ]
    assert _nothing_written(world)


def test_the_type_may_be_left_to_the_name(world) -> None:
    outcome = _run(
        world,
        b"Type,Name,Start,End\n,Autumn term,2026-09-03,2026-12-18\n"
        b",Autumn half term,2026-10-26,2026-10-30\n",
    )
    assert outcome.applied
    assert Term.objects.get(academic_year__school=world.school).name == "Autumn term"
    assert Closure.objects.filter(school=world.school, kind="holiday").count() == 5


def test_an_icalendar_file_is_imported_with_its_exclusive_end_dates(world) -> None:
    outcome = TermDateImporter(school=world.school, actor=None, filename="la.ics").run(GOOD_ICS)
    assert outcome.applied, outcome.errors
    autumn = Term.objects.get(academic_year__school=world.school, name="Autumn term")
    assert (autumn.start, autumn.end) == (D(2026, 9, 3), D(2026, 12, 18))
    days = list(Closure.objects.filter(school=world.school).values_list("date", flat=True))
    assert days == [D(2026, 10, d) for d in range(26, 31)]


def test_an_icalendar_error_names_the_line_of_the_property(world) -> None:
    content = ics_of(
        ("Term", "Autumn term", "20260903", "20261219"),
        ("INSET", "INSET day", "20261003", "20261004"),
    )
    outcome = TermDateImporter(school=world.school, actor=None).run(content)
    assert not outcome.applied
    lines = content.decode().splitlines()
    first = outcome.errors[0]
    assert first.column == "DTSTART"
    assert lines[first.line - 1] == "DTSTART;VALUE=DATE:20261003"
    assert "Saturday" in first.reason
    assert _nothing_written(world)


def test_a_file_that_is_neither_csv_with_the_columns_nor_a_calendar_is_refused(world) -> None:
    outcome = _run(world, b"Term name,From,To\nAutumn,2026-09-03,2026-12-18\n")
    assert outcome.errors and outcome.errors[0].line == 1
    assert "missing" in str(outcome.errors[0]).lower()
