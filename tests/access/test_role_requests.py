"""The two-person rule for roles (ACCESS.md "Two people for wider access"):
a role that reaches case data is requested by the administrator and takes
effect only when another DSL of the school approves it with a fresh code."""

from __future__ import annotations

import time
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from pastoral.access import Cap, scope_for
from pastoral.accounts import services
from pastoral.accounts.otp import SESSION_OTP_AT
from pastoral.models import AuditEvent, Membership, Role, RoleRequest
from pastoral.notifications.models import Notification
from tests.auth import totp_code, totp_device
from tests.conftest import sign_in
from tests.factories import SchoolFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def _last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-id").first()


def _request(client: Client, user: Any, role: str, **extra: Any) -> Any:
    return client.post(
        reverse("accounts:role-grant", kwargs={"pk": user.pk}), {"role": role, **extra}
    )


def _stale(client: Client) -> None:
    """The person's last code was entered ten minutes ago."""
    session = client.session
    session[SESSION_OTP_AT] = time.time() - 600
    session.save()


@pytest.fixture
def deputy(world: Any) -> Any:
    return member(UserFactory(full_name="Dee Deputy"), world.school, Role.DEPUTY_DSL)


def _titles(user: Any) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_an_admin_asking_for_dsl_for_themselves_changes_nothing_until_approved(
    world: Any, deputy: Any
) -> None:
    admin, dsl = world.user("admin"), world.user("dsl")
    admin_client = sign_in(Client(), admin)
    response = _request(admin_client, admin, Role.DSL)
    assert response.status_code == 302
    assert not scope_for(admin, world.school).is_dsl
    assert admin_client.get(reverse("accounts:role-requests")).status_code == 404
    assert admin_client.get(reverse("pastoral:audit-list")).status_code == 404
    detail = admin_client.get(response["Location"]).content.decode()
    assert "Awaiting DSL approval" in detail and "requested by Adam Admin" in detail
    role_request = RoleRequest.objects.get(user=admin, role=Role.DSL)
    requested = _last("accounts.role.requested")
    assert requested.actor == admin and requested.object_id == str(role_request.pk)
    assert requested.changes["requested_by"] == admin.email
    assert requested.changes["requested_at"] == role_request.requested_at.isoformat()
    # Every DSL and deputy DSL is told; no learner appears in the title.
    for person in (dsl, deputy):
        assert _titles(person) == ["Role request: DSL for Adam Admin awaits a DSL's approval"]
    assert Notification.objects.filter(recipient=dsl, urgent=True).count() == 1
    assert not Notification.objects.filter(recipient=world.user("senco")).exists()

    dsl_client = sign_in(Client(), dsl)
    _stale(dsl_client)
    approve = reverse("accounts:role-request-approve", kwargs={"pk": role_request.pk})
    refused = dsl_client.post(approve, {"code": ""})
    assert refused.status_code == 422
    assert "Enter the code from your authenticator app" in refused.content.decode()
    wrong = dsl_client.post(approve, {"code": "000000"})
    assert wrong.status_code == 422 and "That code did not work" in wrong.content.decode()
    assert _last("accounts.user.sign_in_failed").changes["stage"] == "role approval"
    assert not scope_for(admin, world.school).is_dsl

    time.sleep(1.1)  # the app throttles a device for a second after a wrong code
    ok = dsl_client.post(approve, {"code": totp_code(totp_device(dsl))})
    assert ok.status_code == 302 and ok["Location"] == reverse("accounts:role-requests")
    assert scope_for(admin, world.school).is_dsl
    assert admin_client.get(reverse("accounts:role-requests")).status_code == 200
    role_request.refresh_from_db()
    assert role_request.status == RoleRequest.Status.APPROVED
    assert role_request.decided_by == dsl
    approved = _last("accounts.role.approved")
    assert approved.actor == dsl
    assert approved.changes["requested_by"] == admin.email
    assert approved.changes["approved_by"] == dsl.email
    assert approved.changes["requested_at"] == role_request.requested_at.isoformat()
    assert approved.changes["approved_at"] == role_request.decided_at.isoformat()
    assert approved.changes["second_factor"] == "totp"
    title = "Role request approved: DSL for Adam Admin (approved by Della Dsl)"
    for person in (dsl, deputy, admin):
        assert title in _titles(person)
    # The requester's link leads to a page they may open (now a DSL: the request).
    told = Notification.objects.get(recipient=admin, title=title)
    assert admin_client.get(told.url).status_code == 200


