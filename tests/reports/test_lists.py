"""The lists of the reports app: pinned query counts that do not grow with rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pastoral.reports.models import CPFileTransfer, ImportedBundle, ImportedEntry
from tests.conftest import sign_in
from tests.factories import LearnerFactory


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _pinned(client: Any, url: str, add_rows: Callable[[], None], assert_num: Any) -> None:
    client.get(url)  # warm caches (content types, sessions)
    few = _queries(client, url)
    add_rows()
    with assert_num(few):
        client.get(url)


def _transfer(world: Any, learner: Any, confirmed: bool = False) -> CPFileTransfer:
    sent = timezone.now() - dt.timedelta(days=3)
    return CPFileTransfer.objects.create(
        school=world.school,
        learner=learner,
        receiving_school="Riverside Academy",
        method="email",
        sent_at=sent,
        sent_by=world.user("dsl"),
        receipt_confirmed_at=sent + dt.timedelta(days=1) if confirmed else None,
        receipt_confirmed_by="Rita" if confirmed else "",
        receipt_recorded_by=world.user("dsl") if confirmed else None,
    )


def test_the_cp_transfer_list_shows_unconfirmed_first_in_constant_queries(
    world: Any, client: Any, django_assert_num_queries: Any
) -> None:
    sign_in(client, world.user("dsl"), school=world.school)
    url = reverse("reports:cp-transfer-list")
    _transfer(world, world.learner9, confirmed=True)
    _transfer(world, world.learner10)

    def more() -> None:
        for _ in range(6):
            _transfer(world, LearnerFactory(year_group=world.year9), confirmed=True)

    _pinned(client, url, more, django_assert_num_queries)
    content = client.get(url).content.decode()
    assert content.index("Not confirmed") < content.index("Confirmed by Rita")


def test_the_imported_records_page_in_constant_queries(
    world: Any, client: Any, django_assert_num_queries: Any
) -> None:
    bundle = ImportedBundle.objects.create(
        school=world.school,
        learner=world.learner9,
        origin_school="Hill School",
        origin_urn="100001",
        origin_exported_at=timezone.now(),
        schema_version="1.0",
        sha256="a" * 64,
        imported_by=world.user("dsl"),
    )

    def entry(i: int, level: str = "pastoral") -> ImportedEntry:
        return ImportedEntry(
            bundle=bundle,
            learner=world.learner9,
            kind="concern",
            level=level,
            occurred_at=timezone.now() - dt.timedelta(days=i),
            title=f"Old concern {i}",
            origin_ref=f"concern:{i}",
        )

    ImportedEntry.objects.bulk_create([entry(0), entry(1, "restricted")])
    sign_in(client, world.user("dsl"), school=world.school)
    url = reverse("reports:imported-records", args=[world.learner9.pk])
    _pinned(
        client,
        url,
        lambda: ImportedEntry.objects.bulk_create([entry(i) for i in range(2, 12)]),
        django_assert_num_queries,
    )
    assert b"Imported from Hill School, URN 100001" in client.get(url).content
