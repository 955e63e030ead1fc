"""Importing a Common Transfer File as the school administrator: upload → preview →
confirm, keyed on UPN, all or nothing, the raw file kept and the import audited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pastoral.models import AuditEvent, Contact, ImportBatch, Learner, Role
from pastoral.upn import make_upn
from tests.conftest import World, sign_in
from tests.factories import LearnerFactory, UserFactory, YearGroupFactory, member

DOCS = Path(__file__).resolve().parents[2] / "docs" / "ctf"
V19_UPN, V19_FORMER, V25_UPN = "C873204126001", "E873204125999", "V873210726002"


def sample(name: str) -> bytes:
    return (DOCS / name).read_bytes()


def admin(client: Client, world: World) -> Client:
    return sign_in(client, world.user("admin"), school=world.school)


def upload(client: Client, data: bytes, name: str = "transfer.xml") -> Any:
    return client.post(
        reverse("pastoral:import-start"),
        {"kind": "ctf", "file": SimpleUploadedFile(name, data, content_type="application/xml")},
    )


def fingerprint(html: str) -> str:
    marker = 'name="fingerprint" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def preview(client: Client, data: bytes, name: str = "transfer.xml") -> tuple[ImportBatch, str]:
    response = upload(client, data, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.latest("pk")
    page = client.get(response["Location"])
    assert page.status_code == 200
    return batch, page.content.decode()


def confirm(client: Client, batch: ImportBatch, html: str) -> str:
    done = client.post(
        reverse("pastoral:import-confirm", args=[batch.pk]),
        {"fingerprint": fingerprint(html)},
        follow=True,
    )
    return done.content.decode()


@pytest.fixture
def year7(world: World) -> Any:
    """The school's first year: a Year 6 pupil's CTF joins it (the Year 6 → 7 transfer)."""
    return YearGroupFactory(school=world.school, number=7)


def test_a_version_19_file_previews_every_change_then_imports_learner_and_contacts(
    client: Client, world: World, year7: Any
) -> None:
    admin(client, world)
    batch, html = preview(client, sample("sample-v19.xml"))
    assert "Preview: nothing has been changed yet" in html
    assert "Fenside Primary School" in html and "CTF version 19.0" in html
    assert "Chidi Okafor" in html and V19_UPN in html
    assert "Year 6 in the file: joins Year 7" in html
    assert "Contact Ada Okafor" in html and "Mother" in html
    assert "Attendance 2025/26 at Fenside Primary School: 94.7% (360 of 380 sessions" in html
    assert "School history: Fenside Primary School, 4 Sep 2019 – 21 Jul 2026 (Transfer)" in html
    assert "Court order: the file flags one on Emeka Okafor" in html
    assert "Pupil/UnknownBlock" in html  # told, not fatal
    # The administrator has no case access: SEN and care values are never shown.
    assert "SEN status: (not shown)" in html.replace("</del>", "").replace("<li>", "")
    assert not Learner.objects.filter(upn=V19_UPN).exists()  # nothing written yet

    done = confirm(client, batch, html)
    assert "Imported: 1 created, 0 updated, 0 unchanged." in done
    learner = Learner.objects.get(school=world.school, upn=V19_UPN)
    assert (learner.legal_first_name, learner.legal_last_name) == ("Chidi", "Okafor")
    assert learner.date_of_birth == dt.date(2015, 3, 14) and learner.gender == "M"
    assert learner.year_group == year7 and learner.sen_status == "K" and not learner.looked_after
    ada, emeka = learner.contacts.order_by("priority")
    assert (ada.name, ada.title, ada.relationship, ada.priority) == (
        "Ada Okafor",
        "Mrs",
        "mother",
        1,
    )
    assert ada.parental_responsibility and ada.lives_with_learner and ada.address == ""
    assert (ada.phone, ada.email) == ("07700 900123", "ada.okafor@example.org")
    assert (emeka.relationship, emeka.lives_with_learner) == ("father", False)
    assert emeka.address == "40 Mill Lane\nEly" and "court order" in emeka.notes

    batch.refresh_from_db()
    assert batch.status == "applied" and bytes(batch.content) == sample("sample-v19.xml")
    (stored,) = batch.details["pupils"]
    assert stored["learner_id"] == learner.pk and stored["former_upns"] == [V19_FORMER]
    assert (
        stored["attendance"][0]["possible"] == 380 and stored["schools"][0]["reason"] == "Transfer"
    )
    assert stored["sen_needs"] == [{"rank": 1, "type": "SLCN", "start": "2022-09-05"}]
    event = AuditEvent.objects.get(action="pastoral.import.ctf")
    assert event.actor_id == world.user("admin").pk
    assert event.changes["created"] == 1 and event.changes["version"] == "19.0"
    assert event.changes["contacts_created"] == 2 and len(event.changes["sha256"]) == 64


def test_a_version_25_file_imports_a_looked_after_pupil_with_an_ehc_plan(
    client: Client, world: World, year7: Any
) -> None:
    admin(client, world)
    batch, html = preview(client, sample("sample-v25.xml"))
    assert "Attendance 2024/25 at LA 873 establishment 2107: 96.3%" in html
    done = confirm(client, batch, html)
    assert "1 created" in done
    learner = Learner.objects.get(upn=V25_UPN)
    assert learner.preferred_first_name == "Zosia" and learner.gender == "F"
    assert learner.looked_after and learner.sen_status == "E"
    (carer,) = learner.contacts.all()
    assert (carer.name, carer.relationship, carer.phone) == (
        "Gwen Hughes",
        "foster_carer",
        "07700 900456",
    )
    assert not carer.parental_responsibility
    batch.refresh_from_db()
    assert [y["year"] for y in batch.details["pupils"][0]["attendance"]] == ["2025", "2024"]
    assert batch.details["pupils"][0]["care_authority"] == "873"


def test_an_existing_learner_shows_old_and_new_values_and_a_rerun_is_unchanged(
    client: Client, world: World, year7: Any
) -> None:
    learner = LearnerFactory(
        year_group=year7, upn=V19_UPN, legal_first_name="Chid", legal_last_name="Okafor",
        date_of_birth=dt.date(2015, 3, 14), gender="M",
    )  # fmt: skip
    Contact.objects.create(
        learner=learner, name="Ada Okafor", relationship="mother", priority=1, phone="0111"
    )
    admin(client, world)
    batch, html = preview(client, sample("sample-v19.xml"))
    assert "<strong>0</strong> to create" in html and "<strong>1</strong> to update" in html
    assert "<del>Chid</del> → Chidi" in html
    assert "Ada Okafor: Phone: <del>0111</del> → 07700 900123" in html
    assert "Contact Emeka Okafor" in html  # new
    confirm(client, batch, html)
    learner.refresh_from_db()
    assert learner.legal_first_name == "Chidi" and learner.contacts.count() == 2

    _again, html = preview(client, sample("sample-v19.xml"))
    assert "<strong>1</strong> to update" not in html and "1 unchanged" in html
    assert "Unchanged" in html and "Chidi Okafor" in html  # every pupil is listed
    assert "there is nothing to import" in html


def test_a_former_upn_finds_the_learner_and_gives_them_the_new_upn(
    client: Client, world: World, year7: Any
) -> None:
    learner = LearnerFactory(
        year_group=year7, upn=V19_FORMER, legal_first_name="Chidi", legal_last_name="Okafor"
    )
    admin(client, world)
    batch, html = preview(client, sample("sample-v19.xml"))
    assert f"UPN: <del>{V19_FORMER}</del> → {V19_UPN}" in html
    confirm(client, batch, html)
    learner.refresh_from_db()
    assert learner.upn == V19_UPN
    assert Learner.objects.filter(school=world.school, legal_last_name="Okafor").count() == 1


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE CTfile [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<CTfile><Header><DocumentName>Common Transfer File</DocumentName><CTFversion>25.0</CTFversion>
</Header><CTFpupilData><Pupil><UPN>&secret;</UPN></Pupil></CTFpupilData></CTfile>"""


