"""A head of year exports a transfer report for a learner who is leaving and downloads it."""

from __future__ import annotations

from typing import Any

from pastoral.models import AuditEvent
from pastoral.reports.models import ReportJob
from tests.reports.conftest import pdf_text


def test_it_exports_a_transfer_report_and_downloads_it(
    page: Any, browser_login: Any, world: Any, settings: Any, tmp_path: Any
) -> None:
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    # Chromium's favicon request can collide with the page's on the live
    # server's shared in-memory SQLite connection; a real server never sees it.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    browser_login(world.user("hoy"))
    page.goto(f"/learners/{world.learner9.pk}/")
    page.get_by_role("link", name="Transfer report").click()
    page.wait_for_url(f"**/caseload/reports/learners/{world.learner9.pk}/transfer/")
    assert page.get_by_role("heading", name="Transfer report: Nina Nine").is_visible()
    # Leave out the contacts log; keep the rest.
    page.get_by_label("Contacts log").uncheck()
    page.get_by_label("Leaving for (school or destination)").fill("Riverside Academy")
    page.get_by_role("button", name="Export the transfer report").click()
    page.wait_for_url("**/reports/*/")
    job = ReportJob.objects.get()
    assert page.get_by_role("heading", name="Transfer report: Nina Nine").is_visible()
    download_link = page.get_by_role("link", name=f"Download {job.filename}")
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename == job.filename
    content = tmp_path / "downloaded.pdf"
    download.save_as(str(content))
    text = pdf_text(content.read_bytes())
    assert "CONFIDENTIAL — exported by Harry Hoy on" in text
    assert "Riverside Academy" in text
    assert "Pastoral concerns" in text
    assert "Contacts log" not in text
    assert AuditEvent.objects.filter(
        action="reports.transfer.downloaded", actor=world.user("hoy")
    ).exists()
