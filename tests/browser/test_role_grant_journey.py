"""Issue 14, hole 2: the administrator cannot make themselves DSL.

The admin asks for DSL for themselves: nothing changes (the DSL's role
requests still answer 404 for them) until a DSL approves with a code; the
other DSLs are told; a DSL cannot approve a request they made.
"""

from typing import Any

from django.urls import reverse

from pastoral.access import scope_for
from pastoral.accounts import services
from pastoral.models import Role
from pastoral.notifications.models import Notification
from tests.auth import browser_sign_in, totp_code, totp_device
from tests.factories import UserFactory, member


def _second_page(browser: Any, live_server: Any) -> Any:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _request_role(page: Any, person: Any, role_label: str) -> None:
    page.goto(reverse("accounts:user-detail", kwargs={"pk": person.pk}))
    page.get_by_role("combobox", name="Role").select_option(label=role_label)
    page.get_by_role("button", name="Give or request role").click()
    page.wait_for_load_state()


def test_an_admin_asking_for_dsl_waits_for_another_dsl_and_its_code(
    page: Any, browser_login: Any, browser: Any, live_server: Any, world: Any, monkeypatch: Any
) -> None:
    # Approval always asks for a code here (no "entered a moment ago" grace).
    monkeypatch.setattr(services.roles, "APPROVAL_CODE_SECONDS", 0)
    admin, dsl = world.user("admin"), world.user("dsl")
    deputy = member(UserFactory(full_name="Dee Deputy"), world.school, Role.DEPUTY_DSL)
    inbox = reverse("accounts:role-requests")

    browser_login(admin)
    _request_role(page, admin, "DSL")
    assert page.get_by_role("status").filter(has_text="Requested: DSL for Adam Admin").is_visible()
    assert page.get_by_role("heading", name="Awaiting DSL approval").is_visible()
    assert page.goto(inbox).status == 404
    assert page.goto(reverse("pastoral:audit-list")).status == 404
    assert not scope_for(admin, world.school).is_dsl
    # Every DSL of the school is told.
    for person in (dsl, deputy):
        assert Notification.objects.filter(
            recipient=person, title="Role request: DSL for Adam Admin awaits a DSL's approval"
        ).exists()

    dsl_page = _second_page(browser, live_server)
    browser_sign_in(dsl_page, dsl)
    dsl_page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Role requests"
    ).click()
    dsl_page.get_by_role("link", name="Review the request for Adam Admin").click()
    dsl_page.get_by_role("button", name="Approve").click()
    dsl_page.wait_for_load_state()
    assert dsl_page.get_by_text("Enter the code from your authenticator app").is_visible()
    assert page.goto(inbox).status == 404  # still nothing for the admin

    dsl_page.get_by_label("Code from your authenticator app").fill(totp_code(totp_device(dsl)))
    dsl_page.get_by_role("button", name="Approve").click()
    dsl_page.wait_for_load_state()
    assert dsl_page.get_by_text("Approved: Adam Admin is now DSL.").is_visible()
    assert scope_for(admin, world.school).is_dsl
    assert page.goto(inbox).status == 200
    assert Notification.objects.filter(
        recipient=deputy, title="Role request approved: DSL for Adam Admin (approved by Della Dsl)"
    ).exists()

    # Now a DSL and still administrator, the same person asks for a SENCO and
    # tries to approve it: refused.
    staff = world.user("staff")
    _request_role(page, staff, "SENCO")
    page.goto(inbox)
    page.get_by_role("link", name="Review the request for Sally Staff").click()
    assert page.get_by_text("another DSL of the school must approve it").is_visible()
    page.get_by_label("Code from your authenticator app").fill(totp_code(totp_device(admin)))
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    assert page.get_by_text("You made this request, so you cannot approve it").is_visible()
    assert not scope_for(staff, world.school).has(Role.SENCO)
    dsl_page.context.close()