def _v25(**replace: str) -> bytes:
    data = sample("sample-v25.xml").decode()
    for old, new in replace.items():
        data = data.replace(old, new)
    return data.encode()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"upn,name\nA1,Sam\n", "Line 1, column 1: the XML is not well formed"),
        (
            b"<?xml version='1.0'?><ATfile/>",
            "The file starts with &lt;ATfile&gt;, not &lt;CTfile&gt;",
        ),
        (
            _v25(**{"<CTFversion>25.0</CTFversion>": "<CTFversion>12.0</CTFversion>"}),
            "CTF version 12.0 is not one Pastoral reads (versions 19 to 25)",
        ),
        (XXE, "declares XML entities or external references"),
        (
            _v25(**{f"<UPN>{V25_UPN}</UPN>": ""}),
            "Pupil 1 (Zofia Nowak) has no &lt;UPN&gt;",
        ),
        (
            _v25(**{V25_UPN: "B873210726002"}),
            "Pupil 1 (Zofia Nowak): &#x27;B873210726002&#x27; is not a valid UPN. "
            "The check letter does not match: expected V, found B.",
        ),
        (
            _v25(**{"<DOB>2015-01-02</DOB>": "<DOB>02/01/2015</DOB>"}),
            "Pupil 1 (Zofia Nowak) &lt;DOB&gt;: &#x27;02/01/2015&#x27; is not a date",
        ),
        (
            _v25(**{"<NCyearActual>6</NCyearActual>": "<NCyearActual>2</NCyearActual>"}),
            "Pupil 1 (Zofia Nowak): year &#x27;2&#x27; is not a year group of this school",
        ),
    ],
    ids=["not-xml", "wrong-root", "old-version", "xxe", "no-upn", "bad-upn", "bad-date", "year"],
)
def test_bad_input_is_explained_and_nothing_is_written(
    client: Client, world: World, year7: Any, data: bytes, expected: str
) -> None:
    admin(client, world)
    learners, contacts = Learner.objects.count(), Contact.objects.count()
    _batch, html = preview(client, data)
    assert "Nothing can be imported" in html
    assert expected in html
    assert "Import these changes" not in html
    assert "/etc/passwd" not in html and "root:" not in html
    assert (Learner.objects.count(), Contact.objects.count()) == (learners, contacts)


