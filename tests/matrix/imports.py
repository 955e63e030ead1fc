"""MIS imports in the browser: the school administrator only (Cap.IMPORT_MIS)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from pastoral.imports.ctf import CTFImporter
from pastoral.imports.learners import LearnerImporter
from pastoral.models import ImportBatch
from tests.matrix import Case, only
from tests.pastoral.importdata import learners_csv

ADMIN_ONLY = only(admin=True)
ADMIN_REDIRECT = only(302, admin=True)


def _pending(world: Any) -> None:
    """A pending upload of two new learners in the world's school, and one in another school."""
    content = learners_csv(2, **{"Reg Group": ""})
    world.import_batch = ImportBatch.objects.create(
        school=world.school,
        uploaded_by=world.user("admin"),
        kind="learners",
        filename="learners.csv",
        size=len(content),
        content=content,
    )
    world.other_batch = ImportBatch.objects.create(
        school=world.other_school,
        uploaded_by=world.outsider,
        kind="learners",
        filename="theirs.csv",
        size=len(content),
        content=content,
    )


def _fingerprint(world: Any) -> dict[str, str]:
    outcome = LearnerImporter(school=world.school, actor=None).run(
        bytes(world.import_batch.content), dry_run=True
    )
    assert outcome.ok, outcome.errors
    return {"fingerprint": outcome.fingerprint()}


def _upload(world: Any) -> dict[str, Any]:
    return {
        "kind": "learners",
        "file": SimpleUploadedFile("learners.csv", learners_csv(1), content_type="text/csv"),
    }


def _ctf_content() -> bytes:
    """A CTF of one new Year 9 pupil with a parent."""
    return (
        b"<CTfile><Header><DocumentName>Common Transfer File</DocumentName>"
        b"<CTFversion>25.0</CTFversion><SourceSchool><LEA>873</LEA><Estab>2041</Estab>"
        b"</SourceSchool></Header><CTFpupilData><Pupil><UPN>C873204126001</UPN>"
        b"<Surname>Okafor</Surname><Forename>Chidi</Forename><DOB>2012-03-14</DOB><Sex>M</Sex>"
        b"<BasicDetails><NCyearActual>9</NCyearActual></BasicDetails><Contacts><Contact>"
        b"<Order>1</Order><Surname>Okafor</Surname><Forename>Ada</Forename>"
        b"<Relationship>PAM</Relationship><Responsibility>true</Responsibility></Contact>"
        b"</Contacts></Pupil></CTFpupilData></CTfile>"
    )


def _pending_ctf(world: Any) -> None:
    """A pending CTF upload in the world's school, and one in another school."""
    content = _ctf_content()
    world.ctf_batch = ImportBatch.objects.create(
        school=world.school,
        uploaded_by=world.user("admin"),
        kind="ctf",
        filename="transfer.xml",
        size=len(content),
        content=content,
    )
    world.other_ctf = ImportBatch.objects.create(
        school=world.other_school,
        uploaded_by=world.outsider,
        kind="ctf",
        filename="theirs.xml",
        size=len(content),
        content=content,
    )


def _ctf_fingerprint(world: Any) -> dict[str, str]:
    outcome = CTFImporter(school=world.school, actor=None).run(
        bytes(world.ctf_batch.content), dry_run=True
    )
    assert outcome.ok, outcome.errors
    return {"fingerprint": outcome.fingerprint()}


def _ctf_upload(world: Any) -> dict[str, Any]:
    return {
        "kind": "ctf",
        "file": SimpleUploadedFile("transfer.xml", _ctf_content(), content_type="application/xml"),
    }


CASES = [
    Case("pastoral:import-start", "form", ADMIN_ONLY),
    Case("pastoral:import-start", "upload", ADMIN_REDIRECT, method="post", data=_upload),
    Case(
        "pastoral:import-detail",
        "pending preview",
        ADMIN_ONLY,
        setup=_pending,
        kwargs=lambda w: {"pk": w.import_batch.pk},
    ),
    Case(
        "pastoral:import-detail",
        "other school",
        only(admin=False),
        setup=_pending,
        kwargs=lambda w: {"pk": w.other_batch.pk},
    ),
    Case(
        "pastoral:import-confirm",
        "confirm preview",
        ADMIN_REDIRECT,
        method="post",
        setup=_pending,
        kwargs=lambda w: {"pk": w.import_batch.pk},
        data=_fingerprint,
    ),
    Case(
        "pastoral:import-confirm",
        "other school",
        only(admin=False),
        method="post",
        setup=_pending,
        kwargs=lambda w: {"pk": w.other_batch.pk},
        data=_fingerprint,
    ),
    Case(
        "pastoral:import-discard",
        "pending",
        ADMIN_REDIRECT,
        method="post",
        setup=_pending,
        kwargs=lambda w: {"pk": w.import_batch.pk},
    ),
    Case(
        "pastoral:import-discard",
        "other school",
        only(admin=False),
        method="post",
        setup=_pending,
        kwargs=lambda w: {"pk": w.other_batch.pk},
    ),
    Case("pastoral:import-start", "ctf upload", ADMIN_REDIRECT, method="post", data=_ctf_upload),
    Case(
        "pastoral:import-detail",
        "ctf preview",
        ADMIN_ONLY,
        setup=_pending_ctf,
        kwargs=lambda w: {"pk": w.ctf_batch.pk},
    ),
    Case(
        "pastoral:import-confirm",
        "confirm ctf",
        ADMIN_REDIRECT,
        method="post",
        setup=_pending_ctf,
        kwargs=lambda w: {"pk": w.ctf_batch.pk},
        data=_ctf_fingerprint,
    ),
    Case(
        "pastoral:import-file",
        "ctf as uploaded",
        ADMIN_ONLY,
        setup=_pending_ctf,
        kwargs=lambda w: {"pk": w.ctf_batch.pk},
    ),
    Case(
        "pastoral:import-file",
        "other school",
        only(admin=False),
        setup=_pending_ctf,
        kwargs=lambda w: {"pk": w.other_ctf.pk},
    ),
]
