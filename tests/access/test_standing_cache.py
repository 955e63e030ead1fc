"""The person's standing (schools, roles, years, second factor) is looked up once
and reused, and every change to what it was built from takes effect on the very
next request (pastoral/standing.py)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from pastoral.models import Membership, Role, User
from tests.conftest import sign_in


def _queries_naming(client: Any, url: str, table: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return sum(table in q["sql"] for q in ctx.captured_queries)


def test_a_second_request_asks_the_database_for_neither_roles_nor_device(
    world: Any, client: Any
) -> None:
    sign_in(client, world.user("hoy"), school=world.school)
    client.get("/")
    assert _queries_naming(client, "/", "pastoral_membership") == 0
    assert _queries_naming(client, "/", "otp_totp_totpdevice") == 0


def test_a_role_granted_mid_session_opens_its_pages_at_the_next_request(
    world: Any, client: Any
) -> None:
    staff = world.user("staff")
    sign_in(client, staff, school=world.school)
    inbox = reverse("safeguarding:inbox")
    assert client.get(inbox).status_code == 404
    Membership.objects.create(user=staff, school=world.school, role=Role.DSL)
    assert client.get(inbox).status_code == 200


def test_a_role_removed_mid_session_closes_its_pages_at_the_next_request(
    world: Any, client: Any
) -> None:
    dsl = world.user("dsl")
    sign_in(client, dsl, school=world.school)
    inbox = reverse("safeguarding:inbox")
    assert client.get(inbox).status_code == 200
    Membership.objects.filter(user=dsl, role__in=[Role.DSL, Role.DEPUTY_DSL]).delete()
    assert client.get(inbox).status_code == 404


def test_a_head_of_years_changed_years_take_effect_at_once(world: Any, client: Any) -> None:
    hoy = world.user("hoy")
    sign_in(client, hoy, school=world.school)
    url = reverse("pastoral:learner-detail", args=[world.learner10.pk])
    page = reverse("caseload:profile", args=[world.learner10.pk])
    assert client.get(url).status_code == 200  # the directory card: every member
    assert client.get(page).status_code == 404  # learner10 is outside their years
    membership = Membership.objects.get(user=hoy, school=world.school, role=Role.HEAD_OF_YEAR)
    membership.year_groups.add(world.year10)
    assert client.get(page).status_code == 200
    membership.year_groups.remove(world.year10)
    assert client.get(page).status_code == 404


def test_a_removed_authenticator_ends_the_verified_session_at_the_next_request(
    world: Any, client: Any
) -> None:
    dsl = world.user("dsl")
    sign_in(client, dsl, school=world.school)
    inbox = reverse("safeguarding:inbox")
    assert client.get(inbox).status_code == 200
    TOTPDevice.objects.filter(user=dsl).delete()
    response = client.get(inbox)
    assert response.status_code == 302
    assert "/accounts/two-factor/" in response["Location"]


def test_a_stale_copy_of_the_user_saved_later_cannot_revive_old_roles(
    world: Any, client: Any
) -> None:
    dsl = world.user("dsl")
    stale = User.objects.get(pk=dsl.pk)  # loaded before the role is taken away
    sign_in(client, dsl, school=world.school)
    inbox = reverse("safeguarding:inbox")
    client.get(inbox)
    Membership.objects.filter(user=dsl, role__in=[Role.DSL, Role.DEPUTY_DSL]).delete()
    stale.job_title = "Assistant head"
    stale.save()  # writes every field from the old instance
    assert client.get(inbox).status_code == 404


def test_a_change_to_the_school_reaches_every_member_at_once(world: Any, client: Any) -> None:
    sign_in(client, world.user("dsl"), school=world.school)
    client.get("/")
    world.school.name = "Renamed Academy"
    world.school.save()
    assert "Renamed Academy" in client.get("/").content.decode()