def test_a_pupil_problem_names_the_pupil_and_its_line(
    client: Client, world: World, year7: Any
) -> None:
    admin(client, world)
    _batch, html = preview(client, _v25(**{V25_UPN: "B873210726002"}))
    # The <Pupil> starts on line 15 of the sample; the element is named.
    assert "<td>15</td><td>&lt;UPN&gt;</td>" in html.replace("\n", "").replace("  ", "")


def test_unknown_and_missing_optional_elements_are_tolerated(
    client: Client, world: World, year7: Any
) -> None:
    upn = make_upn(873, 2107, 26, 7)
    data = (
        "<CTfile><Header><DocumentName>Common Transfer File</DocumentName>"
        "<CTFversion>24.0</CTFversion><Novelty>x</Novelty></Header><CTFpupilData><Pupil>"
        f"<UPN>{upn}</UPN><Surname>Lee</Surname><Forename>Sam</Forename><DOB>2014-05-06</DOB>"
        "<BasicDetails><NCyearActual>7</NCyearActual><Mystery/></BasicDetails>"
        "<FutureThing>ignored</FutureThing></Pupil></CTFpupilData></CTfile>"
    ).encode()
    admin(client, world)
    batch, html = preview(client, data)
    assert "Pupil/FutureThing" in html
    assert "1 created" in confirm(client, batch, html)
    learner = Learner.objects.get(upn=upn)
    assert learner.gender == "X" and learner.contacts.count() == 0 and learner.year_group == year7


def test_a_new_pupil_without_a_date_of_birth_is_refused_by_name(
    client: Client, world: World, year7: Any
) -> None:
    admin(client, world)
    _batch, html = preview(client, _v25(**{"<DOB>2015-01-02</DOB>": ""}))
    assert "Pupil 1 (Zofia Nowak): &lt;DOB&gt; is missing; a new learner needs it" in html
    assert not Learner.objects.filter(upn=V25_UPN).exists()


