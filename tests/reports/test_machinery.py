"""The report machinery: fetcher, rendering, jobs inline and in the background,
download by the requester (and DSLs) only, expiry, audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from pastoral.access import scope_for
from pastoral.models import AuditEvent
from pastoral.reports import services
from pastoral.reports.fetcher import BASE_URL, RefusedURL, StaticOnlyFetcher
from pastoral.reports.models import ReportJob
from pastoral.reports.pdf import html_to_pdf
from pastoral.reports.tasks import expire_reports, generate_report
from tests.conftest import sign_in
from tests.reports.conftest import job_text, pdf_text

NASTY = '<script>alert(1)</script> <style>body{background:url(file:///etc/passwd)}</style> url(file:///etc/passwd) <img src="http://example.com/x.png">'


def _request(world: Any, role: str = "hoy", **params: Any) -> ReportJob:
    user = world.user(role)
    return services.report_request(
        scope=scope_for(user, world.school),
        kind="test_echo",
        title="Echo report",
        params=params,
    )


class TestFetcher:
    def test_it_serves_our_print_stylesheet(self) -> None:
        fetcher = StaticOnlyFetcher()
        response = fetcher.fetch(f"{BASE_URL}static/css/print.css")
        assert b"@page" in response.read()
        assert response.content_type == "text/css"

    def test_it_allows_data_urls(self) -> None:
        response = StaticOnlyFetcher().fetch("data:text/plain;base64,aGVsbG8=")
        assert response.read() == b"hello"

    @pytest.mark.parametrize(
        "url",
        [
            "file:///etc/passwd",
            "http://example.com/x.png",
            "https://example.com/static/css/print.css",
            f"{BASE_URL}static/../../../../etc/passwd",
            f"{BASE_URL}static/%2e%2e/%2e%2e/pastoral/settings.py",
            f"{BASE_URL}static//etc/passwd",
            f"{BASE_URL}etc/passwd",
            f"{BASE_URL}static/css/print.css?x=1",
            "ftp://example.com/file",
        ],
    )
    def test_it_refuses_everything_else(self, url: str) -> None:
        fetcher = StaticOnlyFetcher()
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
        assert fetcher.refused == [url]
        assert fetcher.fetched == []

    def test_raw_html_cannot_pull_in_local_files_or_the_network(self) -> None:
        html = (
            '<html><head><link rel="stylesheet" href="/static/css/print.css">'
            "<style>body{background:url(file:///etc/passwd)}</style></head>"
            '<body><img src="file:///etc/passwd"><img src="http://example.com/a.png">'
            "<p>Hello</p></body></html>"
        )
        rendered = html_to_pdf(html)
        assert set(rendered.refused) == {
            "file:///etc/passwd",
            "http://example.com/a.png",
        }
        assert rendered.fetched == [f"{BASE_URL}static/css/print.css"]
        assert "root:" not in pdf_text(rendered.content)


class TestGeneration:
    def test_a_small_report_is_generated_in_the_request_and_audited(self, world: Any) -> None:
        job = _request(world, count=3, subject="Nina Nine")
        assert job.status == ReportJob.Status.DONE
        assert not job.background
        assert job.pages >= 1
        assert (settings.PRIVATE_STORAGE_ROOT / job.file_path).is_file()
        assert job.file_path.startswith(f"{services.REPORTS_FOLDER}/{world.school.pk}/")
        text = job_text(job)
        assert "CONFIDENTIAL — exported by Harry Hoy on" in text
        assert "Oakfield Test School" in text
        assert "Page 1 of" in text
        assert "Entry 2" in text
        actions = list(
            AuditEvent.objects.filter(object_id=str(job.pk)).values_list("action", flat=True)
        )
        assert set(actions) == {"reports.test_echo.requested", "reports.test_echo.generated"}

    def test_user_text_is_printed_as_text_and_fetches_nothing(self, world: Any) -> None:
        job = _request(world, text=NASTY)
        text = job_text(job)
        assert "<script>alert(1)</script>" in text
        assert "url(file:///etc/passwd)" in text
        assert "root:" not in text

    def test_an_empty_section_says_nothing_recorded(self, world: Any) -> None:
        job = _request(world, count=0, empty=True)
        text = job_text(job)
        assert text.count("Nothing recorded.") == 2

    def test_a_large_report_runs_in_the_background(
        self, world: Any, settings: Any, django_capture_on_commit_callbacks: Any, client: Any
    ) -> None:
        settings.REPORT_INLINE_MAX_ENTRIES = 100
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            job = _request(world, count=500)
        # Nothing was generated in the request: the job waits for a worker.
        assert job.background
        assert job.status == ReportJob.Status.QUEUED
        assert len(callbacks) == 1
        sign_in(client, world.user("hoy"), school=world.school)
        page = client.get(reverse("reports:job-detail", args=[job.pk]))
        assert b'hx-trigger="every 1s"' in page.content
        assert b"in the background" in page.content
        # The worker runs the task (here, in-process).
        generate_report(job.pk)
        job.refresh_from_db()
        assert job.status == ReportJob.Status.DONE
        assert job.entries == 500
        assert job.pages > 10
        fragment = client.get(reverse("reports:job-status", args=[job.pk]))
        assert b"hx-trigger" not in fragment.content
        assert b"Download" in fragment.content
        # Running it again (a redelivered task) changes nothing.
        generate_report(job.pk)
        assert AuditEvent.objects.filter(action="reports.test_echo.generated").count() == 1

    def test_a_requester_who_lost_the_role_gets_no_report(self, world: Any) -> None:
        from pastoral.models import Membership

        user = world.user("hoy")
        scope = scope_for(user, world.school)
        job = ReportJob.objects.create(
            school=world.school,
            requested_by=user,
            kind="test_echo",
            title="Echo",
            expires_at=timezone.now() + dt.timedelta(hours=1),
        )
        Membership.objects.filter(user=user, role="hoy").delete()
        assert scope is not None
        services.report_generate(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == ReportJob.Status.FAILED
        assert not job.file_path


class TestDownload:
    def test_the_requester_downloads_an_attachment_and_it_is_audited(
        self, world: Any, client: Any
    ) -> None:
        job = _request(world)
        sign_in(client, world.user("hoy"), school=world.school)
        response = client.get(reverse("reports:job-download", args=[job.pk]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert AuditEvent.objects.filter(
            action="reports.test_echo.downloaded", object_id=str(job.pk), actor=world.user("hoy")
        ).exists()

    def test_a_dsl_may_download_it_too(self, world: Any, client: Any) -> None:
        job = _request(world)
        sign_in(client, world.user("dsl"), school=world.school)
        assert client.get(reverse("reports:job-download", args=[job.pk])).status_code == 200

    @pytest.mark.parametrize("role", ["staff", "support", "senco", "admin"])
    def test_nobody_else_may(self, world: Any, client: Any, role: str) -> None:
        job = _request(world)
        sign_in(client, world.user(role), school=world.school)
        assert client.get(reverse("reports:job-download", args=[job.pk])).status_code == 404
        assert client.get(reverse("reports:job-detail", args=[job.pk])).status_code == 404

    def test_a_dsl_of_another_school_may_not(self, world: Any, client: Any) -> None:
        job = _request(world)
        sign_in(client, world.outsider, school=world.other_school)
        assert client.get(reverse("reports:job-download", args=[job.pk])).status_code == 404

    def test_expired_files_are_deleted_and_no_longer_served(self, world: Any, client: Any) -> None:
        job = _request(world)
        path = settings.PRIVATE_STORAGE_ROOT / job.file_path
        sign_in(client, world.user("hoy"), school=world.school)
        ReportJob.objects.filter(pk=job.pk).update(
            expires_at=timezone.now() - dt.timedelta(minutes=1)
        )
        # Past its expiry it is refused at once, even before the clean-up runs.
        assert client.get(reverse("reports:job-download", args=[job.pk])).status_code == 404
        assert expire_reports() == 1
        assert not path.exists()
        job.refresh_from_db()
        assert job.status == ReportJob.Status.EXPIRED
        assert client.get(reverse("reports:job-download", args=[job.pk])).status_code == 404
        assert b"expired" in client.get(reverse("reports:job-detail", args=[job.pk])).content

    def test_the_export_list_shows_own_exports_and_all_to_a_dsl(
        self, world: Any, client: Any, django_assert_num_queries: Any
    ) -> None:
        for _ in range(3):
            _request(world)
        _request(world, role="senco")
        sign_in(client, world.user("hoy"), school=world.school)
        response = client.get(reverse("reports:job-list"))
        assert response.content.count(b"Echo report") == 3
        sign_in(client, world.user("dsl"), school=world.school)
        response = client.get(reverse("reports:job-list"))
        assert response.content.count(b"Echo report") == 4

    def test_the_export_list_query_count_does_not_grow_with_rows(
        self, world: Any, client: Any, django_assert_num_queries: Any
    ) -> None:
        sign_in(client, world.user("dsl"), school=world.school)
        _request(world)
        client.get(reverse("reports:job-list"))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            client.get(reverse("reports:job-list"))
        for _ in range(5):
            _request(world, role="senco")
        with django_assert_num_queries(len(few.captured_queries)):
            client.get(reverse("reports:job-list"))