def test_a_code_entered_a_moment_ago_is_enough(world: Any) -> None:
    staff = world.user("staff")
    _request(sign_in(Client(), world.user("admin")), staff, Role.SENCO)
    role_request = RoleRequest.objects.get(user=staff)
    dsl_client = sign_in(Client(), world.user("dsl"))
    response = dsl_client.post(
        reverse("accounts:role-request-approve", kwargs={"pk": role_request.pk}), {"code": ""}
    )
    assert response.status_code == 302
    assert scope_for(staff, world.school).can(Cap.VIEW_PROFILE)
    assert _last("accounts.role.approved").changes["second_factor"] == "code entered just before"
    again = dsl_client.post(
        reverse("accounts:role-request-approve", kwargs={"pk": role_request.pk}), {"code": ""}
    )
    assert again.status_code == 422 and "already approved" in again.content.decode()


def test_nobody_approves_their_own_request_or_a_role_for_themselves(
    world: Any, deputy: Any
) -> None:
    dsl, staff = world.user("dsl"), world.user("staff")
    # The DSL is also an administrator and asks for a SENCO.
    Membership.objects.create(user=dsl, school=world.school, role=Role.ADMIN)
    dsl_client = sign_in(Client(), dsl)
    _request(dsl_client, staff, Role.SENCO)
    own = RoleRequest.objects.get(user=staff)
    page = dsl_client.get(reverse("accounts:role-request", kwargs={"pk": own.pk}))
    assert "another DSL of the school must approve it" in page.content.decode()
    response = dsl_client.post(
        reverse("accounts:role-request-approve", kwargs={"pk": own.pk}),
        {"code": totp_code(totp_device(dsl))},
    )
    assert response.status_code == 422
    assert "You made this request, so you cannot approve it" in response.content.decode()
    assert not scope_for(staff, world.school).has(Role.SENCO)
    # A role for the approver themselves, asked for by someone else.
    _request(sign_in(Client(), world.user("admin")), deputy, Role.SENCO)
    for_deputy = RoleRequest.objects.get(user=deputy)
    deputy_client = sign_in(Client(), deputy)
    response = deputy_client.post(
        reverse("accounts:role-request-approve", kwargs={"pk": for_deputy.pk}), {"code": ""}
    )
    assert response.status_code == 422 and "gives you a role" in response.content.decode()
    # The other DSL approves both.
    deputy_client.post(reverse("accounts:role-request-approve", kwargs={"pk": own.pk}))
    assert scope_for(staff, world.school).has(Role.SENCO)
    assert _last("accounts.role.approved").changes["requested_by"] == dsl.email


def test_a_dsl_declines_with_a_reason_and_everyone_is_told(world: Any, deputy: Any) -> None:
    staff, admin = world.user("staff"), world.user("admin")
    _request(sign_in(Client(), admin), staff, Role.DEPUTY_DSL)
    role_request = RoleRequest.objects.get(user=staff)
    dsl_client = sign_in(Client(), world.user("dsl"))
    url = reverse("accounts:role-request-decline", kwargs={"pk": role_request.pk})
    blank = dsl_client.post(url, {"reason": "  "})
    assert blank.status_code == 422 and "This field is required" in blank.content.decode()
    response = dsl_client.post(url, {"reason": "Not trained yet"})
    assert response.status_code == 302
    assert not scope_for(staff, world.school).is_dsl
    role_request.refresh_from_db()
    assert role_request.status == RoleRequest.Status.DECLINED
    assert role_request.decline_reason == "Not trained yet"
    declined = _last("accounts.role.declined")
    assert declined.changes["reason"] == "Not trained yet"
    assert declined.changes["declined_by"] == world.user("dsl").email
    assert declined.changes["requested_by"] == admin.email
    title = "Role request declined: Deputy DSL for Sally Staff (declined by Della Dsl)"
    for person in (world.user("dsl"), deputy, admin):
        assert title in _titles(person)
    # The administrator (not a DSL) is sent to the person's page, which they may open.
    told = Notification.objects.get(recipient=admin, title=title)
    assert told.url == reverse("accounts:user-detail", kwargs={"pk": staff.pk})
    assert sign_in(Client(), admin).get(told.url).status_code == 200
    page = dsl_client.get(reverse("accounts:role-requests")).content.decode()
    assert "Declined" in page and "Sally Staff" in page
    # A new request can be made once the first was decided.
    assert _request(sign_in(Client(), admin), staff, Role.DEPUTY_DSL).status_code == 302


