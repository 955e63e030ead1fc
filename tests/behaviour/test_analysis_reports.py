"""Behaviour in the transfer report and the caseload review: read back from the PDF."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from pastoral.reports.models import ReportJob
from tests.behaviour.helpers import detention, incident, kind
from tests.behaviour.oncall_helpers import removal
from tests.conftest import sign_in
from tests.reports.conftest import job_text


def _job(client: Any, world: Any, role: str, url: str, data: dict[str, Any]) -> ReportJob:
    sign_in(client, world.user(role), school=world.school)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ReportJob.objects.latest("id")
    assert job.status == ReportJob.Status.DONE, job.error
    return job


def _record(world: Any) -> None:
    teacher = world.user("staff")
    incident(world.learner9, teacher, name="Excellent work")
    incident(world.learner9, teacher, name="Excellent work")
    incident(world.learner9, teacher, note="<script>alert(1)</script>")
    detention(world.learner9, world.user("dsl"))
    removal(world.learner9, teacher)


def test_the_transfer_report_has_a_behaviour_section(world: Any, client: Any) -> None:
    _record(world)
    job = _job(
        client,
        world,
        "hoy",
        reverse("caseload_reports:transfer", args=[world.learner9.pk]),
        {"sections": ["profile", "behaviour"], "destination": "Riverside Academy"},
    )
    text = job_text(job)
    good = kind(world.school, "Excellent work").default_points
    rude = kind(world.school, "Rudeness to staff").default_points
    assert "Behaviour this school year" in text
    assert f"Positive points {2 * good}" in text
    assert f"Negative points {rude}" in text
    assert f"Net points {2 * good + rude}" in text
    assert "Detentions 1" in text and "Removals from class 1" in text
    assert "Suspensions 0 (0 days)" in text
    assert "Excellent work Positive 2" in text
    assert "Rudeness to staff Negative 1" in text
    assert "alert(1)" not in text


def test_the_caseload_review_has_behaviour_per_learner(world: Any, client: Any) -> None:
    from tests.reports.data import full_record

    full_record(world)
    _record(world)
    job = _job(client, world, "senco", reverse("caseload_reports:caseload-review"), {})
    text = job_text(job)
    good = kind(world.school, "Excellent work").default_points
    rude = kind(world.school, "Rudeness to staff").default_points
    assert "Behaviour since" in text
    assert "Negative incidents" in text and "Suspension days" in text
    assert f"Nina Nine Year 9 {2 * good + rude} 1 1 1 0" in text
