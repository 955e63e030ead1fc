"""Demo data for parents and agencies: addresses and titles, contact restrictions
with their basis, and named people at the outside agencies. Called by the core's
seed for each school (pastoral/demo.py), deterministic with its random source."""

from __future__ import annotations

import datetime as dt
import random

from pastoral.models import Agency, AgencyContact, Contact, ContactRestriction

STREETS = ["Mill Lane", "Station Road", "Church Street", "Oak Close", "Victoria Road", "The Green"]
TOWNS = [("Oakfield", "OK1"), ("Elmbury", "EB3"), ("Ashford Vale", "AV2")]
TITLES = {
    Contact.Relationship.MOTHER: "Mrs",
    Contact.Relationship.FATHER: "Mr",
    Contact.Relationship.STEP_PARENT: "Mr",
}
PEOPLE = {
    Agency.Kind.SOCIAL_CARE: [("Dee Duty", "Duty social worker"), ("Sam Senior", "Team manager")],
    Agency.Kind.EARLY_HELP: [("Erin Hale", "Early help coordinator")],
    Agency.Kind.CAMHS: [("Dr Priya Rao", "Clinical psychologist")],
    Agency.Kind.POLICE: [("PC Jo Baxter", "Schools liaison officer")],
    Agency.Kind.SCHOOL_NURSE: [("Nia Evans", "School nurse")],
    Agency.Kind.EDUCATION_WELFARE: [("Tom Reid", "Education welfare officer")],
    Agency.Kind.VIRTUAL_SCHOOL: [("Val Head", "Virtual school head")],
    Agency.Kind.LADO: [("Lee Lado", "Local authority designated officer")],
}
RESTRICTIONS = [
    (
        ContactRestriction.Basis.COURT_ORDER,
        ContactRestriction.Restricts.NO_CONTACT,
        "Prohibited steps order: no contact with the learner; not to be given information.",
    ),
    (
        ContactRestriction.Basis.COURT_ORDER,
        ContactRestriction.Restricts.NO_COLLECTION,
        "Child arrangements order: contact at the contact centre only.",
    ),
    (
        ContactRestriction.Basis.AGREEMENT,
        ContactRestriction.Restricts.NO_INFORMATION,
        "Agreed with both parents and children's social care.",
    ),
]


def seed_parents(rng: random.Random, contacts: list[Contact], today: dt.date) -> None:
    """Addresses and titles for every contact; restrictions on about one second
    contact in thirty (and on the first in each year, so every demo role meets one)."""
    seen_years: set[int] = set()
    restrictions = []
    for contact in contacts:
        street = rng.choice(STREETS)
        town, postcode = rng.choice(TOWNS)
        contact.address = (
            f"{rng.randrange(1, 120)} {street}\n{town} {postcode} {rng.randrange(1, 9)}XY"
        )
        contact.title = TITLES.get(contact.relationship, "")
        if contact.priority != 2:
            continue
        year = contact.learner.year_group_id
        if year in seen_years and rng.random() >= 1 / 30:
            continue
        seen_years.add(year)
        basis, restricts, note = rng.choice(RESTRICTIONS)
        restrictions.append(
            ContactRestriction(
                contact=contact,
                basis=basis,
                basis_date=today - dt.timedelta(days=rng.randrange(30, 900)),
                restricts=restricts,
                reference=f"ZW{rng.randrange(20, 26)}P{rng.randrange(10000, 99999)}"
                if basis == ContactRestriction.Basis.COURT_ORDER
                else "",
                note=note,
            )
        )
        if restricts == ContactRestriction.Restricts.NO_CONTACT:
            contact.emergency_contact = False
            contact.lives_with_learner = False
    Contact.objects.bulk_update(
        contacts, ["address", "title", "emergency_contact", "lives_with_learner"], batch_size=5000
    )
    ContactRestriction.objects.bulk_create(restrictions, batch_size=5000)


def seed_agency_people(agencies: list[Agency]) -> None:
    AgencyContact.objects.bulk_create(
        AgencyContact(
            agency=agency,
            name=name,
            role=role,
            phone=agency.phone,
            email=f"{name.split()[-1].lower()}@example.gov.uk",
        )
        for agency in agencies
        for name, role in PEOPLE.get(agency.kind, [])
    )
