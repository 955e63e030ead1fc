"""The provision pages, as the people using them would notice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from pastoral.models import AuditEvent
from provision.models import Placement
from tests.conftest import sign_in
from tests.exports.helpers import read_csv
from tests.provision.factories import PDF, make_placement, make_provider, placement_form


@pytest.mark.parametrize("count", [2, 30])
def test_the_placement_list_costs_the_same_queries_whatever_its_length(
    world: Any, client: Any, django_assert_num_queries: Any, count: int
) -> None:
    senco = world.user("senco")
    provider = make_provider(world.school, recorded_by=senco)
    for i in range(count):
        make_placement(world.learner9 if i % 2 else world.learner10, provider, senco)
    sign_in(client, senco, school=world.school)
    url = reverse("provision:placement-list")
    client.get(url)
    # session and user, count, page, the audit's insert
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200
    assert response.text.count("Riverside Learning Centre") == min(count, 25)


def test_the_placement_list_exports_what_the_person_may_see(world: Any, client: Any) -> None:
    senco = world.user("senco")
    provider = make_provider(world.school, recorded_by=senco)
    make_placement(world.learner9, provider, senco)
    make_placement(world.learner10, provider, senco)
    sign_in(client, world.user("support"), school=world.school)
    rows = read_csv(client.get(f"{reverse('provision:placement-list')}?export=csv"))
    assert [r[1] for r in rows[1:]] == [world.learner9.display_name]
    assert AuditEvent.objects.filter(action="provision.placements.exported").exists()


def test_an_invalid_provider_answers_422_with_the_reason_beside_the_field(
    world: Any, client: Any
) -> None:
    sign_in(client, world.user("admin"), school=world.school)
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("provision:provider-create"),
        {"name": "Hillside", "registration": "ap", "urn": "12", "phone": "01632 960000"},
    )
    assert response.status_code == 422
    assert "A URN is 6 digits" in response.text
    assert AuditEvent.objects.count() == before


def test_a_placement_cannot_start_until_the_confirmation_is_recorded_then_where_answers_it(
    world: Any, client: Any
) -> None:
    provider = make_provider(world.school, "Hillside Farm School", confirmed="missing")
    hoy = world.user("hoy")
    sign_in(client, hoy, school=world.school)
    create = reverse("provision:placement-create", args=[world.learner9.pk])
    today = timezone.localdate()
    every = [f"{d}-{h}" for d in ("MON", "TUE", "WED", "THU", "FRI") for h in ("AM", "PM")]
    data = placement_form(provider, start=today.isoformat(), sessions=every, action="start")
    refused = client.post(create, data)
    assert refused.status_code == 422
    assert "no written confirmation of safer-recruitment checks" in refused.text
    assert not Placement.objects.exists()

    saved = client.post(create, {**data, "action": "draft"})
    assert saved.status_code == 302
    placement = Placement.objects.get()
    assert placement.status == Placement.Status.DRAFT
    start = reverse("provision:placement-start", args=[placement.pk])
    refused = client.post(start)
    assert refused.status_code == 422 and "Hillside Farm School has no written" in refused.text

    sign_in(client, world.user("admin"), school=world.school)
    recorded = client.post(
        reverse("provision:confirmation-create", args=[provider.pk]),
        {
            "confirmed_by": "Hal Hill, head of centre",
            "confirmed_on": today.isoformat(),
            "expires_on": (today + dt.timedelta(days=365)).isoformat(),
            "letter": SimpleUploadedFile("letter.pdf", PDF),
        },
    )
    assert recorded.status_code == 302
    detail = client.get(reverse("provision:provider-detail", args=[provider.pk]))
    assert "letter.pdf" in detail.text and "valid until" in detail.text

    sign_in(client, hoy, school=world.school)
    assert client.post(start).status_code == 302
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE
    weekday = today if today.weekday() < 5 else today + dt.timedelta(days=7 - today.weekday())
    where = client.get(
        f"{reverse('provision:where', args=[world.learner9.pk])}?date={weekday.isoformat()}&session=AM"
    )
    assert "At Hillside Farm School" in where.text and "01632 960123" in where.text


def test_the_admin_keeps_the_directory_but_sees_no_placement(world: Any, client: Any) -> None:
    senco = world.user("senco")
    provider = make_provider(world.school, recorded_by=senco)
    make_placement(world.learner9, provider, senco)
    sign_in(client, world.user("admin"), school=world.school)
    page = client.get(reverse("provision:provider-detail", args=[provider.pk]))
    assert page.status_code == 200
    assert world.learner9.legal_last_name not in page.text
    assert client.get(reverse("provision:placement-list")).status_code == 404
