"""The leaver's Common Transfer File, downloaded by the school administrator:
MIS data that reads back as the school holds it, never safeguarding content."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from pastoral import ctf
from pastoral.models import AuditEvent, Contact
from tests.attendance.helpers import calendar, marks
from tests.conftest import sign_in


def _download(client: Any, world: Any, **data: str) -> Any:
    sign_in(client, world.user("admin"), school=world.school)
    return client.post(
        reverse("caseload_reports:leaver-ctf", args=[world.learner9.pk]),
        {"source_estab": "4012", "dest_la": "873", "dest_estab": "2041", **data},
    )


def test_the_file_reads_back_with_contacts_sen_and_attendance(world: Any, client: Any) -> None:
    learner = world.learner9
    learner.sen_status = "K"
    learner.looked_after = True
    learner.save()
    Contact.objects.create(
        learner=learner, name="Ada Okafor", relationship="mother", priority=1,
        parental_responsibility=True, phone="07700 900123", email="ada@example.org",
    )  # fmt: skip
    Contact.objects.create(
        learner=learner, name="Emeka Okafor", relationship="father", priority=2,
        lives_with_learner=False, address="40 Mill Lane\nEly",
    )  # fmt: skip
    calendar(world.school)
    marks(learner, "////N/////")  # 10 sessions: 9 present, 1 unauthorised (N)
    response = _download(client, world)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert learner.upn in response["Content-Disposition"]
    file = ctf.read(response.content)
    assert (file.header.destination.la, file.header.destination.estab) == ("873", "2041")
    assert file.header.source.estab == "4012" and file.header.source.urn == world.school.urn
    (pupil,) = file.pupils
    assert pupil.upn == learner.upn and pupil.date_of_birth == learner.date_of_birth
    assert pupil.looked_after and pupil.sen_provision == "K"
    assert [(c.forename, c.surname, c.relationship) for c in pupil.contacts] == [
        ("Ada", "Okafor", "PAM"),
        ("Emeka", "Okafor", "PAF"),
    ]
    assert pupil.contacts[0].address_as_pupil and "40 Mill Lane" in pupil.contacts[1].address
    (year,) = pupil.attendance
    assert (year.year, year.possible, year.attended, year.unauthorised) == ("2025", 10, 9, 1)


def test_no_safeguarding_content_travels_in_a_ctf(world: Any, client: Any) -> None:
    from tests.safeguarding.helpers import log_concern

    log_concern(
        world, learners=[world.learner9], restricted=True,
        description="Disclosure: CTF-MUST-NOT-CARRY-THIS",
    )  # fmt: skip
    response = _download(client, world)
    assert b"CTF-MUST-NOT-CARRY-THIS" not in response.content
    assert b"Concern" not in response.content


def test_the_export_is_audited(world: Any, client: Any) -> None:
    _download(client, world)
    event = AuditEvent.objects.get(action="caseload.ctf.exported")
    assert event.learner_id == world.learner9.pk
    assert event.actor_id == world.user("admin").pk
    assert event.changes["to_estab"] == "2041"


def test_a_wrong_establishment_number_is_told_beside_the_field_and_nothing_is_written(
    world: Any, client: Any
) -> None:
    response = _download(client, world, source_estab="41", dest_la="87")
    assert response.status_code == 422
    page = response.content.decode()
    assert "Four digits (MMMM when not known)." in page
    assert "Three digits (MMM when not known)." in page
    assert not AuditEvent.objects.filter(action="caseload.ctf.exported").exists()