def test_requests_of_another_school_are_not_found(world: Any) -> None:
    admin_client = sign_in(Client(), world.user("admin"))
    assert _request(admin_client, world.outsider, Role.DSL).status_code == 404
    foreign_admin = member(UserFactory(), world.other_school, Role.ADMIN)
    foreign_staff = member(UserFactory(), world.other_school)
    _request(sign_in(Client(), foreign_admin), foreign_staff, Role.SENCO)
    foreign = RoleRequest.objects.get(user=foreign_staff)
    dsl_client = sign_in(Client(), world.user("dsl"))
    for name in ("accounts:role-request",):
        assert dsl_client.get(reverse(name, kwargs={"pk": foreign.pk})).status_code == 404
    for name in ("accounts:role-request-approve", "accounts:role-request-decline"):
        response = dsl_client.post(reverse(name, kwargs={"pk": foreign.pk}), {"reason": "x"})
        assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == RoleRequest.Status.PENDING
    assert (
        foreign_staff.full_name
        not in dsl_client.get(reverse("accounts:role-requests")).content.decode()
    )


def test_only_dsls_see_the_role_requests_entry(world: Any) -> None:
    url = reverse("accounts:role-requests")
    for role in ("staff", "support", "hoy", "senco", "admin"):
        client = sign_in(Client(), world.user(role))
        assert client.get(url).status_code == 404
        assert f'href="{url}"' not in client.get("/").content.decode()
    dsl_home = sign_in(Client(), world.user("dsl")).get("/").content.decode()
    assert f'href="{url}"' in dsl_home


def test_duplicate_and_pointless_requests_are_refused_beside_the_field(world: Any) -> None:
    admin_client = sign_in(Client(), world.user("admin"))
    staff = world.user("staff")
    _request(admin_client, staff, Role.DSL)
    again = _request(admin_client, staff, Role.DSL)
    assert again.status_code == 422
    assert "already awaiting DSL approval" in again.content.decode()
    held = _request(admin_client, world.user("senco"), Role.SENCO)
    assert held.status_code == 422 and "already holds that role" in held.content.decode()
    same_years = _request(
        admin_client, world.user("hoy"), Role.HEAD_OF_YEAR, year_groups=[world.year9.pk]
    )
    assert same_years.status_code == 422
    assert "already leads those years" in same_years.content.decode()
    assert RoleRequest.objects.count() == 1


def test_the_services_refuse_to_give_a_wider_role_directly(world: Any) -> None:
    scope = scope_for(world.user("admin"), world.school)
    for role in (Role.SUPPORT, Role.HEAD_OF_YEAR, Role.SENCO, Role.DSL, Role.DEPUTY_DSL):
        assert services.widens_case_access(role)
        with pytest.raises(ValidationError):
            services.membership_grant(scope=scope, user=world.user("staff"), role=role)
    assert not services.widens_case_access(Role.ADMIN)
    assert not services.widens_case_access(Role.STAFF)
    assert scope_for(world.user("staff"), world.school).roles == {Role.STAFF}


def test_approving_added_years_extends_a_head_of_year(world: Any) -> None:
    hoy = world.user("hoy")
    membership = hoy.memberships.get(role=Role.HEAD_OF_YEAR)
    sign_in(Client(), world.user("admin")).post(
        reverse("accounts:role-years", kwargs={"pk": hoy.pk, "membership_pk": membership.pk}),
        {"year_groups": [world.year9.pk, world.year10.pk]},
    )
    role_request = RoleRequest.objects.get(user=hoy)
    assert scope_for(hoy, world.school).year_group_ids == {world.year9.pk}
    sign_in(Client(), world.user("dsl")).post(
        reverse("accounts:role-request-approve", kwargs={"pk": role_request.pk})
    )
    assert scope_for(hoy, world.school).year_group_ids == {world.year9.pk, world.year10.pk}
    assert _last("pastoral.membership.changed").changes["year_groups"] == {
        "from": ["Year 9"],
        "to": ["Year 10", "Year 9"],
    }


