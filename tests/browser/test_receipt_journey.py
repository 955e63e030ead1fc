"""Issue 16, journey 4: the sending DSL exports a transfer bundle with a CP
transfer; the receiving school's DSL imports it and is given a signed receipt;
the sending DSL records that receipt and the transfer reads "received" with the
receiving DSL's name. A receipt typed wrongly is refused and changes nothing.
The pages pass axe-core at desktop and phone widths."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from pastoral.access import scope_for
from pastoral.reports.models import CPFileTransfer
from pastoral.reports.services import cp_transfer_record
from tests.browser.test_accessibility import WIDTHS, _violations
from tests.reports.data import full_record
from tests.reports.test_bundle import _arrival


def _axe(page: Any) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert _violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_bundle_imported_at_the_new_school_confirms_the_cp_transfer(
    page: Any, browser_login: Any, world: Any, settings: Any, tmp_path: Any
) -> None:
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    full_record(world)
    transfer = cp_transfer_record(
        scope=scope_for(world.user("dsl"), world.school),
        learner=world.learner9,
        receiving_school="Elsewhere School",
        method=CPFileTransfer.Method.SECURE_PLATFORM,
        sent_at=timezone.now() - dt.timedelta(days=2),
    )
    arrival = _arrival(world)

    # The sending DSL exports the bundle with the transfer.
    browser_login(world.user("dsl"))
    page.goto(reverse("caseload_reports:bundle", args=[world.learner9.pk]))
    assert page.get_by_label("Send with the CP file transfer").input_value() == str(transfer.pk)
    _axe(page)
    page.get_by_role("button", name="Export the transfer bundle").click()
    download_link = page.get_by_role("link", name="Download")
    with page.expect_download() as caught:
        download_link.click()
    bundle_path = tmp_path / "bundle.json"
    caught.value.save_as(bundle_path)
    page.context.clear_cookies()

    # The receiving school's DSL imports it and is given the receipt.
    browser_login(world.outsider)
    page.goto("/reports/bundles/import/")
    page.get_by_label("Transfer bundle (.json)").set_input_files(str(bundle_path))
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_url(f"**/{arrival.pk}/**")
    assert page.get_by_text("Receipt for Oakfield Test School").is_visible()
    receipt = page.get_by_label("Receipt text").input_value()
    assert receipt.startswith("PASTORAL-RECEIPT.")
    _axe(page)
    page.context.clear_cookies()

    # The sending DSL: a mistyped receipt is refused; the real one confirms.
    browser_login(world.user("dsl"))
    page.goto("/reports/cp-transfers/")
    page.get_by_role("link", name="Record receipt").first.click()
    page.get_by_label("Receipt from the receiving school").fill(receipt[:-4] + "AAAA")
    page.get_by_role("button", name="Check and record the receipt").click()
    assert page.locator(".invalid-feedback, .alert-danger").first.is_visible()
    transfer.refresh_from_db()
    assert not transfer.receipt_verified
    _axe(page)
    page.get_by_label("Receipt from the receiving school").fill(receipt)
    page.get_by_role("button", name="Check and record the receipt").click()
    page.wait_for_url("**/cp-transfers/")
    row = page.get_by_role("row").filter(has_text=world.learner9.display_name)
    assert "Received (signed receipt): Olive Outsider" in row.inner_text()
    transfer.refresh_from_db()
    assert transfer.receipt_verified
    assert transfer.receipt_confirmed_by == "Olive Outsider, Elsewhere School"
