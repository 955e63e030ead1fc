"""Parents and carers: restrictions with their basis, warnings where the parent
appears, the acknowledgement a no-contact parent needs, and the letter PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from attendance.models import Intervention
from pastoral.models import AuditEvent, Contact, ContactRestriction
from tests.conftest import World, sign_in
from tests.people.factories import contact_form, make_parent, make_restriction, restriction_form
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db


def test_a_restriction_without_its_basis_date_or_scope_is_refused_beside_each_field(
    world: World, client
) -> None:
    parent = make_parent(world.learner9)
    sign_in(client, world.user("support"))
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("people:restriction-create", args=[parent.pk]),
        restriction_form(basis="", basis_date="", restricts=""),
    )
    assert response.status_code == 422
    page = response.text
    for field in ("basis", "basis_date", "restricts"):
        assert f'id="error_1_id_{field}"' in page or f"id_{field}" in page
    assert page.count("This field is required.") == 3
    assert not ContactRestriction.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_restriction_dated_in_the_future_or_expiring_before_it_is_refused(
    world: World, client
) -> None:
    parent = make_parent(world.learner9)
    sign_in(client, world.user("dsl"))
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    response = client.post(
        reverse("people:restriction-create", args=[parent.pk]),
        restriction_form(basis_date=future),
    )
    assert response.status_code == 422 and "cannot be in the future" in response.text
    response = client.post(
        reverse("people:restriction-create", args=[parent.pk]),
        restriction_form(expires="2024-01-01"),
    )
    assert response.status_code == 422 and "cannot expire before its date" in response.text
    response = client.post(
        reverse("people:restriction-create", args=[parent.pk]),
        restriction_form(basis="other"),
    )
    assert response.status_code == 422 and "Say what the restriction is" in response.text
    assert not ContactRestriction.objects.exists()


def test_a_no_contact_restriction_takes_the_parent_off_the_emergency_contacts_and_is_audited(
    world: World, client
) -> None:
    parent = make_parent(world.learner9, "Ivan Dad", relationship="father")
    assert parent.emergency_contact
    sign_in(client, world.user("support"))
    response = client.post(
        reverse("people:restriction-create", args=[parent.pk]), restriction_form()
    )
    assert response.status_code == 302
    parent.refresh_from_db()
    assert not parent.emergency_contact
    event = AuditEvent.objects.get(action="people.restriction.created")
    assert event.learner_id == world.learner9.pk
    assert event.changes["emergency_contact"] == "removed"


def test_making_a_no_contact_parent_an_emergency_contact_needs_the_box_ticked(
    world: World, client
) -> None:
    parent = make_parent(world.learner9, "Ivan Dad", emergency_contact=False)
    make_restriction(parent)
    sign_in(client, world.user("admin"))
    url = reverse("people:contact-edit", args=[parent.pk])
    page = client.get(url).text
    assert "Contact restriction: Ivan Dad" in page and "No contact at all" in page
    response = client.post(url, contact_form(name="Ivan Dad"))
    assert response.status_code == 422
    assert "is under a no-contact restriction" in response.text
    parent.refresh_from_db()
    assert not parent.emergency_contact
    response = client.post(url, contact_form(name="Ivan Dad", acknowledge_restriction="on"))
    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.emergency_contact
    event = AuditEvent.objects.filter(action="people.contact.updated").get()
    assert event.changes["restriction_acknowledged"] is True


def test_the_warning_shows_on_the_directory_card_and_the_profile_but_not_to_plain_staff(
    world: World, client
) -> None:
    parent = make_parent(world.learner9, "Ivan <b>Dad</b>")
    make_restriction(parent, reference="ZW<25>", note="Prohibited <i>steps</i> order")
    card = reverse("pastoral:learner-detail", args=[world.learner9.pk])
    for role in ("admin", "support", "dsl"):
        sign_in(client, world.user(role))
        page = client.get(card).text
        assert "Contact restriction: Ivan &lt;b&gt;Dad&lt;/b&gt;" in page, role
        assert "ZW&lt;25&gt;" in page and "Prohibited &lt;i&gt;steps&lt;/i&gt; order" in page
    sign_in(client, world.user("support"))
    profile = client.get(reverse("caseload:profile", args=[world.learner9.pk])).text
    assert "Contact restriction: Ivan &lt;b&gt;Dad&lt;/b&gt;" in profile
    sign_in(client, world.user("staff"))
    page = client.get(card).text
    assert "Ivan" not in page and "Contact restriction" not in page


def test_an_expired_restriction_no_longer_warns(world: World, client) -> None:
    parent = make_parent(world.learner9, "Ivan Dad")
    make_restriction(parent, expires=dt.date.today() - dt.timedelta(days=1))
    sign_in(client, world.user("senco"))
    page = client.get(reverse("pastoral:learner-detail", args=[world.learner9.pk])).text
    assert "Ivan Dad" in page and "Contact restriction" not in page


def _letter(world: World, recipient: Contact, **extra: str) -> dict[str, object]:
    from attendance.models import LetterTemplate

    template, _ = LetterTemplate.objects.get_or_create(
        school=world.school,
        name="First letter",
        defaults={"body": "Dear parent or carer,\n\n{learner}."},
    )
    return {
        "kind": "letter",
        "date": dt.date.today().isoformat(),
        "owner": world.user("senco").pk,
        "letter_template": template.pk,
        "recipient": recipient.pk,
        **extra,
    }


def test_a_no_contact_parent_as_a_letter_recipient_needs_the_acknowledgement(
    world: World, client
) -> None:
    mum = make_parent(world.learner9, "Mary Mum", address="1 Mill Lane")
    dad = make_parent(world.learner9, "Ivan Dad", relationship="father", priority=2)
    make_restriction(dad, reference="ZW25P00123")
    sign_in(client, world.user("senco"))
    url = reverse("attendance:intervention-create", args=[world.learner9.pk])
    form = client.get(url).text
    assert "Ivan Dad (Father) — NO-CONTACT RESTRICTION" in form
    assert "Contact restriction: Ivan Dad" in form
    response = client.post(url, _letter(world, dad))
    assert response.status_code == 422
    assert "is under a no-contact restriction" in response.text
    assert not Intervention.objects.exists()
    response = client.post(url, _letter(world, dad, acknowledge_restriction="on"))
    assert response.status_code == 302
    letter = Intervention.objects.get()
    assert letter.recipient == dad
    event = AuditEvent.objects.get(action="attendance.intervention.created")
    assert event.changes["restriction_acknowledged"] is True
    # A letter to the other parent needs no acknowledgement.
    response = client.post(
        url, {**_letter(world, mum), "letter_template": letter.letter_template_id}
    )
    assert response.status_code == 302


def test_the_letter_pdf_carries_the_restriction_of_the_parent_it_names(
    world: World, client
) -> None:
    dad = make_parent(world.learner9, "Ivan Dad", relationship="father", title="Mr")
    make_restriction(dad, reference="ZW25P00123", with_whom="the learner & her brother")
    letter = Intervention.objects.create(
        school=world.school,
        learner=world.learner9,
        kind=Intervention.Kind.LETTER,
        owner=world.user("senco"),
        created_by=world.user("senco"),
        letter_text="Dear parent or carer,\n\n<script>x</script> attendance is 88%.",
        recipient=dad,
    )
    sign_in(client, world.user("hoy"))
    response = client.get(reverse("attendance:intervention-letter", args=[letter.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Before sending: contact restrictions" in text
    assert "Mr Ivan Dad (Father), the person this letter is addressed to" in text
    assert (
        "No contact at all (with the learner & her brother): court order of 14 March 2025" in text
    )
    assert "ZW25P00123" in text
    assert "<script>x</script> attendance is 88%" in text
    event = AuditEvent.objects.get(action="attendance.letter.downloaded")
    assert event.learner_id == world.learner9.pk


def test_the_parents_page_lists_restrictions_and_records_the_view(world: World, client) -> None:
    parent = make_parent(world.learner9, "Ivan Dad")
    make_restriction(parent, restricts=ContactRestriction.Restricts.NO_COLLECTION)
    sign_in(client, world.user("hoy"))
    response = client.get(reverse("people:learner-contacts", args=[world.learner9.pk]))
    assert response.status_code == 200
    assert "May not collect the learner" in response.text
    assert AuditEvent.objects.filter(
        action="people.contacts.viewed", learner=world.learner9
    ).exists()


def test_adding_a_parent_is_audited_with_its_details(world: World, client) -> None:
    sign_in(client, world.user("admin"))
    response = client.post(
        reverse("people:contact-create", args=[world.learner10.pk]), contact_form()
    )
    assert response.status_code == 302
    contact = Contact.objects.get(learner=world.learner10)
    assert contact.addressed_name == "Mr Paul Parent" and contact.parental_responsibility
    event = AuditEvent.objects.get(action="people.contact.created")
    assert event.changes["name"] == "Paul Parent"
    response = client.post(
        reverse("people:contact-create", args=[world.learner10.pk]),
        contact_form(name="", email="not-an-email"),
    )
    assert response.status_code == 422
    assert "This field is required." in response.text and "valid email" in response.text


def test_the_contacts_log_marks_a_no_contact_parent(world: World, client) -> None:
    dad = make_parent(world.learner9, "Ivan Dad", relationship="father")
    make_restriction(dad)
    make_parent(world.learner9, "Mary Mum", priority=2)
    sign_in(client, world.user("support"))
    page = client.get(reverse("caseload:contact-create", args=[world.learner9.pk])).text
    assert "Ivan Dad (Father) — NO-CONTACT RESTRICTION" in page
    assert "Mary Mum (Mother)<" in page
