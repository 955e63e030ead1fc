"""Each report generated through its page, read back from the PDF: sections,
scoping (who sees restricted content), escaping, and "nothing recorded"."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from pastoral.models import AuditEvent
from pastoral.reports.models import CPFileTransfer, ReportJob
from tests.conftest import sign_in
from tests.reports.conftest import job_text
from tests.reports.data import NASTY, full_record

ALL_TRANSFER_SECTIONS = [
    "profile",
    "parents",
    "attendance",
    "plans",
    "interventions",
    "contacts",
    "concerns",
]


def _post(client: Any, world: Any, role: str, url: str, data: dict[str, Any]) -> ReportJob:
    sign_in(client, world.user(role), school=world.school)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ReportJob.objects.latest("id")
    assert response["Location"] == reverse("reports:job-detail", args=[job.pk])
    assert job.status == ReportJob.Status.DONE, job.error
    return job


def _transfer(client: Any, world: Any, role: str, learner: Any, sections=None) -> ReportJob:
    return _post(
        client,
        world,
        role,
        reverse("caseload_reports:transfer", args=[learner.pk]),
        {"sections": sections or ALL_TRANSFER_SECTIONS, "destination": "Riverside Academy"},
    )


class TestTransferReport:
    def test_it_has_every_chosen_section_and_is_marked_confidential(
        self, world: Any, client: Any
    ) -> None:
        full_record(world)
        job = _transfer(client, world, "hoy", world.learner9)
        text = job_text(job)
        for heading in [
            "Profile",
            "Parents and carers",
            "Attendance history and targets",
            "Plans and their reviews",
            "Interventions and sessions",
            "Contacts log",
            "Pastoral concerns",
        ]:
            assert heading in text, heading
        assert "CONFIDENTIAL — exported by Harry Hoy on" in text
        assert "Pat Parent" in text
        assert "Attendance target: 95" in text
        assert "Attend every lesson" in text
        assert "Good first month" in text
        assert "Mentoring with Kim" in text
        assert "Send timetable" in text
        assert "Pastoral worry" in text
        assert "Riverside Academy" in text
        assert AuditEvent.objects.filter(
            action="reports.transfer.generated", learner=world.learner9
        ).exists()

    def test_a_head_of_years_export_has_no_restricted_entry(self, world: Any, client: Any) -> None:
        full_record(world)
        text = job_text(_transfer(client, world, "hoy", world.learner9))
        assert "RESTRICTED disclosure" not in text
        assert "MASH referral accepted" not in text
        assert "Strategy meeting held" not in text

    def test_even_a_dsl_transfer_report_leaves_cp_content_to_the_cp_pack(
        self, world: Any, client: Any
    ) -> None:
        full_record(world)
        text = job_text(_transfer(client, world, "dsl", world.learner9))
        assert "Pastoral worry" in text
        assert "Monitoring agreed" in text
        assert "RESTRICTED disclosure" not in text

    def test_group_session_notes_about_other_children_stay_out(
        self, world: Any, client: Any
    ) -> None:
        full_record(world)
        text = job_text(_transfer(client, world, "senco", world.learner9))
        assert "Talked about friendships" in text  # 1:1 notes
        assert "Zed" not in text  # group notes name another child

    def test_only_the_chosen_sections_are_included(self, world: Any, client: Any) -> None:
        full_record(world)
        text = job_text(_transfer(client, world, "hoy", world.learner9, ["profile", "plans"]))
        assert "Plans and their reviews" in text
        assert "Contacts log" not in text
        assert "Pastoral worry" not in text

    def test_typed_html_and_css_are_printed_as_text(self, world: Any, client: Any) -> None:
        full_record(world, nasty=True)
        text = job_text(_transfer(client, world, "hoy", world.learner9))
        assert "<script>alert(1)</script>" in text
        assert "url(file:///etc/passwd)" in text
        assert "<b>bold</b>" in text
        assert "root:x" not in text

    def test_a_learner_with_no_data_gets_nothing_recorded(self, world: Any, client: Any) -> None:
        text = job_text(_transfer(client, world, "hoy", world.learner9))
        assert "Nothing recorded: no parents or carers are held." in text
        assert "Nothing recorded: no plans are held." in text
        assert "Nothing recorded: no contacts are logged." in text
        assert "Nothing recorded: no concerns that you may see." in text
        assert "Nothing recorded: the learner has taken part in no interventions." in text

    def test_a_head_of_year_cannot_export_a_learner_outside_their_years(
        self, world: Any, client: Any
    ) -> None:
        sign_in(client, world.user("hoy"), school=world.school)
        url = reverse("caseload_reports:transfer", args=[world.learner10.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"sections": ["profile"]}).status_code == 404
        assert not ReportJob.objects.exists()

    def test_choosing_no_section_is_an_error_beside_the_field(
        self, world: Any, client: Any
    ) -> None:
        sign_in(client, world.user("hoy"), school=world.school)
        response = client.post(
            reverse("caseload_reports:transfer", args=[world.learner9.pk]), {"sections": []}
        )
        assert response.status_code == 422
        assert b"Choose at least one section." in response.content


class TestCaseConference:
    def test_recent_records_scoped_to_the_exporter(self, world: Any, client: Any) -> None:
        full_record(world)
        since = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
        data = {
            "since": since,
            "meeting": "Review child protection conference",
            "sections": ["profile", "plans", "concerns", "attendance", "contacts"],
        }
        url = reverse("caseload_reports:case-conference", args=[world.learner9.pk])
        dsl_text = job_text(_post(client, world, "dsl", url, data))
        assert "Current plans" in dsl_text
        assert "Recent concerns" in dsl_text
        assert "RESTRICTED disclosure" in dsl_text  # a DSL sees CP content
        assert "Contacts since" in dsl_text
        assert "Review child protection conference" in dsl_text
        hoy_text = job_text(_post(client, world, "hoy", url, data))
        assert "Pastoral worry" in hoy_text
        assert "RESTRICTED disclosure" not in hoy_text


class TestCaseloadReview:
    def test_each_workers_caseload_with_overdue_reviews(self, world: Any, client: Any) -> None:
        from caseload.models import Allocation, Plan

        records = full_record(world)
        Plan.objects.filter(pk=records["plan"].pk).update(
            next_review=timezone.localdate() - dt.timedelta(days=3)
        )
        if not Allocation.objects.filter(learner=world.learner9).exists():
            Allocation.objects.create(
                school=world.school,
                learner=world.learner9,
                worker=world.user("support"),
                reason="test",
                start=timezone.localdate() - dt.timedelta(days=10),
            )
        job = _post(client, world, "senco", reverse("caseload_reports:caseload-review"), {})
        text = job_text(job)
        assert "Caseload by key worker" in text
        assert "Kim Keyworker" in text
        assert "Nina Nine" in text
        assert "Learners with an overdue review" in text
        assert "Plan review overdue" in text
        assert "Continue the plan" in text

    def test_an_empty_school_says_nothing_recorded(self, world: Any, client: Any) -> None:
        from caseload.models import Allocation

        Allocation.objects.all().delete()
        job = _post(client, world, "senco", reverse("caseload_reports:caseload-review"), {})
        assert "Nothing recorded: no learners are allocated to a key worker." in job_text(job)


class TestCPFileTransfer:
    def _send(self, client: Any, world: Any) -> ReportJob:
        return _post(
            client,
            world,
            "dsl",
            reverse("safeguarding_reports:cp-transfer", args=[world.learner9.pk]),
            {
                "receiving_school": "Riverside Academy",
                "receiving_school_urn": "123999",
                "receiving_dsl": "Rita Receiver",
                "receiving_contact": "dsl@riverside.test",
                "method": "email",
                "sent_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "notes": "",
            },
        )

    def test_the_pack_holds_the_whole_cp_chronology_and_the_sender(
        self, world: Any, client: Any
    ) -> None:
        full_record(world)
        job = self._send(client, world)
        text = job_text(job)
        assert "Child-protection chronology" in text
        assert "RESTRICTED disclosure about home" in text
        assert "Strategy meeting held" in text
        assert "MASH referral accepted" in text
        assert "Sending DSL" in text
        assert "Della Dsl" in text
        assert "Riverside Academy" in text
        # The CP file carries every safeguarding record, pastoral ones too (ACCESS.md).
        assert "Pastoral worry" in text

    def test_the_transfer_is_recorded_and_receipt_confirmed(self, world: Any, client: Any) -> None:
        full_record(world)
        job = self._send(client, world)
        transfer = CPFileTransfer.objects.get()
        assert transfer.report_id == job.pk
        assert transfer.receiving_school == "Riverside Academy"
        assert transfer.receipt_confirmed_at is None
        page = client.get(reverse("safeguarding_reports:cp-transfer", args=[world.learner9.pk]))
        assert b"already been transferred" in page.content
        confirm = client.post(
            reverse("reports:cp-transfer-receipt", args=[transfer.pk]),
            {
                "confirmed_by": "Rita Receiver",
                "confirmed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            },
        )
        assert confirm.status_code == 302
        transfer.refresh_from_db()
        assert transfer.receipt_confirmed_by == "Rita Receiver"
        assert transfer.receipt_confirmed_at is not None
        assert transfer.receipt_recorded_by == world.user("dsl")
        assert AuditEvent.objects.filter(action="reports.cp_transfer.receipt_confirmed").exists()

    def test_receipt_before_sending_is_refused_beside_the_field(
        self, world: Any, client: Any
    ) -> None:
        self._send(client, world)
        transfer = CPFileTransfer.objects.get()
        response = client.post(
            reverse("reports:cp-transfer-receipt", args=[transfer.pk]),
            {
                "confirmed_by": "Rita",
                "confirmed_at": (transfer.sent_at - dt.timedelta(days=1)).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
            },
        )
        assert response.status_code == 422
        assert b"before the file was sent" in response.content

    def test_a_learner_without_cp_records_gets_nothing_recorded(
        self, world: Any, client: Any
    ) -> None:
        text = job_text(self._send(client, world))
        assert "Nothing recorded: this learner has no safeguarding records." in text

    @pytest.mark.parametrize("role", ["staff", "support", "hoy", "senco", "admin"])
    def test_only_a_dsl_may_transfer_the_cp_file(self, world: Any, client: Any, role: str) -> None:
        sign_in(client, world.user(role), school=world.school)
        url = reverse("safeguarding_reports:cp-transfer", args=[world.learner9.pk])
        assert client.get(url).status_code == 404


class TestAgencyReport:
    def _data(self, **extra: Any) -> dict[str, Any]:
        return {
            "agency_name": "CAMHS North",
            "sections": ["profile", "parents", "concerns", "actions"],
            "summary": f"We ask CAMHS to assess. {NASTY}",
            **extra,
        }

    def test_a_senco_report_is_pastoral_only(self, world: Any, client: Any) -> None:
        full_record(world)
        url = reverse("safeguarding_reports:agency-report", args=[world.learner9.pk])
        # Even a hand-made POST asking for restricted content gets none.
        job = _post(client, world, "senco", url, self._data(include_restricted="on"))
        text = job_text(job)
        assert "Covering summary" in text
        assert "We ask CAMHS to assess." in text
        assert "<script>alert(1)</script>" in text
        assert "Pastoral worry" in text
        assert "Monitoring agreed" in text
        assert "RESTRICTED disclosure" not in text
        assert "CAMHS North" in text

    def test_a_dsl_may_include_restricted_concerns(self, world: Any, client: Any) -> None:
        full_record(world)
        url = reverse("safeguarding_reports:agency-report", args=[world.learner9.pk])
        text = job_text(_post(client, world, "dsl", url, self._data(include_restricted="on")))
        assert "RESTRICTED disclosure" in text
        assert "MASH referral accepted" in text
        without = job_text(_post(client, world, "dsl", url, self._data()))
        assert "RESTRICTED disclosure" not in without

    def test_a_date_range_limits_the_concerns(self, world: Any, client: Any) -> None:
        full_record(world)
        url = reverse("safeguarding_reports:agency-report", args=[world.learner9.pk])
        future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
        text = job_text(_post(client, world, "senco", url, self._data(date_from=future)))
        assert "Pastoral worry" not in text
        assert "Nothing recorded: no concerns in" in text

    def test_the_agency_is_required(self, world: Any, client: Any) -> None:
        sign_in(client, world.user("senco"), school=world.school)
        url = reverse("safeguarding_reports:agency-report", args=[world.learner9.pk])
        response = client.post(url, self._data(agency_name=""))
        assert response.status_code == 422
        assert b"Choose the agency, or type its name." in response.content


class TestCPFileAttachments:
    def _pack(self, client: Any, world: Any, include: bool) -> ReportJob:
        data = {
            "receiving_school": "Riverside Academy",
            "method": "email",
            "sent_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        }
        if include:
            data["include_attachments"] = "on"
        return _post(
            client,
            world,
            "dsl",
            reverse("safeguarding_reports:cp-transfer", args=[world.learner9.pk]),
            data,
        )

    def _attach(self, world: Any) -> None:
        import hashlib

        from django.core.files.base import ContentFile

        from safeguarding.models import Attachment

        records = full_record(world)
        content = b"Statement written by the learner."
        attachment = Attachment(
            concern=records["restricted"],
            original_name="statement.txt",
            content_type="text/plain",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=world.user("dsl"),
        )
        attachment.file.save("statement.txt", ContentFile(content), save=False)
        attachment.save()

    def _embedded(self, job: ReportJob) -> dict[str, list[bytes]]:
        from pypdf import PdfReader

        return PdfReader(io.BytesIO(job.read_bytes())).attachments

    def test_attachments_are_listed_and_not_embedded_by_default(
        self, world: Any, client: Any
    ) -> None:
        self._attach(world)
        job = self._pack(client, world, include=False)
        text = job_text(job)
        assert "statement.txt" in text
        assert "Listed only" in text
        assert self._embedded(job) == {}

    def test_attachments_can_be_embedded_in_the_pack(self, world: Any, client: Any) -> None:
        self._attach(world)
        job = self._pack(client, world, include=True)
        embedded = self._embedded(job)
        assert embedded["statement.txt"] == [b"Statement written by the learner."]