def test_the_confirm_refuses_when_the_data_changed_since_the_preview(
    client: Client, world: World, year7: Any
) -> None:
    admin(client, world)
    batch, html = preview(client, sample("sample-v19.xml"))
    LearnerFactory(
        year_group=year7, upn=V19_UPN, legal_first_name="Someone", legal_last_name="Else"
    )
    done = confirm(client, batch, html)
    assert "Nothing was imported" in done and "The data changed since the preview" in done
    assert Learner.objects.get(upn=V19_UPN).legal_first_name == "Someone"
    assert not Contact.objects.filter(name="Ada Okafor").exists()
    batch.refresh_from_db()
    assert batch.status == "pending"


def test_a_failure_while_writing_leaves_nothing_written(
    client: Client, world: World, year7: Any
) -> None:
    """Atomic: a database refusal part-way (the contact insert) rolls back the learners."""
    from django.db import connection

    admin(client, world)
    batch, html = preview(client, sample("sample-v19.xml"))
    if connection.vendor == "postgresql":
        create = [
            "CREATE FUNCTION refuse_contacts() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_contacts BEFORE INSERT ON pastoral_contact "
            "FOR EACH ROW EXECUTE FUNCTION refuse_contacts()",
        ]
        drop = [
            "DROP TRIGGER refuse_contacts ON pastoral_contact",
            "DROP FUNCTION refuse_contacts()",
        ]
    else:
        create = [
            "CREATE TRIGGER refuse_contacts BEFORE INSERT ON pastoral_contact "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        ]
        drop = ["DROP TRIGGER refuse_contacts"]
    with connection.cursor() as cursor:
        for sql in create:
            cursor.execute(sql)
    try:
        with pytest.raises(Exception, match="refused"):
            confirm(client, batch, html)
    finally:
        with connection.cursor() as cursor:
            for sql in drop:
                cursor.execute(sql)
    assert not Learner.objects.filter(upn=V19_UPN).exists()
    assert not AuditEvent.objects.filter(action="pastoral.import.ctf").exists()
    batch.refresh_from_db()
    assert batch.status == "pending"


def test_the_raw_file_is_downloadable_by_the_administrator_and_audited(
    client: Client, world: World, year7: Any
) -> None:
    admin(client, world)
    batch, html = preview(client, sample("sample-v25.xml"))
    confirm(client, batch, html)
    page = client.get(reverse("pastoral:import-detail", args=[batch.pk])).content.decode()
    url = reverse("pastoral:import-file", args=[batch.pk])
    assert f'href="{url}"' in page and "Zofia Nowak" in page
    response = client.get(url)
    assert response.status_code == 200 and response.content == sample("sample-v25.xml")
    assert response["Content-Type"] == "application/xml"
    event = AuditEvent.objects.get(action="pastoral.import.downloaded")
    assert event.changes["bytes"] == len(sample("sample-v25.xml"))


def test_a_csv_import_still_drops_its_copy_once_applied(client: Client, world: World) -> None:
    from tests.pastoral.importdata import learners_csv

    admin(client, world)
    response = client.post(
        reverse("pastoral:import-start"),
        {"kind": "learners", "file": SimpleUploadedFile("l.csv", learners_csv(1))},
    )
    batch = ImportBatch.objects.latest("pk")
    html = client.get(response["Location"]).content.decode()
    confirm(client, batch, html)
    batch.refresh_from_db()
    assert batch.status == "applied" and bytes(batch.content) == b""
    assert client.get(reverse("pastoral:import-file", args=[batch.pk])).status_code == 404


@pytest.mark.parametrize("role", ["staff", "support", "hoy", "senco", "dsl"])
def test_only_the_administrator_may_import_a_ctf(client: Client, world: World, role: str) -> None:
    sign_in(client, world.user(role), school=world.school)
    assert upload(client, sample("sample-v25.xml")).status_code == 404
    assert not ImportBatch.objects.exists()


# Session, user (the standing is cached), the batch, year groups, reg groups, the
# school's learners; then their contacts and the contacts' restrictions.
CTF_PREVIEW_QUERIES = 8


