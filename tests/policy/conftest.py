"""The policy world, built once per module inside a transaction that is rolled
back at the end (each test still runs in its own savepoint via `db`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings

from tests.policy.crawl import export_as_dsl, subject_access_in_the_world, world_pks
from tests.policy.world import PolicyWorld, build


@pytest.fixture(scope="module")
def policy_world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Any:
    import tests.hooks  # noqa: F401  (registers the caseload world hook)
    from pastoral.notifications import tasks

    private = tmp_path_factory.mktemp("policy-private")
    with (
        override_settings(
            PRIVATE_STORAGE_ROOT=private,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        mail.outbox = []
        world: PolicyWorld = build()
        world.private_root = private
        world.dsl_exports = export_as_dsl(world)
        subject_access_in_the_world(world)
        # The e-mails the school's people would get: urgent ones at once, then
        # the reminders and the digests of whatever is due.
        tasks.send_urgent_emails()
        tasks.run_reminders()
        tasks.send_digests()
        world.emails = list(mail.outbox)
        world.pks = world_pks(world)
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def pw(policy_world: PolicyWorld, db: Any, settings: Any) -> PolicyWorld:
    settings.PRIVATE_STORAGE_ROOT = policy_world.private_root
    return policy_world
