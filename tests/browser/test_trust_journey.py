"""The trust's two people in a real browser: the trust administrator adds a
school and invites its administrator; the trust safeguarding lead sees the
counts across the schools and sets the new school's first DSL. Every trust
page is scanned by axe-core at desktop and phone widths."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from pastoral.models import Membership, Role, School, User
from tests.browser.test_accessibility import WIDTHS, _violations
from tests.trust.data import SECRET, populate
from tests.trust.fixtures import trust_world


def test_the_trust_administrator_adds_a_school_and_invites_its_administrator(
    page: Any, browser_login: Any, world: Any
) -> None:
    tworld = trust_world(world)
    browser_login(tworld.trust_admin)
    page.goto("/")
    assert page.get_by_role("heading", name="Oak Learning Trust").is_visible()
    page.get_by_role("link", name="Add a school").click()
    page.get_by_label("School name").fill("Cedar Academy")
    page.get_by_label("URN").fill("140001")
    page.get_by_label("LA code").fill("330")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("row", name="Cedar Academy").is_visible()
    page.get_by_role("link", name="Invite a school administrator for Cedar Academy").click()
    page.get_by_label("Full name").fill("Bea Bursar")
    page.get_by_label("E-mail").fill("bea@cedar.test")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Invitation sent to bea@cedar.test" in page.content()
    cedar = School.objects.get(urn="140001")
    bea = User.objects.get(email="bea@cedar.test")
    assert Membership.objects.filter(user=bea, school=cedar, role=Role.ADMIN).exists()


def test_the_trust_lead_sees_counts_and_sets_a_first_dsl(
    page: Any, browser_login: Any, world: Any
) -> None:
    tworld = trust_world(world)
    populate(tworld.school)
    browser_login(tworld.trust_lead)
    page.goto("/")
    table = page.get_by_role("table", name="Counts per school")
    assert "Oakfield Test School" in table.inner_text()
    assert "Zebra" not in page.content() and SECRET not in page.content()
    page.get_by_role("link", name="Schools").click()
    page.get_by_role("link", name="Set the first DSL of Birch Primary").click()
    page.get_by_label("E-mail of the new DSL").fill("dora@birch.test")
    page.get_by_label("Full name").fill("Dora Dsl")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "dora@birch.test is now the DSL" in page.content()
    assert Membership.objects.filter(
        user__email="dora@birch.test", school=tworld.sister_school, role=Role.DSL
    ).exists()


def test_the_trust_pages_pass_axe_at_desktop_and_phone_widths(
    page: Any, browser_login: Any, world: Any
) -> None:
    from pastoral.trust.models import TrustMembership, TrustRole

    tworld = trust_world(world)
    populate(tworld.school)
    TrustMembership.objects.create(user=tworld.trust_lead, trust=tworld.trust, role=TrustRole.ADMIN)
    browser_login(tworld.trust_lead)
    pk = tworld.trust.pk
    urls = [
        reverse("trust:dashboard", args=[pk]),
        reverse("trust:schools", args=[pk]),
        reverse("trust:school-create", args=[pk]),
        reverse("trust:school-invite-admin", args=[pk, tworld.school.pk]),
        reverse("trust:school-first-dsl", args=[pk, tworld.sister_school.pk]),
        reverse("trust:members", args=[pk]),
    ]
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for url in urls:
            response = page.goto(url)
            assert response is not None and response.status == 200, (url, width)
            problems = _violations(page)
            if problems:
                found[f"{url} @ {width}px"] = problems
    assert found == {}