def _pupils_ctf(size: int) -> bytes:
    pupils = "".join(
        f"<Pupil><UPN>{make_upn(873, 2107, 26, n)}</UPN><Surname>Pupil{n}</Surname>"
        f"<Forename>Test</Forename><DOB>2014-05-06</DOB><Sex>F</Sex>"
        "<BasicDetails><NCyearActual>7</NCyearActual></BasicDetails>"
        "<Contacts><Contact><Order>1</Order><Surname>Parent</Surname><Forename>A</Forename>"
        "<Relationship>PAM</Relationship><Responsibility>true</Responsibility></Contact>"
        "</Contacts></Pupil>"
        for n in range(size)
    )
    return (
        "<CTfile><Header><DocumentName>Common Transfer File</DocumentName>"
        f"<CTFversion>25.0</CTFversion></Header><CTFpupilData>{pupils}</CTFpupilData></CTfile>"
    ).encode()


def test_the_preview_query_count_is_pinned_and_independent_of_the_file(
    client: Client, world: World, year7: Any, django_assert_num_queries: Any
) -> None:
    admin(client, world)
    batch, html = preview(client, _pupils_ctf(60))
    confirm(client, batch, html)  # the learners and their contacts now exist
    for size in (2, 60):
        location = upload(client, _pupils_ctf(size).replace(b"<Forename>A<", b"<Forename>B<"))[
            "Location"
        ]
        client.get(location)  # the standing is cached from here on
        with django_assert_num_queries(CTF_PREVIEW_QUERIES):
            assert client.get(location).status_code == 200
        with django_assert_num_queries(CTF_PREVIEW_QUERIES):
            assert client.get(location + "?page=2").status_code == 200


def test_round_trip_a_leaver_exported_by_one_school_arrives_identical_at_another(
    client: Client, world: World
) -> None:
    """School A exports a leaver's CTF (the existing export); school B imports it."""
    learner = world.learner9
    learner.preferred_first_name = "Nin"
    learner.sen_status = "E"
    learner.looked_after = True
    learner.save()
    Contact.objects.create(
        learner=learner, title="Mrs", name="Ada Okafor", relationship="mother", priority=1,
        parental_responsibility=True, phone="07700 900123", mobile="01223 000111",
        email="ada@example.org",
    )  # fmt: skip
    Contact.objects.create(
        learner=learner, name="Emeka Okafor", relationship="father", priority=2,
        parental_responsibility=True, lives_with_learner=False, address="40 Mill Lane\nEly",
    )  # fmt: skip
    Contact.objects.create(
        learner=learner, name="Gwen Hughes", relationship="foster_carer", priority=3
    )
    sign_in(client, world.user("admin"), school=world.school)
    exported = client.post(
        reverse("caseload_reports:leaver-ctf", args=[learner.pk]),
        {"source_estab": "4012", "dest_la": "873", "dest_estab": "2041"},
    )
    assert exported.status_code == 200

    other_admin = member(UserFactory(full_name="Bea Bursar"), world.other_school, Role.ADMIN)
    client.logout()
    sign_in(client, other_admin, school=world.other_school)
    batch, html = preview(client, exported.content, name=f"{learner.upn}.xml")
    assert "Imported: 1 created, 0 updated, 0 unchanged." in confirm(client, batch, html)
    arrived = Learner.objects.get(school=world.other_school, upn=learner.upn)

    learner_fields = [
        "upn", "legal_first_name", "legal_last_name", "preferred_first_name",
        "preferred_last_name", "date_of_birth", "gender", "sen_status", "looked_after",
    ]  # fmt: skip
    assert [getattr(arrived, f) for f in learner_fields] == [
        getattr(learner, f) for f in learner_fields
    ]
    assert arrived.year_group.number == learner.year_group.number
    contact_fields = [
        "title", "name", "relationship", "parental_responsibility", "lives_with_learner",
        "priority", "phone", "mobile", "email", "address",
    ]  # fmt: skip

    def contacts_of(someone: Learner) -> list[list[Any]]:
        return [
            [getattr(c, f) for f in contact_fields] for c in someone.contacts.order_by("priority")
        ]

    assert contacts_of(arrived) == contacts_of(learner)
    batch.refresh_from_db()
    assert batch.details["source"]["estab"] == "4012"
