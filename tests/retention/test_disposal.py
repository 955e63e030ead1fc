"""Disposal: refused under a legal hold, while a CP transfer is pending or a
SAR is open, or without the typed name; otherwise the records and their files
go, a tombstone stays and the audit trail still verifies."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from attendance.models import Mark
from caseload.models import Plan, SubjectAccessRequest
from pastoral.models import AuditEvent, DisposalTombstone
from pastoral.reports.models import CPFileTransfer
from safeguarding.models import Attachment, Concern, ConcernLearner
from tests.conftest import sign_in
from tests.reports.data import concern
from tests.retention.data import attach, cp_file, hold, make_leaver, old_enough

CONFIRM = {"confirm_name": "Nina Nine", "understood": "on"}


def _dispose_url(world: Any, key: str = "cp-file") -> str:
    return reverse("retention:dispose", args=[key, world.learner9.pk])


def _due_cp_file(world: Any) -> list[Concern]:
    make_leaver(world.learner9, born=old_enough())
    concerns = cp_file(world, world.learner9)
    attach(world, concerns[1])
    return concerns


def _files() -> list[Path]:
    root = Path(settings.PRIVATE_STORAGE_ROOT)
    return [p for p in root.rglob("*") if p.is_file()]


def test_disposal_under_legal_hold_is_refused_and_nothing_is_deleted(
    world: Any, client: Any
) -> None:
    _due_cp_file(world)
    hold(world, world.learner9)
    sign_in(client, world.user("dsl"))
    response = client.post(_dispose_url(world), CONFIRM)
    assert response.status_code == 422
    assert "on legal hold" in response.text and "Lift the hold first" in response.text
    assert ConcernLearner.objects.filter(learner=world.learner9).count() == 2
    assert len(_files()) == 1
    assert not DisposalTombstone.objects.exists()


def test_after_lifting_the_hold_the_file_is_disposed_and_the_tombstone_stays(
    world: Any, client: Any
) -> None:
    concerns = _due_cp_file(world)
    placed = hold(world, world.learner9)
    sign_in(client, world.user("dsl"))
    response = client.post(
        reverse("retention:hold-lift", args=[placed.pk]), {"reason": "Inquiry closed"}
    )
    assert response.status_code == 302
    placed.refresh_from_db()
    assert placed.lifted_by == world.user("dsl") and placed.lift_reason == "Inquiry closed"
    events_before = AuditEvent.objects.count()
    with self_commit():
        response = client.post(_dispose_url(world), CONFIRM)
    assert response.status_code == 302
    assert not Concern.objects.filter(pk__in=[c.pk for c in concerns]).exists()
    assert not Attachment.objects.exists()
    assert _files() == []  # the attachment is gone from storage
    tombstone = DisposalTombstone.objects.get()
    assert tombstone.learner_name == "Nina Nine" and tombstone.count == 2 and tombstone.files == 1
    assert tombstone.rule.startswith("Date of birth + 25 years")
    assert tombstone.disposed_by == world.user("dsl")
    # The trail keeps every event, gains the disposal's, and still verifies.
    assert AuditEvent.objects.count() > events_before
    assert AuditEvent.objects.filter(action="retention.records.disposed").exists()
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    # The tombstone is on the disposals page.
    text = client.get(reverse("retention:tombstones")).text
    assert "Nina Nine" in text and "Child-protection file" in text


class self_commit:
    """Run on_commit callbacks (the file deletion) as a committed transaction would."""

    def __enter__(self) -> None:
        from django.test import TestCase

        self._ctx = TestCase.captureOnCommitCallbacks(execute=True)
        self._ctx.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._ctx.__exit__(*exc)


def test_a_wrong_name_refuses_and_keeps_everything(world: Any, client: Any) -> None:
    _due_cp_file(world)
    sign_in(client, world.user("dsl"))
    response = client.post(_dispose_url(world), {"confirm_name": "Tess Ten", "understood": "on"})
    assert response.status_code == 422
    assert "Type the learner" in response.text
    response = client.post(_dispose_url(world), {"confirm_name": "Nina Nine"})
    assert response.status_code == 422  # the checkbox too
    assert ConcernLearner.objects.filter(learner=world.learner9).count() == 2


def test_a_pending_cp_transfer_or_an_open_sar_blocks_disposal(world: Any, client: Any) -> None:
    _due_cp_file(world)
    transfer = CPFileTransfer.objects.create(
        school=world.school,
        learner=world.learner9,
        receiving_school="Riverside Academy",
        method=CPFileTransfer.Method.SECURE_EMAIL,
        sent_at=timezone.now() - dt.timedelta(days=2),
        sent_by=world.user("dsl"),
    )
    sign_in(client, world.user("dsl"))
    response = client.post(_dispose_url(world), CONFIRM)
    assert response.status_code == 422 and "awaiting the receiving school" in response.text
    transfer.receipt_confirmed_at = timezone.now()
    transfer.receipt_confirmed_by = "Rita Receiver"
    transfer.save()
    sar = SubjectAccessRequest.objects.create(
        school=world.school,
        learner=world.learner9,
        requester_name="Pat Parent",
        requester_relationship="parent",
        received_on=timezone.localdate(),
        identity_checked_by="Adam Admin",
        identity_checked_on=timezone.localdate(),
        identity_method="Passport",
        recorded_by=world.user("admin"),
    )
    response = client.post(_dispose_url(world), CONFIRM)
    assert response.status_code == 422 and f"SAR-{sar.pk} is open" in response.text
    assert ConcernLearner.objects.filter(learner=world.learner9).count() == 2
    sar.released_at = timezone.now()
    sar.save()
    assert client.post(_dispose_url(world), CONFIRM).status_code == 302


def test_a_concern_about_two_learners_stays_in_the_other_learners_file(
    world: Any, client: Any
) -> None:
    make_leaver(world.learner9, born=old_enough())
    both = concern(world, world.learner9, text="Fight at the gate")
    ConcernLearner.objects.create(concern=both, learner=world.learner10)
    sign_in(client, world.user("dsl"))
    assert client.post(_dispose_url(world), CONFIRM).status_code == 302
    assert Concern.objects.filter(pk=both.pk).exists()
    assert list(ConcernLearner.objects.filter(concern=both).values_list("learner", flat=True)) == [
        world.learner10.pk
    ]


def test_not_yet_due_is_refused(world: Any, client: Any) -> None:
    cp_file(world, world.learner9)  # born 2012: due in 2037
    sign_in(client, world.user("dsl"))
    response = client.post(_dispose_url(world), CONFIRM)
    assert response.status_code == 422 and "not due until" in response.text


def test_the_admin_disposes_of_sen_attendance_and_pastoral_records(world: Any, client: Any) -> None:
    learner = make_leaver(world.learner9, born=dt.date(1990, 1, 1), left=dt.date(2006, 7, 20))
    for kind in (Plan.Type.SEN_SUPPORT, Plan.Type.PSP):
        Plan.objects.create(
            school=world.school,
            learner=learner,
            type=kind,
            start=dt.date(2005, 1, 1),
            next_review=dt.date(2005, 3, 1),
            updated_at=timezone.now() - dt.timedelta(days=365 * 20),
        )
    Mark.objects.create(
        school=world.school, learner=learner, date=dt.date(2006, 7, 19), session="AM", code="/"
    )
    # A CP transfer pending is not the admin's to know and does not block their records.
    CPFileTransfer.objects.create(
        school=world.school,
        learner=learner,
        receiving_school="Riverside Academy",
        method=CPFileTransfer.Method.SECURE_EMAIL,
        sent_at=timezone.now(),
        sent_by=world.user("dsl"),
    )
    sign_in(client, world.user("admin"))
    queue = client.get(reverse("retention:queue", args=["records"])).text
    assert "SEN records" in queue and "Attendance register entries" in queue
    assert "General pastoral records" in queue
    for key in ("sen", "attendance", "pastoral"):
        response = client.post(_dispose_url(world, key), CONFIRM)
        assert response.status_code == 302, (key, response.text[:2000])
    assert not Plan.objects.filter(learner=learner).exists()
    assert not Mark.objects.filter(learner=learner).exists()
    assert DisposalTombstone.objects.filter(safeguarding=False).count() == 3
