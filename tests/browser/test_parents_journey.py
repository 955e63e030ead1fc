"""A SENCO adds a father with a court order against him: the warning shows on the
learner's card and on the attendance letter's PDF, choosing him as the letter's
recipient needs the acknowledgement, and the new pages pass axe."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from attendance.models import Intervention, LetterTemplate
from pastoral.models import ContactRestriction
from tests.browser.test_accessibility import WIDTHS, _violations
from tests.people.factories import make_agency
from tests.reports.conftest import pdf_text


def test_a_parent_with_a_court_order_is_flagged_everywhere(
    page: Any, browser_login: Any, world: Any
) -> None:
    LetterTemplate.objects.create(
        school=world.school,
        name="First attendance letter",
        body="Dear parent or carer,\n\n{learner}'s attendance is {attendance}.",
    )
    make_agency(world.school, "Children's Services Front Door")
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    learner = world.learner9
    browser_login(world.user("senco"))

    page.goto(f"/learners/{learner.pk}/")
    page.get_by_role("link", name="Parents and carers").click()
    page.wait_for_url(f"**/people/learners/{learner.pk}/")
    page.get_by_role("link", name="Add a parent or carer").click()
    page.get_by_label("Title").fill("Mr")
    page.get_by_label("Full name").fill("Ivan Dad")
    page.get_by_label("Relationship").select_option(label="Father")
    page.get_by_label("Priority (1 is called first)").fill("2")
    page.get_by_label("Address").fill("4 Station Road\nElmbury EB3 9XY")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/people/learners/{learner.pk}/")

    # A restriction without its date is refused beside the field.
    page.get_by_role("link", name="Record a restriction on Ivan Dad").click()
    page.get_by_label("Basis").select_option(label="Court order")
    page.get_by_label("What it restricts").select_option(label="No contact at all")
    page.get_by_label("Reference").fill("ZW25P00123")
    page.get_by_role("button", name="Save").click()
    date_field = page.get_by_label("Date of the order or agreement")
    assert "This field is required." in page.locator("#div_id_basis_date").inner_text()
    assert not ContactRestriction.objects.exists()
    date_field.fill("2025-03-14")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/people/learners/{learner.pk}/")
    assert page.get_by_role("note", name="Contact restriction on Ivan Dad").is_visible()

    # The learner's card shows the warning.
    page.goto(f"/learners/{learner.pk}/")
    warning = page.get_by_role("note", name="Contact restriction on Ivan Dad")
    assert "No contact at all" in warning.inner_text()
    assert "court order of 14 March 2025, ref. ZW25P00123" in warning.inner_text()

    # A letter to him needs the acknowledgement.
    page.goto(f"/attendance/learners/{learner.pk}/interventions/new/")
    assert page.get_by_role("note", name="Contact restriction on Ivan Dad").is_visible()
    page.get_by_label("Intervention").select_option(label="Letter")
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Letter template").select_option(label="First attendance letter")
    page.get_by_label("Letter to").select_option(
        label="Mr Ivan Dad (Father) — NO-CONTACT RESTRICTION"
    )
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=is under a no-contact restriction")
    assert not Intervention.objects.exists()
    page.get_by_label("I have read the contact restriction on the person I chose").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/attendance/learners/{learner.pk}/")

    link = page.get_by_role("link", name="Letter (PDF)")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    text = pdf_text(response.body())
    assert "Before sending: contact restrictions" in text
    assert "Mr Ivan Dad (Father), the person this letter is addressed to" in text
    assert "No contact at all (with the learner): court order of 14 March 2025" in text
    assert "4 Station Road Elmbury EB3 9XY" in text

    # The new pages pass axe, at desktop and phone widths.
    contact = learner.contacts.get()
    restriction = contact.restrictions.get()
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for url in (
            f"/people/learners/{learner.pk}/",
            f"/people/contacts/{contact.pk}/",
            f"/people/restrictions/{restriction.pk}/",
            f"/people/contacts/{contact.pk}/restrictions/new/",
            "/people/agencies/",
            f"/learners/{learner.pk}/",
        ):
            answer = page.goto(url)
            assert answer is not None and answer.status == 200, url
            problems = _violations(page)
            if problems:
                found[f"{url} @ {width}px"] = problems
    assert found == {}
