"""MIS imports in the browser: the school administrator only (Cap.IMPORT_MIS)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

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
]
