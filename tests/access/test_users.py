"""The school administrator's users-and-roles screens."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pastoral.access import Cap, scope_for
from pastoral.models import AuditEvent, Membership, Role, User
from tests.conftest import sign_in
from tests.factories import TEST_PASSWORD, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(world: Any, client: Client) -> Client:
    sign_in(client, world.user("admin"))
    return client


def _last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-id").first()


def test_it_adds_a_person_who_can_then_sign_in(world: Any, admin: Client) -> None:
    response = admin.post(
        reverse("accounts:user-create"),
        {
            "full_name": "Nia New",
            "email": "Nia.New@School.test",
            "job_title": "Teacher",
            "password": "a-long-enough-passphrase-7",
        },
    )
    user = User.objects.get(email="nia.new@school.test")
    assert response["Location"] == reverse("accounts:user-detail", kwargs={"pk": user.pk})
    assert list(Membership.objects.filter(user=user).values_list("school", "role")) == [
        (world.school.pk, Role.STAFF)
    ]
    created = _last("pastoral.user.created")
    assert created.actor == world.user("admin") and created.school == world.school
    assert "passphrase" not in str(created.changes)
    assert _last("pastoral.membership.created").changes["role"] == Role.STAFF
    newcomer = Client()
    newcomer.post(
        reverse("login"),
        {"username": "nia.new@school.test", "password": "a-long-enough-passphrase-7"},
    )
    assert newcomer.get("/").status_code == 200


def test_it_applies_the_password_rules_beside_the_field(world: Any, admin: Client) -> None:
    response = admin.post(
        reverse("accounts:user-create"),
        {"full_name": "Nia New", "email": "nia@school.test", "password": "password"},
    )
    assert response.status_code == 422
    errors = response.context["form"].errors["password"]
    assert any("too short" in e for e in errors) and any("too common" in e for e in errors)
    assert not User.objects.filter(email="nia@school.test").exists()


def test_it_adds_someone_from_another_school_without_touching_their_password(
    world: Any, admin: Client
) -> None:
    response = admin.post(
        reverse("accounts:user-create"),
        {"full_name": "X", "email": world.outsider.email, "password": "a-long-enough-passphrase-7"},
    )
    assert response.status_code == 302
    world.outsider.refresh_from_db()
    assert world.outsider.check_password(TEST_PASSWORD)
    again = admin.post(
        reverse("accounts:user-create"),
        {"full_name": "X", "email": world.outsider.email, "password": "a-long-enough-passphrase-7"},
    )
    assert "already works at this school" in again.content.decode()


def test_a_head_of_year_role_is_only_requested_until_a_dsl_approves(
    world: Any, admin: Client
) -> None:
    staff = world.user("staff")
    url = reverse("accounts:role-grant", kwargs={"pk": staff.pk})
    missing_years = admin.post(url, {"role": Role.HEAD_OF_YEAR})
    assert missing_years.status_code == 422
    assert "Choose the year groups" in missing_years.content.decode()
    response = admin.post(url, {"role": Role.HEAD_OF_YEAR, "year_groups": [world.year10.pk]})
    assert response.status_code == 302
    assert not scope_for(staff, world.school).has(Role.HEAD_OF_YEAR)
    page = admin.get(response["Location"]).content.decode()
    assert "Awaiting DSL approval" in page and "Head of year (Year 10)" in page
    event = _last("accounts.role.requested")
    assert event.changes["user"] == staff.email and event.changes["role"] == "hoy"
    assert event.changes["year_groups"] == ["Year 10"]
    assert event.actor == world.user("admin")


def test_the_administrator_role_is_given_at_once(world: Any, admin: Client) -> None:
    staff = world.user("staff")
    response = admin.post(
        reverse("accounts:role-grant", kwargs={"pk": staff.pk}), {"role": Role.ADMIN}
    )
    assert response.status_code == 302
    assert scope_for(staff, world.school).can(Cap.MANAGE_USERS)
    event = _last("pastoral.membership.created")
    assert event.changes == {"user": staff.email, "role": "admin", "year_groups": []}


def test_it_refuses_year_groups_of_another_school(world: Any, admin: Client) -> None:
    from tests.factories import YearGroupFactory

    foreign = YearGroupFactory(school=world.other_school, number=11)
    response = admin.post(
        reverse("accounts:role-grant", kwargs={"pk": world.user("staff").pk}),
        {"role": Role.HEAD_OF_YEAR, "year_groups": [foreign.pk]},
    )
    assert response.status_code == 422
    assert not Membership.objects.filter(user=world.user("staff"), role=Role.HEAD_OF_YEAR).exists()


def test_it_narrows_years_at_once_requests_more_and_removes_roles_with_audit(
    world: Any, admin: Client
) -> None:
    hoy = world.user("hoy")
    membership = hoy.memberships.get(role=Role.HEAD_OF_YEAR)
    membership.year_groups.add(world.year10)
    url = reverse("accounts:role-years", kwargs={"pk": hoy.pk, "membership_pk": membership.pk})
    admin.post(url, {"year_groups": [world.year9.pk]})
    assert scope_for(hoy, world.school).year_group_ids == {world.year9.pk}
    assert _last("pastoral.membership.changed").changes == {
        "year_groups": {"from": ["Year 10", "Year 9"], "to": ["Year 9"]}
    }
    page = admin.post(url, {"year_groups": [world.year9.pk, world.year10.pk]}, follow=True)
    assert "The added years take effect when a DSL approves them" in page.content.decode()
    assert scope_for(hoy, world.school).year_group_ids == {world.year9.pk}
    assert _last("accounts.role.requested").changes["year_groups"] == ["Year 10"]
    admin.post(
        reverse("accounts:role-remove", kwargs={"pk": hoy.pk, "membership_pk": membership.pk})
    )
    assert not scope_for(hoy, world.school).has(Role.HEAD_OF_YEAR)
    removed = _last("accounts.role.revoked")
    assert removed.object_id == str(membership.pk) and removed.changes["role"] == "hoy"
    assert removed.changes["revoked_by"] == world.user("admin").email


def test_it_keeps_the_last_administrator_and_the_staff_role(world: Any, admin: Client) -> None:
    me = world.user("admin")
    own_admin = me.memberships.get(role=Role.ADMIN)
    response = admin.post(
        reverse("accounts:role-remove", kwargs={"pk": me.pk, "membership_pk": own_admin.pk}),
        follow=True,
    )
    assert "at least one administrator" in response.content.decode()
    staff_role = world.user("staff").memberships.get(role=Role.STAFF)
    response = admin.post(
        reverse(
            "accounts:role-remove",
            kwargs={"pk": world.user("staff").pk, "membership_pk": staff_role.pk},
        ),
        follow=True,
    )
    assert "deactivate the person instead" in response.content.decode()
    assert scope_for(me, world.school).can(Cap.MANAGE_USERS)


def test_it_cannot_deactivate_itself(world: Any, admin: Client) -> None:
    me = world.user("admin")
    response = admin.post(reverse("accounts:user-deactivate", kwargs={"pk": me.pk}), follow=True)
    assert "cannot deactivate your own account" in response.content.decode()
    me.refresh_from_db()
    assert me.is_active


def test_it_unlocks_a_locked_out_person(world: Any, admin: Client, settings: Any) -> None:
    staff = world.user("staff")
    stranger = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        stranger.post(reverse("login"), {"username": staff.email, "password": "nope-nope-nope"})
    detail = admin.get(reverse("accounts:user-detail", kwargs={"pk": staff.pk}))
    assert "Locked out" in detail.content.decode()
    admin.post(reverse("accounts:user-unlock", kwargs={"pk": staff.pk}))
    assert _last("accounts.user.unlocked").changes["attempts_cleared"] >= 1
    response = stranger.post(reverse("login"), {"username": staff.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_the_staff_list_query_count_is_pinned(
    world: Any, admin: Client, django_assert_num_queries: Any
) -> None:
    url = reverse("accounts:user-list")
    admin.get(url)
    with django_assert_num_queries(QUERIES_STAFF_LIST):
        admin.get(url)
    for _n in range(60):
        member(UserFactory(), world.school, Role.HEAD_OF_YEAR, years=[world.year9])
    with django_assert_num_queries(QUERIES_STAFF_LIST):
        response = admin.get(url)
    assert len(response.context["page"].object_list) == 50


# session, user, OTP device, schools, memberships + year groups, count, page,
# the page's memberships + their year groups, session save (3).
QUERIES_STAFF_LIST = 6


def test_the_staff_list_searches_and_shows_only_this_school(world: Any, admin: Client) -> None:
    response = admin.get(reverse("accounts:user-list"), {"q": "della"})
    people = list(response.context["page"].object_list)
    assert people == [world.user("dsl")]
    everyone = admin.get(reverse("accounts:user-list")).content.decode()
    assert world.outsider.email not in everyone
