"""Subject access as a workflow (issue 14): the admin records a request and
follows its dates but never reaches case content; the SENCO or head of year
assembles the records; only a DSL assembles, redacts and approves the
safeguarding part and releases the pack. The pack is read back from the PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from caseload.models import SubjectAccessRedaction, SubjectAccessRequest, add_months
from pastoral.access import CAPABILITY_ROLES, Cap, learners_for, scope_for
from pastoral.models import AuditEvent
from pastoral.notifications.models import Reminder
from pastoral.notifications.services import reminders_materialise
from pastoral.reports.models import ReportJob
from tests.conftest import sign_in
from tests.reports.conftest import job_text
from tests.reports.data import concern, full_record

SECRET = "RESTRICTED disclosure about home"  # the restricted concern of full_record


def _as(client: Any, world: Any, role: str) -> Any:
    client.logout()
    return sign_in(client, world.user(role), school=world.school)


def _record(client: Any, world: Any, role: str = "admin", **overrides: Any) -> Any:
    _as(client, world, role)
    data = {
        "requester_name": "Pat Parent",
        "requester_relationship": "parent",
        "received_on": timezone.localdate().isoformat(),
        "identity_checked_by": "Reception",
        "identity_checked_on": timezone.localdate().isoformat(),
        "identity_method": "Passport seen at reception",
        **overrides,
    }
    return client.post(
        reverse("caseload_reports:sar-record", args=[world.learner9.pk]), data, follow=False
    )


def _new_sar(client: Any, world: Any) -> SubjectAccessRequest:
    response = _record(client, world)
    assert response.status_code == 302, response.content.decode()[:1500]
    return SubjectAccessRequest.objects.latest("id")


def _url(name: str, sar: SubjectAccessRequest) -> str:
    return reverse(f"caseload_reports:{name}", args=[sar.pk])


def _redact(client: Any, sar: Any, part: str, ref: str, phrase: str = "", reason: str = "TP"):
    return client.post(
        _url(f"sar-{part}", sar),
        {"action": "redact", "redact-ref": ref, "redact-phrase": phrase, "redact-reason": reason},
    )


def _approve(client: Any, sar: Any, part: str, confirm: bool = False) -> Any:
    data = {"action": "approve"}
    if confirm:
        data["approve-confirm_empty"] = "on"
    return client.post(_url(f"sar-{part}", sar), data)


class TestHoleOne:
    def test_the_old_admin_export_is_gone_and_the_admin_reaches_no_learner_by_any_case_capability(
        self, world: Any, client: Any
    ) -> None:
        full_record(world)
        _as(client, world, "admin")
        old = f"/caseload/reports/learners/{world.learner9.pk}/subject-access/"
        assert client.get(old).status_code == 404
        assert client.post(old, {"received": "2026-01-05"}).status_code == 404
        admin = scope_for(world.user("admin"), world.school)
        directory = {Cap.SEARCH_LEARNERS, Cap.LOG_CONCERN}
        for cap in CAPABILITY_ROLES:
            if cap not in directory:
                assert not learners_for(admin, cap).exists(), cap
        assert not ReportJob.objects.exists()

    def test_the_admin_cannot_open_either_part_nor_release(self, world: Any, client: Any) -> None:
        full_record(world)
        sar = _new_sar(client, world)
        for name in ("sar-records", "sar-safeguarding", "sar-release"):
            assert client.get(_url(name, sar)).status_code == 404, name
        assert _approve(client, sar, "safeguarding").status_code == 404
        assert client.post(_url("sar-release", sar)).status_code == 404
        sar.refresh_from_db()
        assert sar.safeguarding_approved_at is None and sar.released_at is None


class TestRecording:
    def test_due_one_calendar_month_after_receipt(self) -> None:
        assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
        assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
        assert add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)
        assert add_months(dt.date(2027, 1, 31), 3) == dt.date(2027, 4, 30)

    def test_the_admin_records_a_request_and_sees_its_dates(self, world: Any, client: Any) -> None:
        full_record(world)
        received = timezone.localdate() - dt.timedelta(days=3)
        response = _record(client, world, received_on=received.isoformat())
        assert response.status_code == 302
        sar = SubjectAccessRequest.objects.get()
        assert sar.due_on == add_months(received, 1)
        page = client.get(_url("sar-detail", sar)).content.decode()
        assert sar.due_on.strftime("%-d %b %Y") in page
        assert "Passport seen at reception" in page
        assert SECRET not in page and "Pastoral worry" not in page
        event = AuditEvent.objects.get(action="caseload.sar.recorded")
        assert event.learner_id == world.learner9.pk and event.actor == world.user("admin")

    def test_a_future_receipt_date_is_refused_beside_the_field(
        self, world: Any, client: Any
    ) -> None:
        future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
        response = _record(client, world, received_on=future)
        assert response.status_code == 422
        assert b"cannot be in the future" in response.content
        assert not SubjectAccessRequest.objects.exists()

    @pytest.mark.parametrize("role", ["staff", "support", "hoy", "senco"])
    def test_only_admin_and_dsl_record(self, world: Any, client: Any, role: str) -> None:
        assert _record(client, world, role).status_code == 404

    def test_an_extension_needs_a_reason_and_at_most_two_months(
        self, world: Any, client: Any
    ) -> None:
        sar = _new_sar(client, world)
        url = _url("sar-extend", sar)
        assert client.post(url, {"months": "3", "reason": "Complex"}).status_code == 422
        response = client.post(url, {"months": "2", "reason": ""})
        assert response.status_code == 422
        assert b"This field is required" in response.content
        assert client.post(url, {"months": "2", "reason": "Complex"}).status_code == 302
        sar.refresh_from_db()
        assert sar.due_on == add_months(sar.received_on, 3)
        assert AuditEvent.objects.filter(action="caseload.sar.extended").count() == 1


class TestTheWholeJourney:
    def test_records_by_hoy_safeguarding_by_dsl_phrase_redacted_in_the_pdf(
        self, world: Any, client: Any
    ) -> None:
        records = full_record(world)
        restricted = records["restricted"]
        sar = _new_sar(client, world)
        # Nothing is released before the DSL approves.
        _as(client, world, "dsl")
        refused = client.post(_url("sar-release", sar))
        assert refused.status_code == 422
        assert b"A DSL has not approved the safeguarding part." in refused.content
        # The head of year assembles the records, withholding a passage of a contact.
        _as(client, world, "hoy")
        page = client.get(_url("sar-records", sar)).content.decode()
        assert "Phoned about attendance" in page and SECRET not in page
        assert client.get(_url("sar-safeguarding", sar)).status_code == 404
        contact = f"contact:{records['contact'].pk}"
        assert _redact(client, sar, "records", contact, "Phoned about").status_code == 302
        assert _approve(client, sar, "records").status_code == 302
        # The DSL withholds a phrase of the restricted concern and approves.
        _as(client, world, "dsl")
        page = client.get(_url("sar-safeguarding", sar)).content.decode()
        assert SECRET in page
        missing = _redact(client, sar, "safeguarding", f"concern:{restricted.pk}", "not there")
        assert missing.status_code == 422
        assert b"That text is not in this entry" in missing.content
        ok = _redact(client, sar, "safeguarding", f"concern:{restricted.pk}", "about home", "SH")
        assert ok.status_code == 302
        assert _approve(client, sar, "safeguarding").status_code == 302
        response = client.post(_url("sar-release", sar))
        assert response.status_code == 302
        sar.refresh_from_db()
        assert sar.released_at is not None and sar.released_by == world.user("dsl")
        text = job_text(sar.report_job)
        # The withheld text is not in the PDF at all; its box and reason are.
        assert "about home" not in text
        assert "Phoned about" not in text
        assert "RESTRICTED disclosure [SH]" in text
        assert "[TP] attendance" in text
        assert "What was withheld, and why" in text
        assert "likely to cause serious harm" in text
        # The rest of the record is there.
        assert "Pastoral worry" in text and "Attend every lesson" in text
        assert "MASH referral accepted" in text
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        for step in (
            "caseload.sar.recorded",
            "caseload.sar.records.viewed",
            "caseload.sar.safeguarding.viewed",
            "caseload.sar.redaction_added",
            "caseload.sar.records_assembled",
            "caseload.sar.safeguarding_approved",
            "caseload.sar.released",
            "reports.subject_access.generated",
        ):
            assert step in actions, step
        # The trail says where and why, never the withheld words.
        for event in AuditEvent.objects.filter(action="caseload.sar.redaction_added"):
            assert "about home" not in str(event.changes)
        # The admin follows the dates but never reaches the pack or its text.
        _as(client, world, "admin")
        detail = client.get(_url("sar-detail", sar)).content.decode()
        assert "Released" in detail and SECRET not in detail and "about home" not in detail
        assert reverse("reports:job-detail", args=[sar.report_job_id]) not in detail
        assert (
            client.get(reverse("reports:job-detail", args=[sar.report_job_id])).status_code == 404
        )
        download = reverse("reports:job-download", args=[sar.report_job_id])
        assert client.get(download).status_code == 404
        listing = client.get(reverse("reports:job-list")).content.decode()
        assert sar.reference not in listing

    def test_a_whole_entry_is_replaced_by_a_box_with_its_title(
        self, world: Any, client: Any
    ) -> None:
        records = full_record(world)
        sar = _new_sar(client, world)
        _as(client, world, "dsl")
        ref = f"concern:{records['restricted'].pk}"
        assert _redact(client, sar, "safeguarding", ref, "", "CA").status_code == 302
        assert _approve(client, sar, "records").status_code == 302
        assert _approve(client, sar, "safeguarding").status_code == 302
        assert client.post(_url("sar-release", sar)).status_code == 302
        sar.refresh_from_db()
        text = job_text(sar.report_job)
        for gone in (SECRET, "MASH referral accepted", "Strategy meeting held"):
            assert gone not in text
        assert "[CA] Entry withheld" in text

    def test_a_record_added_after_approval_means_approving_again(
        self, world: Any, client: Any
    ) -> None:
        full_record(world)
        sar = _new_sar(client, world)
        _as(client, world, "dsl")
        _approve(client, sar, "records")
        _approve(client, sar, "safeguarding")
        concern(world, world.learner9, text="Logged after the approval", restricted=True)
        response = client.post(_url("sar-release", sar))
        assert response.status_code == 422
        assert b"approve again" in response.content
        sar.refresh_from_db()
        assert sar.released_at is None and sar.report_job is None

    def test_after_release_nothing_changes(self, world: Any, client: Any) -> None:
        records = full_record(world)
        sar = _new_sar(client, world)
        _as(client, world, "dsl")
        _approve(client, sar, "records")
        _approve(client, sar, "safeguarding")
        assert client.post(_url("sar-release", sar)).status_code == 302
        ref = f"concern:{records['restricted'].pk}"
        response = _redact(client, sar, "safeguarding", ref, "home")
        assert response.status_code == 422
        assert b"has been released" in response.content
        assert not SubjectAccessRedaction.objects.exists()


class TestPointedOutBeforeRelease:
    def test_entries_naming_other_learners_are_flagged_until_withheld(
        self, world: Any, client: Any
    ) -> None:
        c = concern(world, world.learner9, text="Tess Ten pushed her at lunch", restricted=True)
        sar = _new_sar(client, world)
        _as(client, world, "dsl")
        page = client.get(_url("sar-safeguarding", sar)).content.decode()
        assert "Entries naming other learners of the school" in page
        assert "names Tess Ten" in page
        assert "names Tess Ten" in client.get(_url("sar-release", sar)).content.decode()
        assert (
            _redact(client, sar, "safeguarding", f"concern:{c.pk}", "tess ten").status_code == 302
        )
        page = client.get(_url("sar-safeguarding", sar)).content.decode()
        assert "names Tess Ten" not in page
        assert "Names another learner" not in page

    def test_withholding_every_entry_is_warned_and_must_be_confirmed(
        self, world: Any, client: Any
    ) -> None:
        c = concern(world, world.learner9, text="The only concern", restricted=True)
        sar = _new_sar(client, world)
        _as(client, world, "dsl")
        response = _redact(client, sar, "safeguarding", f"concern:{c.pk}")
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "Every entry of this part is now withheld" in page
        refused = _approve(client, sar, "safeguarding")
        assert refused.status_code == 422
        assert b"Tick to confirm that this is intended" in refused.content
        sar.refresh_from_db()
        assert sar.safeguarding_approved_at is None
        assert _approve(client, sar, "safeguarding", confirm=True).status_code == 302
        event = AuditEvent.objects.get(action="caseload.sar.safeguarding_approved")
        assert event.changes["left_empty"] is True

    def test_a_withdrawn_redaction_is_kept_and_unapproves(self, world: Any, client: Any) -> None:
        c = concern(world, world.learner9, text="Named Bob Smith", restricted=True)
        sar = _new_sar(client, world)
        _as(client, world, "dsl")
        _redact(client, sar, "safeguarding", f"concern:{c.pk}", "Bob Smith")
        _approve(client, sar, "safeguarding")
        redaction = SubjectAccessRedaction.objects.get()
        response = client.post(
            _url("sar-safeguarding", sar), {"action": "withdraw", "redaction": redaction.pk}
        )
        assert response.status_code == 302
        redaction.refresh_from_db()
        sar.refresh_from_db()
        assert redaction.withdrawn_at is not None and sar.safeguarding_approved_at is None
        assert AuditEvent.objects.filter(action="caseload.sar.redaction_withdrawn").exists()


class TestReminders:
    def _sar(self, world: Any, received: dt.date) -> SubjectAccessRequest:
        return SubjectAccessRequest.objects.create(
            school=world.school,
            learner=world.learner9,
            requester_name="Pat Parent",
            requester_relationship="parent",
            received_on=received,
            identity_checked_by="Reception",
            identity_checked_on=received,
            identity_method="Passport",
            recorded_by=world.user("admin"),
        )

    def test_the_dsls_hear_before_the_due_date_and_weekly_once_overdue(self, world: Any) -> None:
        today = dt.date(2027, 3, 10)  # a Wednesday
        soon = self._sar(world, dt.date(2027, 2, 12))  # due Fri 12 Mar
        later = self._sar(world, dt.date(2027, 3, 1))  # due 1 Apr
        late = self._sar(world, dt.date(2027, 1, 20))  # due 20 Feb
        done = self._sar(world, dt.date(2027, 1, 20))
        done.released_at = timezone.now()
        done.save()
        reminders_materialise(today=today, schools=[world.school])
        rows = Reminder.objects.filter(object_type="caseload.subjectaccessrequest")
        assert {r.recipient_id for r in rows} == {world.user("dsl").pk}
        by_object = {r.object_id: r for r in rows}
        assert set(by_object) == {str(soon.pk), str(late.pk)}
        assert by_object[str(soon.pk)].kind == "caseload.sar_due"
        assert not by_object[str(soon.pk)].urgent
        assert by_object[str(late.pk)].kind == "caseload.sar_overdue"
        assert by_object[str(late.pk)].urgent
        for r in rows:
            assert "Nina" not in r.title and "Nine" not in r.title
        assert str(later.pk) not in by_object
        # Still open a week later: escalated again; nothing deleted.
        reminders_materialise(today=today + dt.timedelta(days=7), schools=[world.school])
        overdue = Reminder.objects.filter(kind="caseload.sar_overdue", object_id=str(late.pk))
        assert overdue.count() == 2
        assert SubjectAccessRequest.objects.count() == 4


def test_the_list_shows_dates_not_content_in_a_fixed_number_of_queries(
    world: Any, client: Any, django_assert_num_queries: Any
) -> None:
    full_record(world)
    _new_sar(client, world)
    _record(client, world, received_on=(timezone.localdate() - dt.timedelta(days=40)).isoformat())
    url = reverse("caseload_reports:sar-list")
    client.get(url)
    with django_assert_num_queries(5):
        page = client.get(url).content.decode()
    assert "Overdue" in page and SECRET not in page


def test_the_safeguarding_part_shows_the_learners_own_part_of_a_shared_concern(
    world: Any, client: Any
) -> None:
    from safeguarding.models import Category, ConcernLearner
    from tests.safeguarding.helpers import log_concern

    shared = log_concern(
        world,
        "staff",
        [world.learner9, world.learner10],
        categories=["Neglect", "Online safety"],
        description="Nina said Tess pushed her in the changing room.",
    )
    neglect, online = (
        Category.objects.get(school=world.school, name=name)
        for name in ("Neglect", "Online safety")
    )
    # Each learner's own part: Nina (learner9) neglect; Tess the alleged harmer, online safety.
    ConcernLearner.objects.get(concern=shared, learner=world.learner9).categories.set([neglect])
    tess = ConcernLearner.objects.get(concern=shared, learner=world.learner10)
    tess.role = "alleged_harmer"
    tess.save(update_fields=["role"])
    tess.categories.set([online])
    sar = _new_sar(client, world)  # about Nina
    _as(client, world, "dsl")
    page = client.get(_url("sar-safeguarding", sar)).content.decode()
    assert "Nina said Tess pushed her" in page and "Neglect" in page
    assert "Online safety" not in page and "lleged harmer" not in page
