"""The part-time timetable register: the guidance's rules refused beside their
fields, the school's maximum, the LA notice PDF read back, review reminders
sent once, the reconciliation with the marks, and who sees what."""

from __future__ import annotations

import datetime as dt
import subprocess
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from attendance import selectors, services
from attendance.models import AttendanceSettings, Mark, PartTimeTimetable
from attendance.services.part_time import BEHAVIOUR_REFUSED
from pastoral.access import scope_for
from pastoral.models import AuditEvent
from pastoral.notifications import registry
from pastoral.notifications import services as notifications
from pastoral.notifications.models import Notification, Reminder
from tests.conftest import sign_in
from tests.factories import LearnerFactory

TODAY = timezone.localdate()
MONDAY = TODAY - dt.timedelta(days=TODAY.weekday())
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _private_storage(settings: Any, tmp_path: Any) -> None:
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-"), "not a PDF"
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode("utf-8").split())


def _scope(world: Any, role: str = "support") -> Any:
    return scope_for(world.user(role), world.school)


def _args(world: Any, **overrides: Any) -> dict[str, Any]:
    start = overrides.pop("start", MONDAY - dt.timedelta(weeks=1))
    args = {
        "reason": "Phased return after an operation",
        "for_behaviour": False,
        "start": start,
        "end": start + dt.timedelta(weeks=4, days=-3),  # 4 weeks: Monday to Friday
        "agreed_by": "Mrs Maya Parent",
        "agreed_on": start - dt.timedelta(days=3),
        "agreement_method": PartTimeTimetable.AgreementMethod.MEETING,
        "absent_sessions": ["1-PM", "3-PM", "5-PM"],
        "return_plan": "Wednesday afternoons back from week 3; full time from the end date.",
        "review_date": start + dt.timedelta(weeks=2),
        "owner": world.user("support"),
    }
    args.update(overrides)
    return args


def _create(world: Any, learner: Any = None, role: str = "support", **overrides: Any) -> Any:
    return services.part_time_create(
        scope=_scope(world, role), learner=learner or world.learner9, **_args(world, **overrides)
    )


