"""Who reaches the trust pages, and what a person with only a trust role
reaches elsewhere: nothing of any school's case content (404 everywhere)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from pastoral.models import Membership, Role
from pastoral.trust.models import TrustMembership, TrustRole
from tests.conftest import build_world, sign_in
from tests.matrix import all_cases
from tests.trust.fixtures import trust_world

# Every matrix case that reaches case content: a DSL gets there, a school
# administrator (no case content, ACCESS.md) does not.
CASE_CONTENT = [
    c
    for c in all_cases()
    if not c.name.startswith("trust:")
    and c.expect["dsl"] in (200, 302, 422)
    and c.expect["admin"] == 404
]


@pytest.fixture
def tworld(world: Any) -> Any:
    return trust_world(world)


def test_the_sweep_covers_the_case_pages() -> None:
    names = {c.name for c in CASE_CONTENT}
    assert {"safeguarding:inbox", "caseload:profile", "safeguarding:concern-detail"} <= names


@pytest.mark.parametrize("case", CASE_CONTENT, ids=[c.id for c in CASE_CONTENT])
def test_trust_roles_alone_reach_no_case_page(case: Any, db: Any, client: Any) -> None:
    """Both trust roles at once (the trust safeguarding lead is also a trust
    administrator here), and no role in any school."""
    import tests.hooks  # noqa: F401

    world = trust_world(build_world())
    TrustMembership.objects.create(user=world.trust_lead, trust=world.trust, role=TrustRole.ADMIN)
    if case.setup is not None:
        case.setup(world)
    sign_in(client, world.trust_lead)
    url = reverse(case.name, kwargs=case.kwargs(world))
    if case.query:
        url = f"{url}?{case.query}"
    data = case.data(world) if case.data else {}
    response = getattr(client, case.method)(url, data=data, **case.headers)
    assert response.status_code == 404, f"{case.id}: {response.status_code}"


def test_a_trust_only_person_lands_on_their_trust_page(tworld: Any, client: Any) -> None:
    sign_in(client, tworld.trust_lead)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("trust:dashboard", args=[tworld.trust.pk])
    client.logout()
    sign_in(client, tworld.trust_admin)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("trust:schools", args=[tworld.trust.pk])
    assert "Oakfield Test School" in response.content.decode()


def test_the_trust_menu_entry_shows_for_trust_roles_only(tworld: Any, client: Any) -> None:
    trust_link = f'href="{reverse("trust:index")}"'
    sign_in(client, tworld.user("dsl"), school=tworld.school)
    assert trust_link not in client.get(reverse("home")).content.decode()
    Membership.objects.create(user=tworld.trust_lead, school=tworld.school, role=Role.SENCO)
    client.logout()
    sign_in(client, tworld.trust_lead, school=tworld.school)
    page = client.get(reverse("home")).content.decode()
    assert trust_link in page and "Oakfield Test School" in page  # a school role: home stays


LEAD_ONLY = [
    ("trust:dashboard", lambda w: {"pk": w.trust.pk}),
    ("trust:school-first-dsl", lambda w: {"pk": w.trust.pk, "school_pk": w.sister_school.pk}),
]
ADMIN_ONLY = [
    ("trust:school-create", lambda w: {"pk": w.trust.pk}),
    ("trust:school-invite-admin", lambda w: {"pk": w.trust.pk, "school_pk": w.school.pk}),
    ("trust:members", lambda w: {"pk": w.trust.pk}),
]


@pytest.mark.parametrize(("name", "kwargs"), LEAD_ONLY + ADMIN_ONLY)
def test_each_trust_page_answers_its_own_role_only(
    tworld: Any, client: Any, name: str, kwargs: Any
) -> None:
    url = reverse(name, kwargs=kwargs(tworld))
    lead_ok = (name, kwargs) in LEAD_ONLY
    sign_in(client, tworld.trust_lead)
    assert client.get(url).status_code == (200 if lead_ok else 404)
    client.logout()
    sign_in(client, tworld.trust_admin)
    assert client.get(url).status_code == (404 if lead_ok else 200)


@pytest.mark.parametrize(
    "name", ["trust:dashboard", "trust:schools", "trust:school-create", "trust:members"]
)
def test_another_trusts_pages_answer_404(tworld: Any, client: Any, name: str) -> None:
    TrustMembership.objects.create(
        user=tworld.foreign_lead, trust=tworld.other_trust, role=TrustRole.ADMIN
    )
    sign_in(client, tworld.foreign_lead)  # lead and administrator of the other trust
    assert client.get(reverse(name, args=[tworld.trust.pk])).status_code == 404
    assert client.get(reverse(name, args=[tworld.other_trust.pk])).status_code == 200


def test_another_trusts_school_answers_404(tworld: Any, client: Any) -> None:
    sign_in(client, tworld.trust_lead)
    url = reverse("trust:school-first-dsl", args=[tworld.trust.pk, tworld.other_school.pk])
    assert client.get(url).status_code == 404
    sign_in(client, tworld.trust_admin)
    url = reverse("trust:school-invite-admin", args=[tworld.trust.pk, tworld.other_school.pk])
    assert client.post(url, {"full_name": "X", "email": "x@school.test"}).status_code == 404


def test_a_trust_role_granted_or_removed_takes_effect_at_the_next_request(
    tworld: Any, client: Any
) -> None:
    dsl = tworld.user("dsl")
    sign_in(client, dsl, school=tworld.school)
    url = reverse("trust:dashboard", args=[tworld.trust.pk])
    assert client.get(url).status_code == 404
    membership = TrustMembership.objects.create(
        user=dsl, trust=tworld.trust, role=TrustRole.SAFEGUARDING_LEAD
    )
    assert client.get(url).status_code == 200
    membership.delete()
    assert client.get(url).status_code == 404


def test_a_trust_role_needs_a_second_factor(tworld: Any, client: Any) -> None:
    client.force_login(tworld.trust_lead)  # a password only, no authenticator yet
    response = client.get(reverse("trust:index"))
    assert response.status_code == 302 and "/accounts/two-factor/" in response["Location"]


def test_a_second_request_asks_the_database_nothing_about_trust_roles(
    tworld: Any, client: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("trust:dashboard", args=[tworld.trust.pk])
    for person, page in ((tworld.trust_lead, url), (tworld.user("dsl"), reverse("home"))):
        sign_in(client, person, school=None)
        client.get(page)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(page).status_code == 200
        assert not [q for q in ctx.captured_queries if "pastoral_trustmembership" in q["sql"]]
        client.logout()
