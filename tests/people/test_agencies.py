"""The agencies directory: named contacts, the screens, the query count, escaping."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pastoral.models import Agency, AgencyContact, AuditEvent
from tests.conftest import World, sign_in
from tests.people.factories import make_agency

pytestmark = pytest.mark.django_db


def test_the_list_shows_agencies_with_their_named_people_escaped(world: World, client) -> None:
    agency = make_agency(world.school, "CAMHS <SPA>", kind=Agency.Kind.CAMHS)
    AgencyContact.objects.create(agency=agency, name="Dr <b>Rao</b>", role="Clinician")
    sign_in(client, world.user("support"))
    page = client.get(reverse("people:agency-list")).text
    assert "CAMHS &lt;SPA&gt;" in page and "Dr &lt;b&gt;Rao&lt;/b&gt;" in page
    assert "Add an agency" not in page  # support may read, not keep


def test_the_list_query_count_does_not_grow_with_agencies(
    world: World, client, django_assert_num_queries
) -> None:
    sign_in(client, world.user("dsl"))
    url = reverse("people:agency-list")
    client.get(url)
    make_agency(world.school, "Agency first")
    # The sign-in's own (session, user, memberships, schools), then count,
    # agencies, their people: the same for one agency as for twelve.
    with django_assert_num_queries(5):
        client.get(url)
    for n in range(11):
        make_agency(world.school, f"Agency {n}")
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.text.count("Dee Duty") == 12


def test_a_dsl_adds_an_agency_and_a_named_contact_audited(world: World, client) -> None:
    sign_in(client, world.user("dsl"))
    response = client.post(
        reverse("people:agency-create"),
        {"name": "LADO", "kind": "lado", "phone": "0300 1", "email": ""},
    )
    assert response.status_code == 302
    agency = Agency.objects.get(name="LADO")
    response = client.post(
        reverse("people:agency-contact-create", args=[agency.pk]),
        {"name": "Lee Lado", "role": "LADO", "phone": "", "email": "bad"},
    )
    assert response.status_code == 422 and "valid email" in response.text
    response = client.post(
        reverse("people:agency-contact-create", args=[agency.pk]),
        {"name": "Lee Lado", "role": "LADO", "phone": "", "email": "lee@example.gov.uk"},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="people.agency.created").count() == 1
    assert AuditEvent.objects.filter(action="people.agency_contact.created").count() == 1


def test_the_contacts_log_still_offers_the_schools_agencies(world: World, client) -> None:
    make_agency(world.school, "Virtual School", kind=Agency.Kind.VIRTUAL_SCHOOL)
    make_agency(world.other_school, "Their Virtual School")
    sign_in(client, world.user("support"))
    page = client.get(reverse("caseload:contact-create", args=[world.learner9.pk])).text
    assert "Virtual School" in page and "Their Virtual School" not in page
