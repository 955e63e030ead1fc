"""Parents and agencies from CSV: the documented samples, line-and-column errors,
all or nothing, idempotent; contact columns in the learner CSV."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from pastoral.imports.agencies import AgencyImporter
from pastoral.imports.contacts import ContactImporter
from pastoral.imports.learners import LearnerImporter
from pastoral.models import Agency, AuditEvent, Contact, ContactRestriction
from tests.conftest import World
from tests.pastoral.importdata import LEARNER_HEADER, learner_row, to_csv, upn
from tests.people.factories import make_parent, make_restriction

pytestmark = pytest.mark.django_db
DOCS = Path(settings.BASE_DIR) / "docs"

HEADER = [
    "UPN",
    "Title",
    "Name",
    "Relationship",
    "Parental Responsibility",
    "Phone",
    "Emergency Contact",
    "Restriction",
    "Restriction Basis",
    "Restriction Date",
    "Restriction Expires",
]


def contacts(rows: list[dict[str, str]]) -> bytes:
    return to_csv(rows, HEADER)


def row(upn_: str, name: str = "Mary Mum", **values: str) -> dict[str, str]:
    return {"UPN": upn_, "Name": name, "Relationship": "Mother", **values}


def run(world: World, data: bytes, importer=ContactImporter, **kw):  # type: ignore[no-untyped-def]
    return importer(school=world.school, actor=world.user("admin"), filename="c.csv").run(
        data, **kw
    )


def errors(outcome) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(e) for e in outcome.errors]


def test_the_documented_sample_imports_for_the_sample_learners(world: World) -> None:
    from tests.factories import LearnerFactory

    # The two learners of the sample (docs/import-learners.csv) it names.
    for number in ("U938459920700", "U938459921701"):
        LearnerFactory(year_group=world.year9, upn=number)
    outcome = run(world, (DOCS / "import-contacts.csv").read_bytes())
    assert outcome.applied, outcome.errors
    assert outcome.counts["create"] == 3
    dad = Contact.objects.get(name="Imran Khan")
    assert not dad.emergency_contact and dad.title == "Mr"
    restriction = dad.restrictions.get()
    assert restriction.basis == "court_order" and restriction.restricts == "no_contact"
    assert restriction.reference == "ZW25P00123"
    again = run(world, (DOCS / "import-contacts.csv").read_bytes())
    assert again.applied and again.changed == 0
    assert ContactRestriction.objects.count() == 1
    assert AuditEvent.objects.filter(action="pastoral.import.contacts").count() == 2


def test_a_restriction_without_basis_or_date_is_refused_by_line_and_column(world: World) -> None:
    learner = world.learner9.upn
    data = contacts(
        [
            row(learner, "Ok Person"),
            row(learner, "Ivan Dad", Restriction="no contact"),
            row(
                learner,
                "Bob",
                **{"Restriction Basis": "court order", "Restriction Date": "2025-01-01"},
            ),
            row("X000000000000", "Nobody"),
            row(learner, "Sam", Relationship="Cousin twice removed"),
        ]
    )
    outcome = run(world, data)
    assert not outcome.applied
    found = errors(outcome)
    assert any("line 3, column Restriction Basis" in e and "basis" in e for e in found), found
    assert any("line 3, column Restriction Date" in e for e in found), found
    assert any("line 4, column Restriction" in e and "say what" in e for e in found), found
    assert any(e.startswith("line 5, column UPN") for e in found), found
    assert any(e.startswith("line 6, column Relationship") for e in found), found
    assert not Contact.objects.exists()


def test_a_no_contact_parent_is_never_imported_as_an_emergency_contact(world: World) -> None:
    learner = world.learner9.upn
    data = contacts(
        [
            row(
                learner,
                "Ivan Dad",
                **{
                    "Emergency Contact": "Y",
                    "Restriction": "no contact",
                    "Restriction Basis": "court order",
                    "Restriction Date": "2025-01-01",
                },
            )
        ]
    )
    outcome = run(world, data)
    assert any("line 2, column Emergency Contact" in e for e in errors(outcome))
    # Already restricted in the school's records: a Y in a later file is refused too.
    dad = make_parent(world.learner9, "Ivan Dad", emergency_contact=False)
    make_restriction(dad)
    outcome = run(world, contacts([row(learner, "ivan dad", **{"Emergency Contact": "Y"})]))
    assert any("line 2, column Emergency Contact" in e for e in errors(outcome))
    dad.refresh_from_db()
    assert not dad.emergency_contact


def test_the_preview_shows_changes_and_writes_nothing(world: World) -> None:
    make_parent(world.learner9, "Mary Mum", phone="01")
    data = contacts([row(world.learner9.upn, "MARY MUM", Phone="02")])
    outcome = run(world, data, dry_run=True)
    assert outcome.ok and outcome.counts["update"] == 1
    assert outcome.changes[0].fields["Phone"] == ("01", "02")
    assert Contact.objects.get().phone == "01"


def test_the_learner_csv_carries_up_to_three_contacts(world: World) -> None:
    header = [
        *LEARNER_HEADER,
        "Contact1 Name",
        "Contact1 Relationship",
        "Contact2 Name",
        "Contact2 Relationship",
        "Contact2 Restriction",
        "Contact2 Restriction Basis",
        "Contact2 Restriction Date",
    ]
    rows = [
        learner_row(
            1,
            **{
                "Contact1 Name": "Mary Mum",
                "Contact1 Relationship": "mum",
                "Contact2 Name": "Ivan Dad",
                "Contact2 Relationship": "dad",
                "Contact2 Restriction": "no collection",
                "Contact2 Restriction Basis": "agreement",
                "Contact2 Restriction Date": "01/09/2025",
            },
        ),
        learner_row(2),
    ]
    preview = run(world, to_csv(rows, header), LearnerImporter, dry_run=True)
    assert preview.ok, preview.errors
    assert "Contact Ivan Dad" in preview.changes[0].fields
    outcome = run(world, to_csv(rows, header), LearnerImporter)
    assert outcome.applied, outcome.errors
    mum, dad = Contact.objects.filter(learner__upn=upn(1)).order_by("priority")
    assert (mum.name, mum.priority, dad.priority) == ("Mary Mum", 1, 2)
    assert dad.restrictions.get().restricts == "no_collection"
    assert run(world, to_csv(rows, header), LearnerImporter).changed == 0
    bad = [learner_row(3, **{"Contact1 Name": "", "Contact1 Relationship": "mum"})]
    outcome = run(world, to_csv(bad, header), LearnerImporter)
    assert any("line 2, column Contact1 Name" in e for e in errors(outcome))


def test_the_documented_agencies_sample_imports_with_named_people(world: World) -> None:
    outcome = run(world, (DOCS / "import-agencies.csv").read_bytes(), AgencyImporter)
    assert outcome.applied, outcome.errors
    mash = Agency.objects.get(school=world.school, kind=Agency.Kind.SOCIAL_CARE)
    assert sorted(mash.people.values_list("name", flat=True)) == ["Dee Duty", "Sam Senior"]
    assert Agency.objects.get(kind=Agency.Kind.LADO).people.count() == 0
    again = run(world, (DOCS / "import-agencies.csv").read_bytes(), AgencyImporter)
    assert again.changed == 0


def test_a_bad_agency_file_names_line_and_column(world: World) -> None:
    header = ["Name", "Kind", "Phone", "Contact Name", "Contact Email"]
    data = to_csv(
        [
            {"Name": "Hub", "Kind": "early help", "Phone": "1"},
            {"Name": "hub", "Kind": "early help", "Phone": "2"},
            {"Name": "X", "Kind": "wizards"},
            {"Name": "Y", "Kind": "police", "Contact Email": "a@b.org"},
        ],
        header,
    )
    outcome = run(world, data, AgencyImporter)
    found = errors(outcome)
    assert any("line 3, column Phone" in e and "line 2" in e for e in found), found
    assert any("line 4, column Kind" in e for e in found), found
    assert any("line 5, column Contact Name" in e for e in found), found
    assert not Agency.objects.filter(school=world.school).exists()


def test_the_commands_import_the_documented_samples(world: World) -> None:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "import_agencies",
        str(DOCS / "import-agencies.csv"),
        school=world.school.urn,
        dry_run=True,
        stdout=out,
    )
    assert "Dry run" in out.getvalue()
    assert not Agency.objects.filter(school=world.school).exists()
    call_command(
        "import_agencies", str(DOCS / "import-agencies.csv"), school=world.school.urn, stdout=out
    )
    assert Agency.objects.filter(school=world.school).count() == 3
