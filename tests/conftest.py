"""Shared fixtures: one small school with a person in every role.

`world` is the three-personas idea from healthchecks, widened to ACCESS.md's
six roles: in-scope and out-of-scope learners, and a second school that
nobody here works in. Sign in with `sign_in(client, user)`: it also satisfies
the second factor, as a real sign-in would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from pastoral.models import Learner, Role, School, User, YearGroup
from tests.factories import (
    LearnerFactory,
    RegGroupFactory,
    SchoolFactory,
    UserFactory,
    YearGroupFactory,
    member,
)

ROLES = ["staff", "support", "hoy", "senco", "dsl", "admin"]


def _flush_as_superuser() -> None:
    """The suite empties the database between transactional tests (browser
    journeys) with TRUNCATE, which the audit tables refuse on PostgreSQL
    (migration 0006). The suite runs as a superuser, so its flush does what
    only a superuser can: run with triggers off (session_replication_role),
    for that one transaction."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    plain = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: Any, sql_list: list[str]) -> None:
        plain(self, ["SET LOCAL session_replication_role = replica", *sql_list])

    DatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]


_flush_as_superuser()


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Tests of PostgreSQL's own behaviour (marked `postgres`) are deselected,
    not skipped, when the suite runs on SQLite: they do not exist there."""
    import os

    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    kept = [item for item in items if item.get_closest_marker("postgres") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = True


def sign_in(client: Client, user: User, *, school: School | None = None) -> Client:
    """Sign the user in with a verified second factor (as after a real TOTP check)."""
    from tests.auth import verified_login

    verified_login(client, user)
    if school is not None:
        session = client.session
        session["pastoral_school_id"] = school.pk
        session.save()
    return client


@dataclass
class World:
    school: School
    other_school: School
    year9: YearGroup
    year10: YearGroup
    # learner9 is in the head of year's years and on the support officer's caseload;
    # learner10 is in neither; other_learner is in another school.
    learner9: Learner
    learner10: Learner
    other_learner: Learner
    users: dict[str, User] = field(default_factory=dict)
    outsider: User | None = None

    def user(self, role: str) -> User:
        return self.users[role]


def build_world() -> World:
    school = SchoolFactory(name="Oakfield Test School")
    other_school = SchoolFactory(name="Elsewhere School")
    year9 = YearGroupFactory(school=school, number=9)
    year10 = YearGroupFactory(school=school, number=10)
    rg9 = RegGroupFactory(year_group=year9, name="9A")
    learner9 = LearnerFactory(
        year_group=year9, reg_group=rg9, legal_first_name="Nina", legal_last_name="Nine"
    )
    learner10 = LearnerFactory(year_group=year10, legal_first_name="Tess", legal_last_name="Ten")
    other_learner = LearnerFactory(
        year_group=YearGroupFactory(school=other_school, number=9),
        legal_first_name="Oscar",
        legal_last_name="Other",
    )
    users = {
        "staff": member(UserFactory(full_name="Sally Staff"), school),
        "support": member(UserFactory(full_name="Kim Keyworker"), school, Role.SUPPORT),
        "hoy": member(UserFactory(full_name="Harry Hoy"), school, Role.HEAD_OF_YEAR, years=[year9]),
        "senco": member(UserFactory(full_name="Sena Senco"), school, Role.SENCO),
        "dsl": member(UserFactory(full_name="Della Dsl"), school, Role.DSL),
        "admin": member(UserFactory(full_name="Adam Admin"), school, Role.ADMIN),
    }
    outsider = member(UserFactory(full_name="Olive Outsider"), other_school, Role.DSL)
    world = World(
        school=school,
        other_school=other_school,
        year9=year9,
        year10=year10,
        learner9=learner9,
        learner10=learner10,
        other_learner=other_learner,
        users=users,
        outsider=outsider,
    )
    for hook in WORLD_HOOKS:
        hook(world)
    return world


# Apps that add scope to the world (the caseload app puts learner9 on the
# support officer's caseload) append a function here from tests/<app>/__init__.py.
WORLD_HOOKS: list = []


@pytest.fixture
def world(db: Any) -> World:
    import tests.hooks  # noqa: F401  (registers app hooks)

    return build_world()
