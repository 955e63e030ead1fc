"""The attendance import through its page: encodings, the two MIS shapes,
the preview of every change, confirm, and problems by line and column."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from attendance.models import ImportJob, Mark
from pastoral.models import Closure
from tests.attendance.helpers import calendar
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

DOCS = Path(settings.BASE_DIR) / "docs"


@pytest.fixture
def admin(world: Any, client: Client) -> Client:
    calendar(world.school)
    world.learner9.legal_last_name = "Zoë-Ånström"
    world.learner9.save()
    sign_in(client, world.user("admin"), school=world.school)
    return client


def _upload(client: Client, data: bytes, name: str = "marks.csv") -> Any:
    return client.post(
        reverse("attendance:import"), {"file": SimpleUploadedFile(name, data, "text/csv")}
    )


def _preview(client: Client, data: bytes) -> Any:
    response = _upload(client, data)
    assert response.status_code == 302, response.content.decode()[:1500]
    return client.get(response["Location"])


def _confirm(client: Client, preview: Any, capture: Any) -> ImportJob:
    job = preview.context["job"]
    with capture(execute=True):
        response = client.post(
            reverse("attendance:import-confirm", kwargs={"pk": job.pk}),
            {"fingerprint": preview.context["fingerprint"]},
        )
    assert response.status_code == 302
    job.refresh_from_db()
    return job


def _long(world: Any, note: str = "") -> str:
    upn = world.learner9.upn
    return (
        f"UPN,Date,Session,Code,Minutes late,Note\n"
        f"{upn},2025-11-03,AM,/,,{note}\n{upn},2025-11-03,PM,L,12,{note}\n"
    )


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "cp1252", "utf-16"],
)
def test_each_encoding_is_read(
    world: Any, admin: Client, encoding: str, django_capture_on_commit_callbacks: Any
) -> None:
    # A note with "£" and "é": bytes that differ in every one of these encodings.
    data = _long(world, note="Café £5 trip").encode(encoding)
    if encoding == "utf-16":
        assert data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    preview = _preview(admin, data)
    assert preview.status_code == 200 and "Confirm and import" in preview.text
    job = _confirm(admin, preview, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.DONE
    assert sorted(Mark.objects.values_list("session", "code", "minutes_late")) == [
        ("AM", "/", None),
        ("PM", "L", 12),
    ]


def test_an_unreadable_file_is_refused_beside_the_field(world: Any, admin: Client) -> None:
    # UTF-16 without its byte-order mark, and a spreadsheet saved as .csv.
    for data in (_long(world).encode("utf-16-le"), b"PK\x03\x04\x14\x00\x06\x00\x81\x8d"):
        response = _upload(admin, data)
        assert response.status_code == 422
        assert "could not read this file" in response.text
        assert "CSV UTF-8" in response.text
    assert not ImportJob.objects.exists()


def test_the_preview_lists_every_change_by_learner_and_date(
    world: Any, admin: Client, django_capture_on_commit_callbacks: Any
) -> None:
    upn = world.learner9.upn
    Mark.objects.create(
        school=world.school, learner=world.learner9, date="2025-11-03", session="AM", code="/"
    )
    Mark.objects.create(
        school=world.school, learner=world.learner9, date="2025-11-04", session="AM", code="N"
    )
    Mark.objects.create(
        school=world.school, learner=world.learner9, date="2025-11-06", session="PM", code="/"
    )
    body = (
        "UPN,Date,Session,Code\n"
        f"{upn},2025-11-03,AM,/\n"  # unchanged
        f"{upn},2025-11-04,AM,I\n"  # changed N -> I
        f"{upn},2025-11-07,AM,/\n"  # new
    )  # 2025-11-06 PM: in the file's dates but not in the file -> removed
    preview = _preview(admin, body.encode())
    counts = preview.context["counts"]
    assert (counts["new"], counts["changed"], counts["unchanged"], counts["removed"]) == (
        1,
        1,
        1,
        1,
    )
    text = preview.text
    assert "Zoë-Ånström" in text
    assert "N → <strong>I</strong>" in text
    assert "Tue 4 Nov 2025" in text and "Fri 7 Nov 2025" in text
    assert "Mon 3 Nov 2025" not in text  # unchanged days only on request
    assert "Mon 3 Nov 2025" in admin.get(preview.request["PATH_INFO"], {"show": "all"}).text
    assert Mark.objects.count() == 3  # nothing written by the preview
    job = _confirm(admin, preview, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.DONE
    assert sorted(Mark.objects.values_list("date", "session", "code")) == [
        (__import__("datetime").date(2025, 11, 3), "AM", "/"),
        (__import__("datetime").date(2025, 11, 4), "AM", "I"),
        (__import__("datetime").date(2025, 11, 7), "AM", "/"),
    ]


def test_a_preview_gone_stale_is_refused(world: Any, admin: Client) -> None:
    preview = _preview(admin, _long(world).encode())
    Mark.objects.create(
        school=world.school, learner=world.learner9, date="2025-11-03", session="AM", code="N"
    )
    job = preview.context["job"]
    response = admin.post(
        reverse("attendance:import-confirm", kwargs={"pk": job.pk}),
        {"fingerprint": preview.context["fingerprint"]},
    )
    assert response.status_code == 422 and "changed since the preview" in response.text
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW
    assert Mark.objects.count() == 1


def test_one_row_per_learner_with_sessions_as_columns(
    world: Any, admin: Client, django_capture_on_commit_callbacks: Any
) -> None:
    body = (
        "UPN,Surname,Forename,2025-11-03 AM,2025-11-03 PM,Tue 04/11/2025 AM,2025-11-04 PM\n"
        f"{world.learner9.upn},Nine,Nina,/,\\,L,\n"
        f"{world.learner10.upn},Ten,Tess,N,N,,\n"
    )
    preview = _preview(admin, body.encode())
    assert "One row per learner, a column per session" in preview.text
    assert preview.context["counts"]["new"] == 5
    _confirm(admin, preview, django_capture_on_commit_callbacks)
    assert Mark.objects.filter(learner=world.learner9).count() == 3
    assert Mark.objects.filter(learner=world.learner10, code="N").count() == 2


def test_a_wide_files_problems_name_its_own_line_and_column(world: Any, admin: Client) -> None:
    body = (
        "UPN,Surname,2025-11-03 AM,2025-11-03 PM,2025-11-05 AM\n"
        f"{world.learner9.upn},Nine,/,Q9,\n"
        "A000000000000,Nobody,/,/,\n"
    )
    Closure.objects.create(school=world.school, date="2025-11-05", kind="inset", name="INSET")
    body += f"{world.learner10.upn},Ten,/,/,/\n"
    preview = _preview(admin, body.encode())
    errors = [(e.line, e.column, e.reason) for e in preview.context["result"].errors]
    assert (
        2,
        "2025-11-03 PM",
        "'Q9' is not a DfE attendance code (2024 code set); see the code table on the import page",
    ) in errors
    assert [e for e in errors if e[0] == 3] == [
        (3, "UPN", "no learner with UPN A000000000000 in this school")
    ]
    closure = [e for e in errors if e[0] == 4]
    assert closure and closure[0][1] == "2025-11-05 AM" and "school closure" in closure[0][2]
    assert "Nothing can be imported" in preview.text


def test_a_date_outside_the_terms_names_the_row_and_how_to_add_terms(
    world: Any, admin: Client
) -> None:
    upn = world.learner9.upn
    body = f"UPN,Date,Session,Code\n{upn},2025-11-03,AM,/\n{upn},2025-12-23,AM,/\n"
    preview = _preview(admin, body.encode())
    (error,) = preview.context["result"].errors
    assert error.line == 3 and error.column == "Date"
    assert "outside the school's terms" in error.reason
    assert "School settings > Term dates" in error.reason
    assert "3</td><td>Date</td>" in preview.text
    assert Mark.objects.count() == 0


def test_the_documented_samples_import(
    world: Any, admin: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """docs/attendance-marks-long.csv and -wide.csv, with their UPNs given to
    the world's learners, import as documented."""
    from pastoral.models import Learner

    long = (DOCS / "attendance-marks-long.csv").read_text()
    wide = (DOCS / "attendance-marks-wide.csv").read_text()
    upns = sorted({line.split(",")[0] for line in long.splitlines()[1:] if line})
    assert len(upns) == 2
    Learner.objects.filter(pk=world.learner9.pk).update(upn=upns[0])
    Learner.objects.filter(pk=world.learner10.pk).update(upn=upns[1])
    for body in (long, wide):
        preview = _preview(admin, body.encode())
        assert not preview.context["result"].errors, preview.context["result"].errors
        _confirm(admin, preview, django_capture_on_commit_callbacks)
    # The two samples hold the same marks: the second import changes nothing.
    job = ImportJob.objects.order_by("-pk").first()
    assert job.summary.get("created", 0) == 0 and job.summary.get("updated", 0) == 0


def test_an_upload_never_confirmed_is_deleted_a_day_later(world: Any, admin: Client) -> None:
    import datetime as dt

    from django.utils import timezone

    _upload(admin, _long(world).encode())
    ImportJob.objects.update(created_at=timezone.now() - dt.timedelta(days=2))
    _upload(admin, _long(world).encode())
    assert ImportJob.objects.count() == 1
    assert ImportJob.objects.get().created_at > timezone.now() - dt.timedelta(hours=1)
