"""Every list exports the rows its page shows (same filters, same scope), as CSV
and XLSX, with formula-like cells neutralised and one audit event per export."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pastoral.models import AuditEvent
from tests.attendance.helpers import calendar, marks
from tests.caseload.factories import allocate, make_group, make_plan
from tests.conftest import World, sign_in
from tests.exports.helpers import column, read, read_csv, read_xlsx
from tests.factories import LearnerFactory, RegGroupFactory
from tests.safeguarding.helpers import log_concern

FORMATS = ["csv", "xlsx"]
NASTY = ['=HYPERLINK("http://evil")', "+44 1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def exported(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).get()


def page_names(response: Any, attr: str = "display_name") -> list[str]:
    return [getattr(row, attr) for row in response.context["page"].object_list]


@pytest.fixture
def year9_class(world: World) -> list[Any]:
    """Five more learners in Year 9 (one named like a formula), three in Year 10."""
    rg = RegGroupFactory(year_group=world.year9, name="9B")
    nine = [
        LearnerFactory(year_group=world.year9, reg_group=rg, legal_last_name=f"Ninth{i}")
        for i in range(4)
    ]
    nine.append(
        LearnerFactory(year_group=world.year9, legal_last_name=NASTY[0], legal_first_name=NASTY[3])
    )
    for i in range(3):
        LearnerFactory(year_group=world.year10, legal_last_name=f"Tenth{i}")
    return nine


# --- the learner list -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_learner_list_exports_the_rows_of_its_filter(
    client: Client, world: World, year9_class: list[Any], fmt: str
) -> None:
    sign_in(client, world.user("senco"))
    url = reverse("pastoral:learner-list")
    page = client.get(url, {"year_group": world.year9.pk})
    response = client.get(url, {"year_group": world.year9.pk, "export": fmt})
    rows = read(response, fmt)
    assert rows[0] == ["Last name", "First name", "UPN", "Year", "Reg group", "Flags"]
    on_page = [(lr.last_name, lr.upn) for lr in page.context["page"].object_list]
    assert len(on_page) == 6
    in_file = list(zip(column(rows, "Last name"), column(rows, "UPN"), strict=True))
    # The same learners in the same order; the formula-like name neutralised.
    assert in_file == [("'" + last if last.startswith("=") else last, upn) for last, upn in on_page]
    assert set(column(rows, "Year")) == {"Year 9"}
    assert "'@SUM(A1)" in column(rows, "First name")
    event = exported("pastoral.learners.exported")
    assert event.actor == world.user("senco") and event.school == world.school
    assert event.changes == {"filters": {"year_group": "Year 9"}, "rows": 6, "format": fmt}


def test_directory_staff_export_directory_fields_only(
    client: Client, world: World, year9_class: list[Any]
) -> None:
    world.learner9.pupil_premium = True
    world.learner9.save()
    sign_in(client, world.user("staff"))
    rows = read_csv(client.get(reverse("pastoral:learner-list"), {"export": "csv"}))
    assert "Flags" not in rows[0]
    assert world.other_learner.upn not in str(rows)
    assert len(rows) - 1 == 10  # the school's learners, nobody else's
    # A case filter is not theirs to use, on the page or in the export.
    rows = read_csv(client.get(reverse("pastoral:learner-list"), {"export": "csv", "flag": "pp"}))
    assert len(rows) - 1 == 10


def test_flags_are_exported_only_for_learners_in_case_scope(client: Client, world: World) -> None:
    for learner in (world.learner9, world.learner10):
        learner.pupil_premium = True
        learner.save()
    sign_in(client, world.user("support"))
    rows = read_csv(client.get(reverse("pastoral:learner-list"), {"export": "csv"}))
    flags = dict(zip(column(rows, "UPN"), column(rows, "Flags"), strict=True))
    assert flags == {world.learner9.upn: "PP", world.learner10.upn: ""}


def test_every_cell_that_could_run_as_a_formula_is_neutralised(
    client: Client, world: World
) -> None:
    for i, text in enumerate(NASTY):
        LearnerFactory(year_group=world.year9, legal_last_name=text, legal_first_name=f"N{i}")
    sign_in(client, world.user("dsl"))
    url = reverse("pastoral:learner-list")
    for fmt in FORMATS:
        names = column(read(client.get(url, {"export": fmt, "q": "n"}), fmt), "Last name")
        nasty = [n for n in names if n.startswith("'")]
        assert sorted(nasty) == sorted("'" + t for t in NASTY)
        assert not any(str(n).startswith(("=", "+", "-", "@", "\t", "\r")) for n in names)


def test_an_unknown_format_is_refused_with_a_message_and_no_audit(
    client: Client, world: World
) -> None:
    sign_in(client, world.user("senco"))
    response = client.get(reverse("pastoral:learner-list"), {"export": "pdf"})
    assert response.status_code == 400
    assert "use csv or xlsx" in response.content.decode()
    assert not AuditEvent.objects.filter(action__endswith=".exported").exists()


def test_an_export_longer_than_a_page_streams_every_row_in_constant_queries(
    client: Client, world: World
) -> None:
    LearnerFactory.create_batch(130, year_group=world.year10)
    sign_in(client, world.user("hoy"))
    url = reverse("pastoral:learner-list")

    def queries(fmt: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"export": fmt})
            n = len(read(response, fmt)) - 1
        return n, len(ctx.captured_queries)

    queries("csv")  # the first request of a session warms its caches
    rows, csv_queries = queries("csv")
    assert rows == 132  # every page of the list, the other school's learner left out
    assert client.get(url, {"export": "csv"}).streaming
    LearnerFactory.create_batch(60, year_group=world.year10)
    more, more_queries = queries("csv")
    assert more == 192 and more_queries == csv_queries
    assert queries("xlsx") == (192, csv_queries)


# --- attendance ---------------------------------------------------------------------------


@pytest.fixture
def attendance(world: World) -> None:
    calendar(world.school)
    marks(world.learner9, "/" * 10 + "O" * 10)
    marks(world.learner10, "/" * 20)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_attendance_list_exports_the_page_rows_in_scope(
    client: Client, world: World, attendance: None, fmt: str
) -> None:
    query = {"start": "2025-11-01", "end": "2025-11-30"}
    sign_in(client, world.user("support"))
    url = reverse("attendance:learner-list")
    page = client.get(url, query)
    rows = read(client.get(url, {**query, "export": fmt}), fmt)
    assert column(rows, "Learner") == page_names(page) == [world.learner9.display_name]
    assert column(rows, "Attendance %") == ([50.0] if fmt == "xlsx" else ["50.0"])
    assert column(rows, "Flag") == ["Severe absence"]
    event = exported("attendance.learner_list.exported")
    assert event.changes["rows"] == 1 and event.changes["filters"]["start"] == "2025-11-01"


def test_a_flag_list_exports_its_own_rows(client: Client, world: World, attendance: None) -> None:
    query = {"start": "2025-11-01", "end": "2025-11-30", "flag": "pa"}
    sign_in(client, world.user("dsl"))
    url = reverse("attendance:learner-list")
    rows = read_csv(client.get(url, {**query, "export": "csv"}))
    assert column(rows, "Learner") == page_names(client.get(url, query))
    assert column(rows, "Learner") == [world.learner9.display_name]


def test_the_attendance_dashboard_exports_its_tables(
    client: Client, world: World, attendance: None
) -> None:
    query = {"start": "2025-11-01", "end": "2025-11-30"}
    sign_in(client, world.user("hoy"))
    rows = read_csv(client.get(reverse("attendance:dashboard"), {**query, "export": "csv"}))
    years = [r for r in rows[1:] if r[0] == "Year groups"]
    assert [(r[1], r[2], r[4]) for r in years] == [("Year 9", "1", "50.0")]  # the HoY's year
    assert exported("attendance.dashboard.exported").changes["rows"] == len(rows) - 1


@pytest.mark.parametrize(
    "url",
    ["attendance:learner-list", "attendance:dashboard", "caseload:mine", "caseload:board"],
)
@pytest.mark.parametrize("role", ["staff", "admin"])
def test_a_role_without_the_page_gets_404_for_its_export(
    client: Client, world: World, url: str, role: str
) -> None:
    sign_in(client, world.user(role))
    assert client.get(reverse(url), {"export": "csv"}).status_code == 404
    assert not AuditEvent.objects.filter(action__endswith=".exported").exists()


# --- caseload -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_caseload_board_exports_the_filtered_rows(
    client: Client, world: World, fmt: str
) -> None:
    allocate(world.learner10, world.user("support"))
    make_plan(world.learner10)
    sign_in(client, world.user("senco"))
    url = reverse("caseload:board")
    page = client.get(url, {"year": world.year10.pk})
    rows = read(client.get(url, {"year": world.year10.pk, "export": fmt}), fmt)
    assert column(rows, "Learner") == page_names(page) == [world.learner10.display_name]
    assert column(rows, "Lead key worker") == ["Kim Keyworker"]
    assert exported("caseload.board.exported").changes["filters"] == {"year": str(world.year10.pk)}


def test_the_board_export_keeps_to_a_head_of_years_years(client: Client, world: World) -> None:
    allocate(world.learner10, world.user("support"))
    sign_in(client, world.user("hoy"))
    rows = read_csv(client.get(reverse("caseload:board"), {"export": "csv"}))
    assert column(rows, "Learner") == [world.learner9.display_name]


def test_a_support_officer_exports_only_their_caseload(client: Client, world: World) -> None:
    allocate(world.learner10, world.user("senco"))
    sign_in(client, world.user("support"))
    url = reverse("caseload:mine")
    rows = read_xlsx(client.get(url, {"export": "xlsx"}))
    assert column(rows, "Learner") == page_names(client.get(url)) == [world.learner9.display_name]
    assert column(rows, "Role") == ["Lead"]
    assert exported("caseload.caseload.exported").changes["rows"] == 1


def test_interventions_and_a_groups_register_export(client: Client, world: World) -> None:
    group = make_group(world.user("support"), [world.learner9, world.learner10], name="=ELSA")
    sign_in(client, world.user("support"))
    rows = read_csv(client.get(reverse("caseload:intervention-list"), {"export": "csv"}))
    assert column(rows, "Name") == ["'=ELSA"] and column(rows, "Learners") == ["2"]
    url = reverse("caseload:intervention-detail", args=[group.pk])
    rows = read_csv(client.get(url, {"export": "csv"}))
    assert sorted(column(rows, "Learner")) == sorted(
        [world.learner9.display_name, world.learner10.display_name]
    )
    event = exported("caseload.intervention.exported")
    assert event.object_id == str(group.pk) and event.changes["rows"] == 2
    # Someone who does not run the group sees, and exports, the learners within reach.
    sign_in(client, world.user("hoy"))
    rows = read_csv(client.get(url, {"export": "csv"}))
    assert column(rows, "Learner") == [world.learner9.display_name]


# --- safeguarding and the audit trail ----------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_dsl_search_exports_its_results(client: Client, world: World, fmt: str) -> None:
    log_concern(world, learners=[world.learner9], description="=cmd|' /C calc'!A0 dad shouted")
    log_concern(world, learners=[world.learner10], description="fell over in the yard")
    sign_in(client, world.user("dsl"))
    url = reverse("safeguarding:concern-list")
    page = client.get(url, {"learner": "nina"})
    rows = read(client.get(url, {"learner": "nina", "export": fmt}), fmt)
    assert column(rows, "Ref") == page_names(page, "reference")
    assert len(column(rows, "Ref")) == 1
    assert column(rows, "Learner(s)") == [f"{world.learner9.display_name} (Year 9)"]
    assert exported("safeguarding.search.exported").changes["filters"] == {"learner": "nina"}


@pytest.mark.parametrize("role", ["staff", "support", "hoy", "senco", "admin"])
def test_only_a_dsl_exports_the_search(client: Client, world: World, role: str) -> None:
    sign_in(client, world.user(role))
    response = client.get(reverse("safeguarding:concern-list"), {"export": "csv"})
    assert response.status_code == 404


def test_the_audit_trail_exports_as_xlsx_through_the_same_helper(
    client: Client, world: World
) -> None:
    from pastoral import audit

    audit.record("pastoral.learner.viewed", actor=None, school=world.school, object_type="=SUM(1)")
    sign_in(client, world.user("dsl"))
    response = client.get(reverse("pastoral:audit-list"), {"action": "pastoral.", "export": "xlsx"})
    rows = read_xlsx(response)
    assert column(rows, "record type") == ["'=SUM(1)"]
    assert exported("pastoral.audit.exported").changes == {
        "filters": {"action": "pastoral."},
        "rows": 1,
        "format": "xlsx",
    }
