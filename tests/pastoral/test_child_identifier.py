"""The consistent child identifier (issue 16): optional and validated on the
learner, carried by the learner import, shown on the directory card, printed in
the transfer report and carried in the JSON bundle, where a mismatch refuses the
import."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pastoral.imports.learners import LearnerImporter
from pastoral.models import Learner
from pastoral.reports import bundle as bundles
from pastoral.reports.models import ImportedBundle, ReportJob
from tests.conftest import World, sign_in
from tests.factories import LearnerFactory, YearGroupFactory
from tests.pastoral.importdata import LEARNER_HEADER, learner_row, to_csv, upn
from tests.reports.conftest import job_text

HEADER = [*LEARNER_HEADER, "Child Identifier"]


def _run(world: World, rows: list[dict[str, str]]) -> Any:
    return LearnerImporter(school=world.school, actor=world.user("admin"), filename="t.csv").run(
        to_csv(rows, HEADER)
    )


def _errors(outcome: Any) -> list[tuple[int | None, str, str]]:
    return [(e.line, e.column, e.reason) for e in outcome.errors]


def test_the_import_stores_it_normalised_and_the_card_shows_it(world: World, client: Any) -> None:
    outcome = _run(
        world,
        [
            learner_row(1, **{"Child Identifier": "ab12-cd 34"}),
            learner_row(2, **{"Child Identifier": ""}),
        ],
    )
    assert outcome.applied, _errors(outcome)
    first = Learner.objects.get(school=world.school, upn=upn(1))
    assert first.child_identifier == "AB12CD34"
    assert Learner.objects.get(school=world.school, upn=upn(2)).child_identifier == ""
    sign_in(client, world.user("staff"), school=world.school)
    card = client.get(reverse("pastoral:learner-detail", args=[first.pk])).content.decode()
    assert "Child identifier" in card and "AB12CD34" in card


def test_a_bad_or_repeated_identifier_is_named_by_line_and_column_and_nothing_is_saved(
    world: World,
) -> None:
    before = Learner.objects.filter(school=world.school).count()
    outcome = _run(
        world,
        [
            learner_row(1, **{"Child Identifier": "AB12CD34"}),
            learner_row(2, **{"Child Identifier": "AB12CD34"}),
            learner_row(3, **{"Child Identifier": "X1"}),
            learner_row(4, **{"Child Identifier": "AB£12345"}),
        ],
    )
    assert not outcome.applied
    errors = _errors(outcome)
    assert (3, "Child Identifier") in [(line, column) for line, column, _ in errors]
    assert any(line == 3 and "more than once" in reason for line, _, reason in errors)
    assert any(line == 4 and "6 to 20" in reason for line, _, reason in errors)
    assert any(line == 5 and "letters and digits only" in reason for line, _, reason in errors)
    assert Learner.objects.filter(school=world.school).count() == before


def test_an_identifier_another_learner_holds_is_refused(world: World) -> None:
    world.learner9.child_identifier = "HELD000001"
    world.learner9.save()
    outcome = _run(world, [learner_row(7, **{"Child Identifier": "held-000001"})])
    assert not outcome.applied
    assert any(
        column == "Child Identifier" and world.learner9.upn in reason
        for _, column, reason in _errors(outcome)
    )
    assert not Learner.objects.filter(school=world.school, upn=upn(7)).exists()


def test_the_model_refuses_a_malformed_identifier(world: World) -> None:
    world.learner9.child_identifier = "no spaces allowed"
    with pytest.raises(ValidationError) as caught:
        world.learner9.full_clean()
    assert "child_identifier" in caught.value.message_dict


def test_the_transfer_report_prints_it(world: World, client: Any) -> None:
    world.learner9.child_identifier = "CCI2026X9"
    world.learner9.save()
    sign_in(client, world.user("hoy"), school=world.school)
    response = client.post(
        reverse("caseload_reports:transfer", args=[world.learner9.pk]),
        {"sections": ["profile"], "destination": "Riverside Academy"},
    )
    assert response.status_code == 302
    job = ReportJob.objects.latest("id")
    assert job.status == ReportJob.Status.DONE, job.error
    text = job_text(job)
    assert "Consistent child identifier" in text and "CCI2026X9" in text


def _bundle(world: World, client: Any) -> bytes:
    sign_in(client, world.user("dsl"), school=world.school)
    response = client.post(reverse("caseload_reports:bundle", args=[world.learner9.pk]))
    assert response.status_code == 302
    job = ReportJob.objects.latest("id")
    assert job.status == ReportJob.Status.DONE, job.error
    return b"".join(client.get(reverse("reports:job-download", args=[job.pk])).streaming_content)


def _arrival(world: World, identifier: str) -> Learner:
    return LearnerFactory(
        year_group=YearGroupFactory(school=world.other_school, number=9),
        upn=world.learner9.upn,
        date_of_birth=world.learner9.date_of_birth,
        child_identifier=identifier,
    )


def _import(world: World, client: Any, raw: bytes) -> Any:
    sign_in(client, world.outsider, school=world.other_school)
    upload = SimpleUploadedFile("bundle.json", raw, content_type="application/json")
    return client.post(reverse("reports:bundle-import"), {"bundle": upload})


def test_the_bundle_carries_it_and_a_different_child_is_refused(world: World, client: Any) -> None:
    world.learner9.child_identifier = "CCI2026X9"
    world.learner9.save()
    raw = _bundle(world, client)
    document = bundles.validate(raw)
    assert document["bundle"]["learner"]["child_identifier"] == "CCI2026X9"
    _arrival(world, "OTHERCHILD1")
    refused = _import(world, client, raw)
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "consistent child identifier" in page and "CCI2026X9" in page
    assert not ImportedBundle.objects.exists()


def test_a_bundle_for_the_same_child_imports(world: World, client: Any) -> None:
    world.learner9.child_identifier = "CCI2026X9"
    world.learner9.save()
    raw = _bundle(world, client)
    assert json.loads(raw)["version"] == "1.2"
    arrival = _arrival(world, "CCI2026X9")
    response = _import(world, client, raw)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ImportedBundle.objects.get().learner == arrival
