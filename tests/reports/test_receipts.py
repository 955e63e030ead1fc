"""Issue 16: a transfer bundle imported at the receiving installation yields a
signed receipt that marks the sender's CP transfer received, with the
receiving DSL's name and time; a receipt for another transfer, or a forged
one, changes nothing; a typed name no longer closes a bundle transfer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from pastoral.models import AuditEvent
from pastoral.notifications import services as notifications
from pastoral.notifications.models import Reminder
from pastoral.reports import receipts
from pastoral.reports.models import CPFileTransfer, ImportedBundle, ReportJob
from pastoral.reports.services import cp_transfer_record
from tests.conftest import sign_in
from tests.reports.data import full_record
from tests.reports.test_bundle import _arrival, _import


def _transfer(world: Any, days_ago: int = 8) -> CPFileTransfer:
    from pastoral.access import scope_for

    return cp_transfer_record(
        scope=scope_for(world.user("dsl"), world.school),
        learner=world.learner9,
        receiving_school="Elsewhere School",
        method=CPFileTransfer.Method.SECURE_PLATFORM,
        sent_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def _bundle_for(world: Any, client: Any, transfer: CPFileTransfer) -> bytes:
    full_record(world)
    sign_in(client, world.user("dsl"), school=world.school)
    page = client.get(reverse("caseload_reports:bundle", args=[world.learner9.pk]))
    assert "Send with the CP file transfer" in page.content.decode()
    response = client.post(
        reverse("caseload_reports:bundle", args=[world.learner9.pk]), {"transfer": transfer.pk}
    )
    assert response.status_code == 302
    job = ReportJob.objects.latest("id")
    assert job.status == ReportJob.Status.DONE, job.error
    download = client.get(reverse("reports:job-download", args=[job.pk]))
    return b"".join(download.streaming_content)


def _receipt_page(client: Any, world: Any, transfer: CPFileTransfer, text: str) -> Any:
    sign_in(client, world.user("dsl"), school=world.school)
    return client.post(
        reverse("reports:cp-transfer-receipt", args=[transfer.pk]),
        {"receipt": text, "receipt_submit": "1"},
    )


def test_the_receiving_installations_receipt_marks_the_transfer_received(
    world: Any, client: Any
) -> None:
    transfer = _transfer(world)
    raw = _bundle_for(world, client, transfer)
    transfer.refresh_from_db()
    assert transfer.bundle_job_id is not None
    _arrival(world)
    assert _import(client, world, raw).status_code == 302
    imported = ImportedBundle.objects.get()
    assert imported.receipt.startswith("PASTORAL-RECEIPT.")
    assert imported.receipt_reference == f"{world.school.urn}-T{transfer.pk}"
    # The receiving DSL sees it on the imported records page and can download it.
    page = client.get(reverse("reports:imported-records", args=[imported.learner_id]))
    assert imported.receipt in page.content.decode()
    download = client.get(reverse("reports:bundle-receipt", args=[imported.pk]))
    assert download.content.decode().strip() == imported.receipt
    assert "attachment" in download["Content-Disposition"]

    # Five school days have passed: the sender is being reminded.
    notifications.reminders_run(today=timezone.localdate())
    chased = Reminder.objects.filter(
        kind="reports.cp_transfer_unconfirmed", object_id=str(transfer.pk)
    )
    assert chased.count() == 1

    response = _receipt_page(client, world, transfer, imported.receipt)
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.receipt_verified and transfer.is_confirmed
    receiver = world.outsider.full_name
    assert transfer.receipt_confirmed_by == f"{receiver}, {world.other_school.name}"
    assert abs(transfer.receipt_confirmed_at - imported.imported_at) < dt.timedelta(minutes=1)
    assert AuditEvent.objects.filter(action="reports.cp_transfer.receipt_verified").exists()
    listing = client.get(reverse("reports:cp-transfer-list")).content.decode()
    assert "Received (signed receipt)" in listing
    # No further reminder once received.
    notifications.reminders_run(today=timezone.localdate() + dt.timedelta(days=7))
    assert chased.count() == 1


def _forged(world: Any, transfer: CPFileTransfer, **change: Any) -> str:
    fields = {
        "key": transfer.receipt_key,
        "ref": receipts.reference(world.school.urn, transfer.pk),
        "school": "Elsewhere School",
        "urn": "999999",
        "received_by": "Someone",
        "received_at": timezone.now(),
    }
    fields.update(change)
    return receipts.make(**fields)


def test_a_receipt_not_signed_with_the_transfers_key_changes_nothing(
    world: Any, client: Any
) -> None:
    transfer = _transfer(world)
    forged = _forged(world, transfer, key=receipts.new_key())
    response = _receipt_page(client, world, transfer, forged)
    assert response.status_code == 422
    assert "signature does not match" in response.content.decode()
    transfer.refresh_from_db()
    assert not transfer.is_confirmed and not transfer.receipt_verified


def test_a_receipt_for_another_schools_transfer_is_refused(world: Any, client: Any) -> None:
    transfer = _transfer(world)
    other = _forged(world, transfer, ref=f"{world.other_school.urn}-T{transfer.pk}")
    response = _receipt_page(client, world, transfer, other)
    assert response.status_code == 422
    assert "another school&#x27;s transfer" in response.content.decode()
    transfer.refresh_from_db()
    assert not transfer.is_confirmed


def test_a_damaged_receipt_is_refused_with_a_reason(world: Any, client: Any) -> None:
    transfer = _transfer(world)
    good = _forged(world, transfer)
    damaged = good[:-6] + ("A" if good[-6] != "A" else "B") + good[-5:]
    for text, reason in [("hello", "not a Pastoral receipt"), (damaged, "does not match")]:
        response = _receipt_page(client, world, transfer, text)
        assert response.status_code == 422 and reason in response.content.decode()
    assert not CPFileTransfer.objects.get(pk=transfer.pk).is_confirmed


def test_a_typed_name_does_not_close_a_transfer_sent_with_a_bundle(world: Any, client: Any) -> None:
    transfer = _transfer(world)
    _bundle_for(world, client, transfer)
    response = client.post(
        reverse("reports:cp-transfer-receipt", args=[transfer.pk]),
        {
            "confirmed_by": "Ms Receiving",
            "confirmed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 422
    assert "went with a Pastoral transfer bundle" in response.content.decode()
    assert not CPFileTransfer.objects.get(pk=transfer.pk).is_confirmed


def test_the_receipt_file_is_for_the_receiving_dsls_only(world: Any, client: Any) -> None:
    transfer = _transfer(world)
    raw = _bundle_for(world, client, transfer)
    _arrival(world)
    _import(client, world, raw)
    imported = ImportedBundle.objects.get()
    url = reverse("reports:bundle-receipt", args=[imported.pk])
    sign_in(client, world.user("dsl"), school=world.school)  # the sending school's DSL
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(action="reports.bundle.receipt_downloaded").count() == 0


def test_the_receipt_can_be_uploaded_as_a_file(world: Any, client: Any) -> None:
    transfer = _transfer(world)
    text = _forged(world, transfer, received_by="Rita Receiver")
    sign_in(client, world.user("dsl"), school=world.school)
    upload = SimpleUploadedFile("receipt.txt", (text + "\n").encode(), content_type="text/plain")
    response = client.post(
        reverse("reports:cp-transfer-receipt", args=[transfer.pk]),
        {"receipt_file": upload, "receipt_submit": "1"},
    )
    assert response.status_code == 302
    assert CPFileTransfer.objects.get(pk=transfer.pk).receipt_confirmed_by.startswith("Rita")
