"""The transfer bundle: exported by one school's DSL, imported by another's,
checked against the schema and checksum, a tampered bundle refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pastoral.models import AuditEvent
from pastoral.reports import bundle as bundles
from pastoral.reports.models import ImportedBundle, ImportedEntry, ReportJob
from tests.conftest import sign_in
from tests.factories import LearnerFactory, UserFactory, YearGroupFactory, member
from tests.reports.data import full_record


def _export(world: Any, client: Any) -> bytes:
    full_record(world)
    sign_in(client, world.user("dsl"), school=world.school)
    response = client.post(reverse("caseload_reports:bundle", args=[world.learner9.pk]))
    assert response.status_code == 302
    job = ReportJob.objects.latest("id")
    assert job.status == ReportJob.Status.DONE, job.error
    download = client.get(reverse("reports:job-download", args=[job.pk]))
    assert download["Content-Type"] == "application/json"
    return b"".join(download.streaming_content)


def _arrival(world: Any) -> Any:
    """The same child, now on roll at the other school (imported from its MIS)."""
    return LearnerFactory(
        year_group=YearGroupFactory(school=world.other_school, number=9),
        upn=world.learner9.upn,
        date_of_birth=world.learner9.date_of_birth,
        legal_first_name="Nina",
        legal_last_name="Nine",
    )


def _import(client: Any, world: Any, raw: bytes) -> Any:
    sign_in(client, world.outsider, school=world.other_school)
    upload = SimpleUploadedFile("bundle.json", raw, content_type="application/json")
    return client.post(reverse("reports:bundle-import"), {"bundle": upload})


def test_the_bundle_is_valid_against_its_documented_schema(world: Any, client: Any) -> None:
    raw = _export(world, client)
    document = bundles.validate(raw)
    assert document["format"] == "pastoral-transfer-bundle"
    assert document["version"] == "1.2"
    assert document["checksum"]["value"] == bundles.checksum(document["bundle"])
    levels = {item.get("level") for item in document["bundle"]["chronology"]}
    assert "restricted" in levels


def test_a_bundle_round_trips_between_two_schools(world: Any, client: Any) -> None:
    raw = _export(world, client)
    arrival = _arrival(world)
    response = _import(client, world, raw)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("reports:imported-records", args=[arrival.pk])
    imported = ImportedBundle.objects.get()
    assert imported.school == world.other_school
    assert imported.learner == arrival
    assert imported.origin_school == "Oakfield Test School"
    assert imported.attendance_summary["possible"] == 10
    kinds = set(ImportedEntry.objects.values_list("kind", flat=True))
    assert {"concern", "action", "plan", "review", "contact", "session", "attendance"} <= kinds
    restricted = ImportedEntry.objects.filter(level="restricted")
    assert restricted.filter(body__contains="RESTRICTED disclosure about home").exists()
    # Every entry keeps its origin and its reference in the sending school.
    assert not ImportedEntry.objects.filter(origin_ref="").exists()
    page = client.get(response["Location"])
    assert b"Imported from Oakfield Test School" in page.content
    assert b"RESTRICTED disclosure about home" in page.content
    # The attendance summary reads as the profile's does, not as a raw dump.
    text = page.content.decode()
    assert "of 10 possible sessions" in text and "Attendance there" in text
    assert "Attendancepct" not in text and "Nosessions" not in text
    assert AuditEvent.objects.filter(
        action="reports.bundle.imported", school=world.other_school
    ).exists()
    # The receiving school's learner profile merges the imported chronology into
    # its timeline, each entry titled with where it came from.
    profile = client.get(reverse("caseload:profile", args=[arrival.pk]))
    assert profile.status_code == 200
    assert "Imported from Oakfield Test School" in profile.content.decode()


def test_imported_restricted_entries_are_for_dsls_only(world: Any, client: Any) -> None:
    raw = _export(world, client)
    arrival = _arrival(world)
    assert _import(client, world, raw).status_code == 302
    hoy = member(
        UserFactory(full_name="Other Hoy"), world.other_school, "hoy", years=[arrival.year_group]
    )
    sign_in(client, hoy, school=world.other_school)
    page = client.get(reverse("reports:imported-records", args=[arrival.pk]))
    assert page.status_code == 200
    assert b"Pastoral worry" in page.content
    assert b"RESTRICTED disclosure" not in page.content


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (
            lambda d: d["bundle"]["chronology"][0].update(title="Nothing to see"),
            "The checksum does not match the contents",
        ),
        (lambda d: d["bundle"].pop("plans"), "does not match the version 1 schema"),
        (lambda d: d.update(version="2.0"), "Bundle version 2.0 is not supported"),
        (lambda d: d.update(format="something-else"), "not a Pastoral transfer bundle"),
    ],
)
def test_a_tampered_bundle_is_refused_with_a_reason(
    world: Any, client: Any, tamper: Any, reason: str
) -> None:
    document = json.loads(_export(world, client))
    tamper(document)
    _arrival(world)
    response = _import(client, world, json.dumps(document).encode())
    assert response.status_code == 422
    assert reason in response.content.decode()
    assert not ImportedBundle.objects.exists()
    assert not ImportedEntry.objects.exists()


def test_not_json_is_refused(world: Any, client: Any) -> None:
    response = _import(client, world, b"\x89PNG not a bundle")
    assert response.status_code == 422
    assert "not UTF-8 text" in response.content.decode()


def test_a_learner_not_on_roll_is_refused(world: Any, client: Any) -> None:
    raw = _export(world, client)
    response = _import(client, world, raw)
    assert response.status_code == 422
    assert f"No learner with UPN {world.learner9.upn} is on roll here" in response.content.decode()


def test_the_same_bundle_is_imported_once(world: Any, client: Any) -> None:
    raw = _export(world, client)
    _arrival(world)
    assert _import(client, world, raw).status_code == 302
    again = _import(client, world, raw)
    assert again.status_code == 422
    assert "already been imported" in again.content.decode()
    assert ImportedBundle.objects.count() == 1
