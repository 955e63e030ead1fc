"""The staff import: people and roles upserted by e-mail, role changes audited."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from pastoral.access import scope_for
from pastoral.accounts import services
from pastoral.imports.staff import REQUESTED, StaffImporter
from pastoral.models import AuditEvent, Membership, Role, RoleRequest, User
from tests.conftest import World
from tests.factories import UserFactory, member
from tests.pastoral.importdata import staff_csv


def row(email: str, name: str, roles: str = "", title: str = "", years: str = "") -> dict[str, str]:
    return {
        "Email": email,
        "Full Name": name,
        "Job Title": title,
        "Roles": roles,
        "HoY Year Groups": years,
    }


def run(world: World, data: bytes, *, dry_run: bool = False) -> Any:
    return StaffImporter(school=world.school, actor=world.user("admin"), filename="s.csv").run(
        data, dry_run=dry_run
    )


def roles_of(world: World, email: str) -> set[str]:
    return set(
        Membership.objects.filter(school=world.school, user__email=email).values_list(
            "role", flat=True
        )
    )


def approve_all(world: World) -> None:
    """The school's DSL approves every role the import asked for (ACCESS.md:
    a role that widens case access takes effect only then)."""
    scope = scope_for(world.user("dsl"), world.school)
    for request in RoleRequest.objects.filter(
        school=world.school, status=RoleRequest.Status.PENDING
    ):
        services.role_request_approve(
            scope=scope, role_request=request, seconds_since_second_factor=0
        )


GOOD = [
    row("Pat.Pastoral@School.test", "Pat Pastoral", "support", "Learning mentor"),
    row("hana@school.test", "Hana Hoy", "hoy; dsl", "Head of Year 9", "9"),
    row("tom@school.test", "Tom Teacher", "", "Teacher of maths"),
]


def test_it_creates_staff_with_roles_and_audits_each_role(world: World) -> None:
    outcome = run(world, staff_csv(GOOD))
    assert outcome.applied, outcome.errors
    assert outcome.counts == {"create": 3, "update": 0, "unchanged": 0}
    pat = User.objects.get(email="pat.pastoral@school.test")
    assert (pat.full_name, pat.job_title) == ("Pat Pastoral", "Learning mentor")
    assert not pat.has_usable_password()
    # Roles that reach case data are asked for, not given, until a DSL approves.
    assert roles_of(world, "pat.pastoral@school.test") == {"staff"}
    asked = RoleRequest.objects.filter(school=world.school, requested_by=world.user("admin"))
    assert {(r.user.email, r.role) for r in asked} == {
        ("pat.pastoral@school.test", "support"),
        ("hana@school.test", "hoy"),
        ("hana@school.test", "dsl"),
    }
    approve_all(world)
    assert roles_of(world, "pat.pastoral@school.test") == {"staff", "support"}
    assert roles_of(world, "tom@school.test") == {"staff"}
    hana = User.objects.get(email="hana@school.test")
    scope = scope_for(hana, world.school)
    assert scope is not None and scope.roles == {"staff", "hoy", "dsl"}
    assert scope.year_group_ids == {world.year9.pk}
    created = AuditEvent.objects.filter(action="pastoral.membership.created")
    assert created.count() == 6  # 3 × staff, support, hoy, dsl
    assert {e.changes["role"] for e in created} == {"staff", "support", "hoy", "dsl"}
    summary = AuditEvent.objects.get(action="pastoral.import.staff")
    assert summary.changes["created"] == 3 and summary.changes["roles_added"] == 6


def test_a_re_run_changes_nothing(world: World) -> None:
    run(world, staff_csv(GOOD))
    events = AuditEvent.objects.filter(action__startswith="pastoral.membership").count()
    outcome = run(world, staff_csv(GOOD))
    assert outcome.counts == {"create": 0, "update": 0, "unchanged": 3}
    assert AuditEvent.objects.filter(action__startswith="pastoral.membership").count() == events
    assert RoleRequest.objects.filter(status=RoleRequest.Status.PENDING).count() == 3
    approve_all(world)
    assert run(world, staff_csv(GOOD)).counts == {"create": 0, "update": 0, "unchanged": 3}


def test_roles_not_listed_are_removed_and_audited(world: World) -> None:
    run(world, staff_csv(GOOD))
    approve_all(world)
    changed = [
        row("pat.pastoral@school.test", "Pat Pastoral", "senco", "SENCO"),
        row("hana@school.test", "Hana Hoy", "hoy", "Head of Year 10", "10"),
    ]
    preview = run(world, staff_csv(changed), dry_run=True)
    pat = next(c for c in preview.changes if c.key == "pat.pastoral@school.test")
    assert pat.fields["Role: SENCO"] == ("", REQUESTED)
    assert pat.fields["Role: Support officer"] == ("held", "removed")
    assert pat.fields["Job title"] == ("Learning mentor", "SENCO")
    hana = next(c for c in preview.changes if c.key == "hana@school.test")
    assert hana.fields["Head of year for"] == ("Year 9", "Year 10")
    assert roles_of(world, "pat.pastoral@school.test") == {"staff", "support"}  # dry run

    assert run(world, staff_csv(changed)).applied
    # Taken away at once; added (SENCO, Year 10) only once a DSL approves.
    assert roles_of(world, "pat.pastoral@school.test") == {"staff"}
    hana_scope = scope_for(User.objects.get(email="hana@school.test"), world.school)
    assert hana_scope is not None and hana_scope.year_group_ids == frozenset()
    approve_all(world)
    assert roles_of(world, "pat.pastoral@school.test") == {"staff", "senco"}
    assert roles_of(world, "hana@school.test") == {"staff", "hoy"}
    deleted = AuditEvent.objects.filter(action="pastoral.membership.deleted")
    assert {(e.changes["user"], e.changes["role"]) for e in deleted} == {
        ("pat.pastoral@school.test", "support"),
        ("hana@school.test", "dsl"),
    }
    scope = scope_for(User.objects.get(email="hana@school.test"), world.school)
    assert scope is not None and scope.year_group_ids == {world.year10.pk}
    assert AuditEvent.objects.filter(action="pastoral.membership.updated").exists()


def test_an_administrator_cannot_remove_their_own_admin_role(world: World) -> None:
    admin = world.user("admin")
    outcome = run(world, staff_csv([row(admin.email, admin.full_name, "senco")]))
    assert not outcome.applied
    ((line, column, reason),) = [(e.line, e.column, e.reason) for e in outcome.errors]
    assert (line, column) == (2, "Roles") and "your own administrator role" in reason
    assert roles_of(world, admin.email) == {"staff", "admin"}


def test_people_working_in_another_school_keep_their_name(world: World) -> None:
    elsewhere = member(UserFactory(full_name="Kept Name"), world.other_school)
    outcome = run(world, staff_csv([row(elsewhere.email, "Renamed", "support")]))
    assert outcome.applied
    elsewhere.refresh_from_db()
    assert elsewhere.full_name == "Kept Name"
    assert roles_of(world, elsewhere.email) == {"staff"}
    approve_all(world)
    assert roles_of(world, elsewhere.email) == {"staff", "support"}


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"Roles": "teacher"}, "Roles", "not a role"),
        ({"Email": "not-an-email"}, "Email", "not an e-mail address"),
        ({"Full Name": ""}, "Full Name", "is required"),
        ({"Roles": "hoy"}, "HoY Year Groups", "needs their year group"),
        ({"Roles": "support", "HoY Year Groups": "9"}, "HoY Year Groups", "only a head of year"),
        ({"Roles": "hoy", "HoY Year Groups": "13"}, "HoY Year Groups", "not a year group"),
        ({"Full Name": "=cmd|' /C calc'!A0"}, "Full Name", "formula"),
    ],
)
def test_bad_rows_are_reported_and_nothing_changes(
    world: World, cells: dict[str, str], column: str, reason: str
) -> None:
    bad = {**row("new@school.test", "New Person", "support"), **cells}
    users = User.objects.count()
    outcome = run(world, staff_csv([GOOD[0], bad]))
    assert not outcome.applied
    assert [(e.line, e.column) for e in outcome.errors] == [(3, column)], outcome.errors
    assert reason in outcome.errors[0].reason
    assert User.objects.count() == users
    assert not Membership.objects.filter(user__email="pat.pastoral@school.test").exists()


def test_a_repeated_e_mail_is_reported(world: World) -> None:
    outcome = run(world, staff_csv([GOOD[0], row("PAT.pastoral@school.test", "Pat Again")]))
    assert [(e.line, e.column) for e in outcome.errors] == [(3, "Email")]
    assert "first on line 2" in outcome.errors[0].reason


def test_the_command_imports_staff(world: World, tmp_path: Path) -> None:
    path = tmp_path / "staff.csv"
    path.write_bytes(staff_csv(GOOD))
    out = io.StringIO()
    call_command("import_staff", str(path), "--school", world.school.urn, stdout=out)
    assert "3 created" in out.getvalue()
    # Run on the server: the requests are the system's, still for a DSL to approve.
    assert Membership.objects.filter(school=world.school, role=Role.SUPPORT).count() == 1
    assert RoleRequest.objects.filter(requested_by=None, role=Role.SUPPORT).count() == 1
