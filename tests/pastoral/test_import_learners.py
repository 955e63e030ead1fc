"""The learner import (CLI and importer): good, bad, idempotent, dry run, all-or-nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from pastoral.imports.learners import LearnerImporter
from pastoral.models import AuditEvent, Learner, RegGroup
from tests.conftest import World
from tests.pastoral.importdata import LEARNER_HEADER, learner_row, learners_csv, to_csv, upn


def run(world: World, data: bytes, *, dry_run: bool = False) -> Any:
    return LearnerImporter(school=world.school, actor=world.user("admin"), filename="t.csv").run(
        data, dry_run=dry_run
    )


def snapshot(world: World) -> list[tuple[Any, ...]]:
    return list(
        Learner.objects.filter(school=world.school)
        .order_by("upn")
        .values_list(
            "upn",
            "legal_first_name",
            "legal_last_name",
            "date_of_birth",
            "year_group_id",
            "reg_group_id",
            "sen_status",
            "pupil_premium",
        )
    )


def import_events() -> int:
    return AuditEvent.objects.filter(action="pastoral.import.learners").count()


def assert_refused(world: World, data: bytes) -> list[Any]:
    """The file is refused as a whole: errors returned, nothing written."""
    before = snapshot(world)
    events = import_events()
    outcome = run(world, data)
    assert not outcome.applied
    assert outcome.errors
    assert snapshot(world) == before
    assert import_events() == events
    return outcome.errors


def test_it_creates_learners_from_a_good_file(world: World) -> None:
    outcome = run(world, learners_csv(3))
    assert outcome.applied and not outcome.errors
    assert outcome.counts == {"create": 3, "update": 0, "unchanged": 0}
    learner = Learner.objects.get(school=world.school, upn=upn(2))
    assert (learner.legal_first_name, learner.legal_last_name) == ("Ada2", "Lovelace2")
    assert learner.date_of_birth.isoformat() == "2012-03-04"
    assert learner.year_group == world.year9
    assert learner.reg_group is not None and learner.reg_group.name == "9A"
    assert "ada2 lovelace2" in learner.search_text
    event = AuditEvent.objects.get(action="pastoral.import.learners")
    assert event.changes["created"] == 3 and event.changes["updated"] == 0
    assert event.actor == world.user("admin")


def test_it_accepts_a_byte_order_mark_and_loose_headers(world: World) -> None:
    rows = [learner_row(1)]
    header = [h.upper().replace(" ", "_") for h in LEARNER_HEADER]
    data = to_csv(
        [{h.upper().replace(" ", "_"): v for h, v in r.items()} for r in rows], header, bom=True
    )
    assert run(world, data).applied
    assert Learner.objects.filter(upn=upn(1)).exists()


def test_a_re_run_of_the_same_file_changes_nothing(world: World) -> None:
    data = learners_csv(3)
    run(world, data)
    before = snapshot(world)
    outcome = run(world, data)
    assert outcome.applied
    assert outcome.counts == {"create": 0, "update": 0, "unchanged": 3}
    assert outcome.changed == 0
    assert snapshot(world) == before


def test_it_updates_by_upn_with_field_level_changes(world: World) -> None:
    run(world, learners_csv(2))
    changed = to_csv(
        [
            learner_row(1, **{"Legal Last Name": "Byron", "Year Group": "10", "Reg Group": ""}),
            learner_row(2),
        ]
    )
    preview = run(world, changed, dry_run=True)
    update = next(c for c in preview.changes if c.action == "update")
    assert update.key == upn(1)
    assert update.fields["Legal last name"] == ("Lovelace1", "Byron")
    assert update.fields["Year group"] == ("Year 9", "Year 10")
    assert update.fields["Reg group"] == ("9A", "—")
    assert preview.counts == {"create": 0, "update": 1, "unchanged": 1}
    assert Learner.objects.get(upn=upn(1)).legal_last_name == "Lovelace1"  # dry run wrote nothing

    assert run(world, changed).applied
    learner = Learner.objects.get(upn=upn(1))
    assert (learner.legal_last_name, learner.year_group, learner.reg_group) == (
        "Byron",
        world.year10,
        None,
    )
    assert "byron" in learner.search_text


def test_the_preview_hides_case_fields_from_the_administrator(world: World) -> None:
    run(world, learners_csv(1))
    outcome = run(
        world, to_csv([learner_row(1, **{"CP Status": "CP", "SEN Status": "E"})]), dry_run=True
    )
    (change,) = outcome.changes
    assert change.fields["CP / CIN status"] == ("(not shown)", "(not shown)")
    assert change.fields["SEN status"] == ("(not shown)", "(not shown)")


def test_a_dry_run_changes_nothing(world: World) -> None:
    before = snapshot(world)
    outcome = run(world, learners_csv(5), dry_run=True)
    assert outcome.ok and not outcome.applied
    assert outcome.counts["create"] == 5
    assert snapshot(world) == before
    assert import_events() == 0


def test_an_absent_optional_column_leaves_the_field_alone(world: World) -> None:
    run(world, to_csv([learner_row(1, **{"SEN Status": "K", "Pupil Premium": "Y"})]))
    header = [h for h in LEARNER_HEADER if h not in ("SEN Status", "Pupil Premium")]
    outcome = run(world, to_csv([learner_row(1)], header))
    assert outcome.counts["unchanged"] == 1
    learner = Learner.objects.get(upn=upn(1))
    assert (learner.sen_status, learner.pupil_premium) == ("K", True)


def test_the_same_upn_in_another_school_is_another_learner(world: World) -> None:
    other = world.other_learner
    data = to_csv([learner_row(1, UPN=other.upn, **{"Reg Group": ""})])
    assert run(world, data).counts["create"] == 1
    other.refresh_from_db()
    assert other.legal_first_name == "Oscar"


def test_it_refuses_a_file_in_another_encoding(world: World) -> None:
    data = to_csv([learner_row(1), learner_row(2, **{"Legal First Name": "Zoë"})]).decode()
    (error,) = assert_refused(world, data.encode("cp1252"))
    assert error.line == 3
    assert "not UTF-8" in error.reason and "CSV UTF-8" in error.reason


def test_it_names_the_missing_columns(world: World) -> None:
    header = [h for h in LEARNER_HEADER if h not in ("Date of Birth", "Year Group")]
    (error,) = assert_refused(world, to_csv([learner_row(1)], header))
    assert error.line == 1
    assert "date_of_birth" in error.reason and "year_group" in error.reason


def test_it_reports_every_duplicate_upn(world: World) -> None:
    data = to_csv([learner_row(1), learner_row(2), learner_row(1, **{"Legal First Name": "Again"})])
    errors = assert_refused(world, data)
    assert [(e.line, e.column) for e in errors] == [(4, "UPN")]
    assert "first on line 2" in errors[0].reason


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("31/02/2012", "not a real date"),
        ("2012-13-01", "not a real date"),
        ("03/04/12", "not a date"),
        ("yesterday", "not a date"),
        ("01/01/2099", "in the future"),
    ],
)
def test_it_reports_bad_dates_by_line_and_column(world: World, value: str, reason: str) -> None:
    data = to_csv([learner_row(1), learner_row(2, **{"Date of Birth": value})])
    (error,) = assert_refused(world, data)
    assert (error.line, error.column) == (3, "Date of Birth")
    assert reason in error.reason


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("Year Group", "14", "not a year group of this school"),
        ("Year Group", "Year Six", "not a year group of this school"),
        ("Reg Group", "9" * 21, "too long for a registration group"),
        ("SEN Status", "S", "not a known SEN code"),
        ("Gender", "Q", "not a known gender"),
        ("Pupil Premium", "maybe", "not yes or no"),
        ("CP Status", "LAC", "not a known CP / CIN status"),
        ("UPN", "A823432114001", "check letter does not match"),
        ("UPN", "12345", "13 characters"),
        ("Legal Last Name", "", "is required"),
        ("Legal First Name", "x" * 101, "limit is 100"),
        ("Legal First Name", '=HYPERLINK("http://evil.example","Click")', "formula"),
        ("Legal Last Name", "-Smith", "formula"),
        ("Legal Last Name", "@SUM(A1)", "formula"),
        ("Preferred First Name", "+Ann", "formula"),
        ("Legal Last Name", "\tBrown", "tab"),
    ],
)
def test_it_reports_each_bad_cell_and_imports_nothing(
    world: World, column: str, value: str, reason: str
) -> None:
    data = to_csv([learner_row(1), learner_row(2, **{column: value}), learner_row(3)])
    errors = assert_refused(world, data)
    assert [(e.line, e.column) for e in errors] == [(3, column)], errors
    assert reason in errors[0].reason


def test_a_reg_group_must_belong_to_the_learners_year(world: World) -> None:
    RegGroup.objects.create(school=world.school, year_group=world.year10, name="10B")
    (error,) = assert_refused(world, to_csv([learner_row(1, **{"Reg Group": "10B"})]))
    assert (error.line, error.column) == (2, "Reg Group")
    assert "belongs to Year 10, not Year 9" in error.reason


def test_it_reports_every_bad_row_at_once(world: World) -> None:
    data = to_csv(
        [
            learner_row(1, **{"Year Group": "Year 15"}),
            learner_row(2),
            learner_row(3, **{"Date of Birth": "30/02/2013", "SEN Status": "Z"}),
        ]
    )
    errors = assert_refused(world, data)
    assert [(e.line, e.column) for e in errors] == [
        (2, "Year Group"),
        (4, "Date of Birth"),
        (4, "SEN Status"),
    ]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    world: World, tmp_path: Path, settings: Any
) -> None:
    assert settings.IMPORT_MAX_BYTES < 50 * 1024 * 1024
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.write(learners_csv(1))
        handle.truncate(50 * 1024 * 1024)  # a 50 MB file
    (error,) = assert_refused(world, path)  # type: ignore[arg-type]
    assert error.line is None
    assert "50.0 MB" in error.reason and "limit" in error.reason


def test_the_command_imports_and_reports_counts(world: World, tmp_path: Path) -> None:
    path = tmp_path / "learners.csv"
    path.write_bytes(learners_csv(2))
    out = io.StringIO()
    call_command(
        "import_learners", str(path), "--school", world.school.urn, "--dry-run", stdout=out
    )
    assert "would create 2, update 0 and leave 0 unchanged" in out.getvalue()
    assert not Learner.objects.filter(upn=upn(1)).exists()

    call_command("import_learners", str(path), "--school", world.school.urn, stdout=out)
    assert Learner.objects.filter(school=world.school, upn__in=[upn(1), upn(2)]).count() == 2
    out = io.StringIO()
    call_command("import_learners", str(path), "--school", world.school.urn, stdout=out)
    assert "0 created, 0 updated, 2 unchanged" in out.getvalue()


def test_the_command_lists_every_problem_and_fails(world: World, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(to_csv([learner_row(1, **{"Year Group": "6"}), learner_row(1)]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_learners", str(path), "--school", world.school.urn, stderr=err)
    assert "line 2, column Year Group: '6' is not a year group" in err.getvalue()
    assert "line 3, column UPN" in err.getvalue()
    assert not Learner.objects.filter(upn=upn(1)).exists()


def test_the_command_refuses_an_unknown_school(world: World, tmp_path: Path) -> None:
    path = tmp_path / "learners.csv"
    path.write_bytes(learners_csv(1))
    with pytest.raises(CommandError, match="No school with URN"):
        call_command("import_learners", str(path), "--school", "999999")


def test_a_new_schools_first_file_brings_its_year_and_registration_groups(
    world: World,
) -> None:
    from pastoral.models import YearGroup

    rows = [
        learner_row(1, **{"Year Group": "Year 11", "Reg Group": "11C"}),
        learner_row(2, **{"Year Group": "11", "Reg Group": "11C"}),
        learner_row(3, **{"Year Group": "Y12", "Reg Group": "12S"}),
        learner_row(4),  # Year 9 and 9A exist already
    ]
    preview = run(world, to_csv(rows), dry_run=True)
    assert not preview.errors
    first = next(c for c in preview.changes if c.key == upn(1))
    assert first.fields["Year group"] == ("", "Year 11 (new)")
    assert first.fields["Reg group"] == ("", "11C (new)")
    assert not YearGroup.objects.filter(school=world.school, number=11).exists()  # a preview

    outcome = run(world, to_csv(rows))
    assert outcome.applied
    year11 = YearGroup.objects.get(school=world.school, number=11)
    assert year11.name == "Year 11"
    group = RegGroup.objects.get(school=world.school, name="11C")
    assert group.year_group == year11
    learners = {x.upn: x for x in Learner.objects.filter(school=world.school)}
    assert learners[upn(1)].reg_group == group and learners[upn(2)].year_group == year11
    assert learners[upn(3)].year_group.name == "Year 12"
    assert learners[upn(4)].year_group == world.year9
    event = AuditEvent.objects.get(action="pastoral.import.learners")
    assert event.changes["year_groups_created"] == ["Year 11", "Year 12"]
    assert event.changes["reg_groups_created"] == ["11C", "12S"]
    # The same file again changes nothing.
    assert run(world, to_csv(rows)).counts == {"create": 0, "update": 0, "unchanged": 4}


def test_a_new_registration_group_named_in_two_years_is_refused(world: World) -> None:
    rows = [
        learner_row(1, **{"Year Group": "11", "Reg Group": "11C"}),
        learner_row(2, **{"Year Group": "12", "Reg Group": "11C"}),
    ]
    (error,) = assert_refused(world, to_csv(rows))
    assert (error.line, error.column) == (3, "Reg Group")
    assert "belongs to Year 11 (new), not Year 12" in error.reason