def _errors(world: Any, **overrides: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        _create(world, **overrides)
    assert PartTimeTimetable.objects.count() == 0
    return caught.value.message_dict


# --- Bad input (issue 16) ----------------------------------------------------


def test_a_timetable_without_an_end_date_is_refused(world: Any) -> None:
    errors = _errors(world, end=None)
    assert "temporary" in errors["end"][0]


def test_a_timetable_ending_before_it_starts_is_refused(world: Any) -> None:
    errors = _errors(world, end=MONDAY - dt.timedelta(weeks=2))
    assert errors["end"] == ["The end date cannot be before the start date."]


def test_longer_than_the_schools_maximum_needs_a_recorded_exception(world: Any) -> None:
    start = MONDAY
    errors = _errors(world, start=start, end=start + dt.timedelta(weeks=6))
    assert "maximum of 6 weeks" in errors["exception_reason"][0]
    assert "who approved" in errors["exception_approved_by"][0]
    # Six weeks exactly (Monday to the Sunday of week 6) is within the limit...
    _create(world, start=start, end=start + dt.timedelta(weeks=6, days=-1))
    PartTimeTimetable.objects.all().delete()
    # ...and a longer one with the exception recorded is accepted.
    timetable = _create(
        world,
        start=start,
        end=start + dt.timedelta(weeks=8),
        exception_reason="Medical advice: a slower return",
        exception_approved_by="Mr H. Teacher, headteacher",
    )
    assert timetable.weeks == 9 and timetable.exception_approved_by.startswith("Mr H.")


def test_the_maximum_is_the_schools_setting(world: Any) -> None:
    AttendanceSettings.objects.create(school=world.school, part_time_max_weeks=3)
    errors = _errors(world)  # 4 weeks
    assert "maximum of 3 weeks" in errors["exception_reason"][0]


def test_a_behaviour_reason_is_refused(world: Any) -> None:
    assert _errors(world, for_behaviour=True)["for_behaviour"] == [BEHAVIOUR_REFUSED]
    assert "Say whether" in _errors(world, for_behaviour=None)["for_behaviour"][0]


def test_sessions_overlap_and_dates_are_checked(world: Any) -> None:
    assert "Tick the sessions" in _errors(world, absent_sessions=[])["absent_sessions"][0]
    every = [f"{d}-{s}" for d in range(1, 6) for s in ("AM", "PM")]
    assert "must attend some" in _errors(world, absent_sessions=every)["absent_sessions"][0]
    assert "review" in " ".join(_errors(world, review_date=None)["review_date"])
    _create(world)
    with pytest.raises(ValidationError) as caught:
        _create(world, start=MONDAY)
    assert "overlap" in caught.value.message_dict["start"][0]


def test_the_form_refuses_a_behaviour_reason_beside_the_field(client: Any, world: Any) -> None:
    sign_in(client, world.user("support"))
    before = AuditEvent.objects.count()
    data = {
        **{k: v for k, v in _args(world).items() if k not in ("owner", "for_behaviour")},
        "for_behaviour": "yes",
        "owner": world.user("support").pk,
        "end": "",
    }
    response = client.post(reverse("attendance:part-time-create", args=[world.learner9.pk]), data)
    assert response.status_code == 422
    assert "must not be used to manage behaviour" in response.text
    assert "enter the date it ends" in response.text
    assert PartTimeTimetable.objects.count() == 0
    assert AuditEvent.objects.count() == before


# --- Recording it, the LA notice PDF, the scanned agreement ------------------


def test_recording_a_four_week_timetable_with_a_scanned_agreement(client: Any, world: Any) -> None:
    sign_in(client, world.user("support"))
    args = _args(world)
    data = {
        **{k: v for k, v in args.items() if k not in ("owner", "for_behaviour")},
        "for_behaviour": "no",
        "owner": world.user("support").pk,
        "agreement_scan": SimpleUploadedFile("agreement.png", PNG, content_type="image/png"),
    }
    response = client.post(reverse("attendance:part-time-create", args=[world.learner9.pk]), data)
    assert response.status_code == 302, response.content[:2000]
    timetable = PartTimeTimetable.objects.get()
    assert sorted(s.key for s in timetable.absent_sessions.all()) == ["1-PM", "3-PM", "5-PM"]
    event = AuditEvent.objects.filter(action="attendance.part_time.created").get()
    assert event.learner_id == world.learner9.pk

    page = client.get(response["Location"])
    assert "Not yet notified" in page.text and "Mrs Maya Parent" in page.text
    download = client.get(reverse("attendance:part-time-agreement", args=[timetable.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert AuditEvent.objects.filter(action="attendance.part_time.agreement.downloaded").exists()

    response = client.post(
        reverse("attendance:part-time-la-notified", args=[timetable.pk]),
        {"notified_on": TODAY.isoformat(), "how": "portal"},
    )
    assert response.status_code == 302
    timetable.refresh_from_db()
    assert timetable.la_notified_on == TODAY and timetable.la_notified_by == world.user("support")


def test_a_scan_that_is_not_what_it_claims_is_refused(world: Any) -> None:
    fake = SimpleUploadedFile(
        "agreement.pdf", b"just text, not a PDF", content_type="application/pdf"
    )
    errors = _errors(world, agreement_scan=fake)
    assert "not a file type we accept" in errors["agreement_scan"][0]


def test_the_la_notice_pdf_carries_what_the_la_asks_for(client: Any, world: Any) -> None:
    timetable = _create(world, reason="Phased return <after> an operation")
    sign_in(client, world.user("hoy"))
    response = client.get(reverse("attendance:part-time-la-notice", args=[timetable.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    learner = world.learner9
    for expected in (
        "Notification of a part-time timetable",
        learner.display_name,
        learner.upn,
        f"{learner.date_of_birth:%-d %B %Y}",
        world.school.name,
        "Phased return <after> an operation",
        f"{timetable.start:%-d %B %Y}",
        f"{timetable.end:%-d %B %Y} (4 weeks)",
        f"{timetable.review_date:%-d %B %Y}",
        "Mrs Maya Parent",
        "In a meeting (signed)",
        "Monday In school Not attending (C2)",
        "Tuesday In school In school",
        "Wednesday afternoons back from week 3",
    ):
        assert expected in text, expected
    assert AuditEvent.objects.filter(action="attendance.part_time.la_notice.downloaded").exists()


# --- Reminders ----------------------------------------------------------------


def test_the_review_reminder_reaches_the_owner_once(
    world: Any, django_assert_num_queries: Any
) -> None:
    for learner in [world.learner9, *LearnerFactory.create_batch(4, school=world.school)]:
        _create(world, learner=learner, review_date=TODAY)
    kind = registry.get_kind("attendance.part_time_review_due")
    assert kind is not None
    # The timetables and the school calendar, whatever their number.
    with django_assert_num_queries(2):
        dues = list(kind.find_due(world.school, TODAY))
    assert len(dues) == 5 and {d.recipient_id for d in dues} == {world.user("support").pk}
    assert world.learner9.legal_last_name not in dues[0].title

    notifications.reminders_run(today=TODAY)
    notifications.reminders_run(today=TODAY)
    sent = Notification.objects.filter(kind="attendance.part_time_review_due")
    assert sent.count() == 5
    assert Reminder.objects.filter(kind="attendance.part_time_review_due").count() == 5


def test_a_reviewed_timetable_is_reminded_again_only_for_its_next_review(world: Any) -> None:
    timetable = _create(world, review_date=TODAY)
    notifications.reminders_run(today=TODAY)
    services.part_time_review(
        scope=_scope(world),
        timetable=timetable,
        notes="Settled; add Monday afternoons",
        next_review_date=TODAY + dt.timedelta(days=7),
    )
    kind = registry.get_kind("attendance.part_time_review_due")
    assert list(kind.find_due(world.school, TODAY)) == []
    later = list(kind.find_due(world.school, TODAY + dt.timedelta(days=7)))
    assert [d.due_date for d in later] == [TODAY + dt.timedelta(days=7)]


def test_the_la_not_yet_notified_reminder(world: Any) -> None:
    timetable = _create(world)
    kind = registry.get_kind("attendance.part_time_la_not_notified")
    assert [d.object_id for d in kind.find_due(world.school, TODAY)] == [timetable.pk]
    services.part_time_la_notified(
        scope=_scope(world), timetable=timetable, notified_on=TODAY, how="email"
    )
    assert list(kind.find_due(world.school, TODAY)) == []


def test_delivering_reminders_costs_the_same_per_batch(
    world: Any, django_assert_num_queries: Any
) -> None:
    for learner in [world.learner9, *LearnerFactory.create_batch(9, school=world.school)]:
        _create(world, learner=learner, review_date=TODAY)
    notifications.reminders_materialise(today=TODAY, schools=[world.school])
    # Claim, insert the notifications, mark sent: the same for 10 as for 1.
    with django_assert_num_queries(5):
        assert notifications.reminders_deliver_batch(batch_size=100) >= 10


# --- Reconciliation -------------------------------------------------------------


def _mark(learner: Any, day: dt.date, session: str, code: str) -> Mark:
    return Mark.objects.create(
        school=learner.school, learner=learner, date=day, session=session, code=code
    )


def _recon(world: Any, role: str = "support") -> list[Any]:
    start = MONDAY - dt.timedelta(weeks=3)
    return selectors.reconciliation_for(_scope(world, role), start=start, end=TODAY)


def test_reconciliation_lists_c2_outside_and_planned_sessions_not_c2(world: Any) -> None:
    learner = world.learner9
    start = MONDAY - dt.timedelta(weeks=1)
    _create(world, start=start, absent_sessions=["1-PM", "3-PM"])
    _mark(learner, start, "PM", "C2")  # planned Monday PM, C2: fine
    _mark(learner, start, "AM", "/")  # attends Monday mornings: fine
    _mark(learner, start + dt.timedelta(days=2), "PM", "O")  # planned Wednesday PM, O
    _mark(learner, start + dt.timedelta(days=1), "PM", "C2")  # Tuesday PM is not planned
    _mark(learner, start - dt.timedelta(weeks=1), "AM", "C2")  # before the timetable
    rows = _recon(world)
    found = {(r.kind, r.date, r.session, r.code) for r in rows}
    assert ("not_c2", start + dt.timedelta(days=2), "PM", "O") in found
    assert ("c2_outside", start + dt.timedelta(days=1), "PM", "C2") in found
    assert ("c2_outside", start - dt.timedelta(weeks=1), "AM", "C2") in found
    assert ("not_c2", start, "PM", "C2") not in found and (
        "c2_outside",
        start,
        "PM",
        "C2",
    ) not in found
    # This week's Monday PM has passed without a mark (unless today is that Monday).
    unmarked = {(r.date, r.session) for r in rows if r.kind == "not_c2" and not r.code}
    if TODAY > MONDAY:
        assert (MONDAY, "PM") in unmarked
    assert all(day < TODAY for day, _s in unmarked)


def test_reconciliation_is_scoped(world: Any) -> None:
    _create(world, learner=world.learner10, role="senco")
    _mark(world.learner10, MONDAY - dt.timedelta(weeks=2), "AM", "C2")
    assert _recon(world, "support") == [] and _recon(world, "hoy") == []
    assert {r.learner.pk for r in _recon(world, "senco")} == {world.learner10.pk}


def test_the_reconciliation_page_query_count_does_not_grow_with_learners(
    client: Any, world: Any, django_assert_num_queries: Any
) -> None:
    def add(n: int) -> None:
        for learner in LearnerFactory.create_batch(n, school=world.school, year_group=world.year10):
            _create(world, learner=learner, role="senco")
            _mark(learner, MONDAY - dt.timedelta(weeks=1), "PM", "O")  # planned Monday PM
            _mark(learner, MONDAY - dt.timedelta(weeks=1), "AM", "C2")  # not planned

    add(2)
    sign_in(client, world.user("senco"))
    url = reverse("attendance:part-time-reconciliation")
    client.get(url)  # warm the session and the audit chain
    # Session and user (the standing is cached); the academic year; C2 outside (1);
    # timetables and their sessions (2); their marks (1); the calendar (1); the view's
    # audit event (1).
    with django_assert_num_queries(9):
        first = client.get(url)
    add(8)
    with django_assert_num_queries(9):
        second = client.get(url)
    assert first.text.count("Planned absence, marked O") == 2
    assert second.text.count("Planned absence, marked O") == 10


def test_the_register_page_query_count_is_pinned(
    client: Any, world: Any, django_assert_num_queries: Any
) -> None:
    def add(n: int) -> None:
        for learner in LearnerFactory.create_batch(n, school=world.school, year_group=world.year10):
            _create(world, learner=learner, role="senco")

    add(2)
    sign_in(client, world.user("senco"))
    url = reverse("attendance:part-time-list")
    client.get(url)
    # Session and user (the standing is cached); count and page (2); the sessions (1);
    # the view's audit event (1).
    with django_assert_num_queries(6):
        client.get(url)
    add(8)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.text.count("Mrs Maya Parent") == 0  # the list shows no parent names
    assert response.text.count("3 a week") == 10


def test_the_lists_export(client: Any, world: Any) -> None:
    _create(world)
    _mark(world.learner9, MONDAY - dt.timedelta(weeks=2), "AM", "C2")
    sign_in(client, world.user("support"))
    response = client.get(reverse("attendance:part-time-list") + "?export=csv")
    body = b"".join(response.streaming_content).decode() if response.streaming else response.text
    assert world.learner9.upn in body and "Mrs Maya Parent" in body
    response = client.get(reverse("attendance:part-time-reconciliation") + "?export=csv")
    body = b"".join(response.streaming_content).decode() if response.streaming else response.text
    assert "no part-time timetable plans this session" in body
    assert AuditEvent.objects.filter(action="attendance.part_time_reconciliation.exported").exists()


# --- Where it shows, and who sees it ------------------------------------------


def test_the_learner_page_and_dashboard_show_it(client: Any, world: Any) -> None:
    timetable = _create(world)
    sign_in(client, world.user("hoy"))
    page = client.get(reverse("attendance:learner", args=[world.learner9.pk]))
    assert reverse("attendance:part-time-detail", args=[timetable.pk]) in page.text
    assert "LA not yet notified" in page.text
    dashboard = client.get(reverse("attendance:dashboard"))
    assert "Part-time timetables</a>: 1 active" in dashboard.text
    assert reverse("attendance:part-time-reconciliation") in dashboard.text


def test_the_register_shows_only_learners_in_scope(client: Any, world: Any) -> None:
    _create(world)
    _create(world, learner=world.learner10, role="senco")
    sign_in(client, world.user("hoy"))
    response = client.get(reverse("attendance:part-time-list"))
    assert world.learner9.display_name in response.text
    assert world.learner10.display_name not in response.text


def test_the_setting_is_on_the_hub_and_audited(client: Any, world: Any) -> None:
    sign_in(client, world.user("admin"))
    hub = client.get(reverse("school_settings:hub"))
    assert reverse("attendance:settings") in hub.text
    response = client.post(reverse("attendance:settings"), {"part_time_max_weeks": "40"})
    assert response.status_code == 422
    client.post(reverse("attendance:settings"), {"part_time_max_weeks": "8"})
    assert selectors.attendance_settings_for(world.school).part_time_max_weeks == 8
    assert AuditEvent.objects.filter(action="attendance.settings.updated").exists()


def test_the_transfer_report_carries_the_timetable_not_a_tick_box(world: Any, client: Any) -> None:
    from pastoral.reports.models import ReportJob

    _create(world, reason="Phased return <after> an operation")
    sign_in(client, world.user("hoy"))
    response = client.post(
        reverse("caseload_reports:transfer", args=[world.learner9.pk]),
        {"sections": ["attendance"]},
    )
    assert response.status_code == 302
    job = ReportJob.objects.latest("id")
    assert job.status == ReportJob.Status.DONE, job.error
    download = client.get(reverse("reports:job-download", args=[job.pk]))
    text = pdf_text(b"".join(download.streaming_content))
    assert "Part-time timetable" in text and "(4 weeks)" in text
    assert "Phased return <after> an operation" in text
    assert "Mrs Maya Parent" in text
    assert "Monday PM" in text or "Mon PM" in text
