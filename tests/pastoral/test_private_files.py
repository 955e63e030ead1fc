"""Private files in the database (PRIVATE_STORAGE=database): what lets two web
nodes with only PostgreSQL serve the same attachments and reports. The same
pages, the same permission checks and audit, and nothing on any node's disk."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import tests.reports.kinds  # noqa: F401  (the test-only report kind)
from pastoral.access import scope_for
from pastoral.models import StoredFile
from pastoral.reports import services as reports
from pastoral.reports.models import ReportJob
from safeguarding.models import Concern
from tests.conftest import sign_in
from tests.safeguarding.helpers import category

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _database_storage(settings: Any, tmp_path: Path) -> Path:
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "pastoral.private_files.DatabaseStorage", "OPTIONS": {}},
    }
    return settings.PRIVATE_STORAGE_ROOT


def _files_on_disk(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_an_attachment_is_kept_in_the_database_and_downloaded_whole(
    world: Any, client: Any, _database_storage: Path
) -> None:
    sign_in(client, world.user("staff"), school=world.school)
    client.post(
        reverse("safeguarding:concern-new"),
        {
            "learners": [world.learner9.pk],
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "location": "Hall",
            "categories": [category(world, "Neglect").pk],
            "description": "Hungry again.",
            "action_taken": "Breakfast club.",
            "attachments": [SimpleUploadedFile("note.pdf", PDF, "application/pdf")],
        },
    )
    attachment = Concern.objects.get().attachments.get()
    assert StoredFile.objects.filter(name=attachment.file.name, size=len(PDF)).exists()
    assert _files_on_disk(_database_storage) == []
    response = client.get(reverse("safeguarding:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    # Another school's DSL: the same 404 as with files on disk.
    client.logout()
    sign_in(client, world.outsider, school=world.other_school)
    assert client.get(reverse("safeguarding:attachment", args=[attachment.pk])).status_code == 404


def test_a_report_is_stored_served_and_expired_in_the_database(
    world: Any, client: Any, _database_storage: Path
) -> None:
    job = reports.report_request(
        scope=scope_for(world.user("hoy"), world.school), kind="test_echo", title="Echo", params={}
    )
    assert job.status == ReportJob.Status.DONE
    stored = StoredFile.objects.get(name=job.file_path)
    assert bytes(stored.content).startswith(b"%PDF-") and _files_on_disk(_database_storage) == []
    sign_in(client, world.user("hoy"), school=world.school)
    response = client.get(reverse("reports:job-download", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == bytes(stored.content)
    ReportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert reports.reports_expire() == 1
    assert not StoredFile.objects.filter(name=job.file_path).exists()
    assert client.get(reverse("reports:job-download", args=[job.pk])).status_code == 404


def test_two_files_with_one_name_are_both_kept(db: Any) -> None:
    from django.core.files.base import ContentFile

    from pastoral.private_files import private_files

    first = private_files.save("safeguarding/a.pdf", ContentFile(b"one"))
    second = private_files.save("safeguarding/a.pdf", ContentFile(b"two"))
    assert first != second
    assert (
        private_files.open(first).read() == b"one" and private_files.open(second).read() == b"two"
    )
    assert private_files.listdir("safeguarding") == (
        [],
        sorted(name.split("/", 1)[1] for name in (first, second)),
    )
    assert private_files.listdir("") == (["safeguarding"], [])


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"PRIVATE_STORAGE": "dropbox"}, "PRIVATE_STORAGE must be filesystem, database"),
        ({"PRIVATE_STORAGE_OPTIONS": "{bucket"}, "PRIVATE_STORAGE_OPTIONS is not JSON"),
    ],
)
def test_a_storage_setting_that_cannot_work_stops_the_start(
    variables: dict[str, str], message: str
) -> None:
    env = {**os.environ, "DEBUG": "1", **variables}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "pastoral.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and message in result.stderr