def test_revoking_is_immediate_and_tells_the_dsls(world: Any, deputy: Any) -> None:
    senco = world.user("senco")
    membership = senco.memberships.get(role=Role.SENCO)
    response = sign_in(Client(), world.user("admin")).post(
        reverse("accounts:role-remove", kwargs={"pk": senco.pk, "membership_pk": membership.pk})
    )
    assert response.status_code == 302
    assert not scope_for(senco, world.school).can(Cap.VIEW_PROFILE)
    revoked = _last("accounts.role.revoked")
    assert revoked.changes["role"] == "senco" and revoked.changes["user"] == senco.email
    assert (
        revoked.changes["revoked_by"] == world.user("admin").email and revoked.changes["revoked_at"]
    )
    title = "Role removed: Sena Senco is no longer SENCO (removed by Adam Admin)"
    for person in (world.user("dsl"), deputy):
        assert _titles(person) == [title]


def test_the_role_request_list_query_count_is_pinned(
    world: Any, django_assert_num_queries: Any
) -> None:
    admin_client = sign_in(Client(), world.user("admin"))
    _request(admin_client, world.user("staff"), Role.SENCO)
    _request(admin_client, world.user("senco"), Role.SUPPORT)
    RoleRequest.objects.filter(user=world.user("senco")).update(
        status=RoleRequest.Status.DECLINED, decided_by=world.user("dsl")
    )
    dsl_client = sign_in(Client(), world.user("dsl"))
    url = reverse("accounts:role-requests")
    dsl_client.get(url)
    with django_assert_num_queries(QUERIES_ROLE_REQUESTS):
        dsl_client.get(url)
    for _n in range(8):
        person = member(UserFactory(), world.school)
        _request(admin_client, person, Role.HEAD_OF_YEAR, year_groups=[world.year9.pk])
        decided = member(UserFactory(), world.school)
        _request(admin_client, decided, Role.SUPPORT)
        RoleRequest.objects.filter(user=decided).update(
            status=RoleRequest.Status.DECLINED, decided_by=world.user("dsl")
        )
    with django_assert_num_queries(QUERIES_ROLE_REQUESTS):
        response = dsl_client.get(url)
    assert len(response.context["pending"]) == 9 and len(response.context["decided"]) == 9


# session, user, OTP device, schools/memberships, pending + their year groups,
# decided + their year groups: 8 whatever the number of requests.
QUERIES_ROLE_REQUESTS = 6


def test_grant_first_dsl_sets_the_first_dsl_on_the_server_only_once(world: Any) -> None:
    school = SchoolFactory(name="New School", urn="999001")
    person = UserFactory(full_name="Fern First", email="fern@new.test")
    out = StringIO()
    call_command("grant_first_dsl", "--school", "999001", "--email", "FERN@new.test", stdout=out)
    assert "Fern First is now the DSL of New School" in out.getvalue()
    scope = scope_for(person, school)
    assert scope.is_dsl and scope.roles == {Role.STAFF, Role.DSL}
    event = _last("accounts.role.approved")
    assert event.actor is None and event.actor_label == "system" and event.school == school
    assert event.changes["first_dsl"] is True and event.changes["user"] == "fern@new.test"
    second = UserFactory()
    with pytest.raises(CommandError, match="already has a DSL"):
        call_command("grant_first_dsl", "--school", "999001", "--email", second.email)
    with pytest.raises(CommandError, match="already has a DSL"):
        call_command(
            "grant_first_dsl", "--school", world.school.urn, "--email", world.user("admin").email
        )
    with pytest.raises(CommandError, match="No school has URN"):
        call_command("grant_first_dsl", "--school", "123", "--email", second.email)
    with pytest.raises(CommandError, match="No account"):
        call_command("grant_first_dsl", "--school", "999001", "--email", "nobody@x.test")
    assert not scope_for(world.user("admin"), world.school).is_dsl
