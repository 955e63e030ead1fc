"""Local-authority returns: the unauthorised-absence queue and its notice, the
roll-changes register, the penalty-notice threshold, notices to improve and
attendance contracts, and their reminders."""

from __future__ import annotations

import datetime as dt
import subprocess
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from attendance import services as attendance_services
from attendance.default_letters import ATTENDANCE_CONTRACT, NOTICE_TO_IMPROVE
from attendance.models import (
    AttendanceSettings,
    Intervention,
    LaAbsenceNotification,
    LetterTemplate,
    Mark,
    RollChange,
)
from attendance.selectors import la_returns as selectors
from attendance.services import la_returns as services
from pastoral.access import scope_for
from pastoral.calendar import add_school_days
from pastoral.models import AuditEvent
from pastoral.notifications import registry
from pastoral.notifications import services as notifications
from pastoral.notifications.models import Notification
from tests.attendance.la_helpers import absent_run, last_school_days
from tests.conftest import sign_in
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-"), "not a PDF"
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode("utf-8").split())


def _scope(world: Any, role: str = "senco") -> Any:
    return scope_for(world.user(role), world.school)


def _queue(world: Any, role: str = "senco") -> list[Any]:
    return selectors.absence_runs_for(_scope(world, role))


def _mark(learner: Any, day: dt.date, code: str, sessions: tuple[str, ...] = ("AM", "PM")) -> None:
    for session in sessions:
        Mark.objects.update_or_create(
            learner=learner,
            date=day,
            session=session,
            defaults={"school_id": learner.school_id, "code": code},
        )


# ---------------------------------------------------------------------------
# Consecutive unauthorised absence


def test_ten_school_days_of_unauthorised_absence_put_a_learner_on_the_queue(world: Any) -> None:
    run = absent_run(world.learner9, 10)
    [item] = _queue(world)
    assert item.learner == world.learner9
    assert (item.start, item.end, item.days, item.ongoing) == (run[0], run[-1], 10, True)


def test_nine_days_are_not_enough_and_the_number_is_the_schools(world: Any) -> None:
    absent_run(world.learner9, 9)
    assert _queue(world) == []
    AttendanceSettings.objects.create(school=world.school, la_consecutive_days=8)
    assert [r.days for r in _queue(world)] == [9]


def test_a_day_in_school_or_authorised_absence_ends_the_run(world: Any) -> None:
    run = absent_run(world.learner9, 12)
    _mark(world.learner9, run[5], "I", sessions=("PM",))  # ill in the afternoon: authorised
    assert _queue(world) == []  # 5 days, then 6 days: neither reaches 10
    _mark(world.learner9, run[5], "G")  # the whole day unauthorised (holiday in term)
    assert [r.days for r in _queue(world)] == [12]


def test_weekends_and_closures_neither_count_nor_break_a_run(world: Any) -> None:
    run = absent_run(world.learner9, 10)
    days = [run[0] + dt.timedelta(days=i) for i in range((run[-1] - run[0]).days + 1)]
    assert any(d.weekday() >= 5 for d in days)  # the run spans a weekend
    assert [r.days for r in _queue(world)] == [10]


def test_the_queue_is_scoped(world: Any) -> None:
    absent_run(world.learner10, 10)
    assert _queue(world, "support") == [] and _queue(world, "hoy") == []
    assert [r.learner for r in _queue(world, "dsl")] == [world.learner10]


def test_recording_the_notification_takes_the_learner_off_until_a_new_run(
    client: Any, world: Any
) -> None:
    run = absent_run(world.learner9, 10)
    sign_in(client, world.user("support"))
    queue = client.get(reverse("attendance:la-absence-queue"))
    assert world.learner9.display_name in queue.text
    url = reverse(
        "attendance:la-absence-notify",
        kwargs={"pk": world.learner9.pk, "start": run[0].isoformat()},
    )
    response = client.post(
        url, {"notified_on": TODAY.isoformat(), "how": "portal", "la_reference": "EWS-77"}
    )
    assert response.status_code == 302
    item = LaAbsenceNotification.objects.get()
    assert (item.run_start, item.school_days, item.la_reference) == (run[0], 10, "EWS-77")
    assert item.notified_by == world.user("support")
    assert AuditEvent.objects.filter(action="attendance.la_absence.notified").count() == 1
    assert world.learner9.display_name not in client.get(queue.request["PATH_INFO"]).text
    # The run goes on: still notified (the same run), so still off the queue.
    tomorrow = add_school_days(world.school, TODAY, 1)
    _mark(world.learner9, tomorrow, "O")
    assert selectors.absence_runs_for(_scope(world), today=tomorrow) == []


def test_a_new_run_after_a_return_comes_back_on_the_queue(world: Any) -> None:
    days = last_school_days(world.learner9, 22)
    for day in days[:10]:
        _mark(world.learner9, day, "O")
    [first] = _queue(world)
    services.la_absence_notify(scope=_scope(world), run=first, notified_on=days[10], how="email")
    _mark(world.learner9, days[10], "/")  # back in school for a day
    for day in days[11:21]:
        _mark(world.learner9, day, "N")
    [second] = _queue(world)
    assert (second.start, second.days) == (days[11], 10)


def test_a_notification_dated_in_the_future_is_refused_beside_the_field(
    client: Any, world: Any
) -> None:
    run = absent_run(world.learner9, 10)
    sign_in(client, world.user("senco"))
    url = reverse(
        "attendance:la-absence-notify",
        kwargs={"pk": world.learner9.pk, "start": run[0].isoformat()},
    )
    before = AuditEvent.objects.count()
    response = client.post(
        url, {"notified_on": (TODAY + dt.timedelta(days=2)).isoformat(), "how": "email"}
    )
    assert response.status_code == 422
    assert "cannot be dated in the future" in response.text
    assert LaAbsenceNotification.objects.count() == 0 and AuditEvent.objects.count() == before
    response = client.post(url, {"notified_on": TODAY.isoformat(), "how": ""})
    assert response.status_code == 422 and "This field is required" in response.text


def test_a_run_not_on_the_queue_answers_404(client: Any, world: Any) -> None:
    absent_run(world.learner9, 10)
    sign_in(client, world.user("senco"))
    url = reverse(
        "attendance:la-absence-notify",
        kwargs={"pk": world.learner9.pk, "start": "2001-01-01"},
    )
    assert client.get(url).status_code == 404


def test_the_notice_pdf_reads_back_with_the_facts_escaped(client: Any, world: Any) -> None:
    world.learner9.preferred_first_name = "<b>Zed</b>"
    world.learner9.save()
    [run] = (absent_run(world.learner9, 11), _queue(world))[1]
    item = services.la_absence_notify(
        scope=_scope(world),
        run=run,
        notified_on=TODAY,
        how="letter",
        la_reference="REF<script>",
        notes="Home visit: no answer & post piling up",
    )
    sign_in(client, world.user("senco"))
    response = client.get(reverse("attendance:la-absence-notice", kwargs={"pk": item.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Notification of continuous unauthorised absence" in text
    assert "<b>Zed</b>" in text and world.learner9.upn in text
    assert "REF<script>" in text and "no answer & post piling up" in text
    assert "11" in text and world.school.name in text
    assert AuditEvent.objects.filter(action="attendance.la_absence.notice.downloaded").exists()


def test_the_queue_exports_in_the_las_shape(client: Any, world: Any) -> None:
    absent_run(world.learner9, 10)
    sign_in(client, world.user("senco"))
    response = client.get(reverse("attendance:la-absence-queue"), {"export": "csv"})
    body = b"".join(response.streaming_content).decode().lstrip("\ufeff")  # Excel's BOM
    header, row = body.splitlines()[:2]
    assert header.startswith("UPN,Legal surname,Legal forename,Date of birth")
    assert world.learner9.upn in row and ",10," in row


def test_the_queue_page_query_count_does_not_grow_with_learners(
    client: Any, world: Any, django_assert_num_queries: Any
) -> None:
    def add(n: int) -> None:
        for learner in LearnerFactory.create_batch(n, school=world.school, year_group=world.year10):
            absent_run(learner, 10)

    add(2)
    sign_in(client, world.user("senco"))
    url = reverse("attendance:la-absence-queue")
    client.get(url)
    # Session and user (the standing is cached); the academic year; the settings (2:
    # the runs' and the page's); the absent days; the calendar; the notifications;
    # the learners; the view's audit event.
    with django_assert_num_queries(10):
        first = client.get(url)
    add(8)
    with django_assert_num_queries(10):
        second = client.get(url)
    assert first.text.count("Record the notification<span") == 2
    assert second.text.count("Record the notification<span") == 10


# ---------------------------------------------------------------------------
# Roll changes


def test_a_deletion_needs_a_regulation_9_ground(client: Any, world: Any) -> None:
    sign_in(client, world.user("hoy"))
    url = reverse("attendance:roll-change-create", kwargs={"pk": world.learner9.pk})
    response = client.post(
        url, {"kind": "deletion", "date": TODAY.isoformat(), "ground": "in_year"}
    )
    assert response.status_code == 422
    assert "Choose a ground for a deletion (regulation 9)" in response.text
    assert RollChange.objects.count() == 0


def test_a_roll_change_is_due_to_the_la_within_five_school_days(client: Any, world: Any) -> None:
    sign_in(client, world.user("hoy"))
    url = reverse("attendance:roll-change-create", kwargs={"pk": world.learner9.pk})
    response = client.post(
        url,
        {"kind": "deletion", "date": TODAY.isoformat(), "ground": "cme_20_days", "details": "x"},
    )
    assert response.status_code == 302
    change = RollChange.objects.get()
    assert change.due_by == add_school_days(world.school, TODAY, 5)
    due = client.get(reverse("attendance:roll-changes"))
    assert world.learner9.display_name in due.text and "whereabouts unknown" in due.text
    detail = reverse("attendance:roll-change-detail", kwargs={"pk": change.pk})
    response = client.post(
        detail, {"notified_on": TODAY.isoformat(), "how": "email", "la_reference": "CME-9"}
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.la_notified_on == TODAY and change.la_reference == "CME-9"
    assert world.learner9.display_name not in client.get(reverse("attendance:roll-changes")).text
    everything = client.get(reverse("attendance:roll-changes"), {"status": ""})
    assert "CME-9" in everything.text


def test_the_roll_changes_page_query_count_is_pinned(
    client: Any, world: Any, django_assert_num_queries: Any
) -> None:
    def add(n: int) -> None:
        for learner in LearnerFactory.create_batch(n, school=world.school, year_group=world.year10):
            services.roll_change_create(
                scope=_scope(world),
                learner=learner,
                kind="addition",
                date=TODAY,
                ground="in_year",
            )

    add(2)
    sign_in(client, world.user("senco"))
    url = reverse("attendance:roll-changes")
    client.get(url)
    # Session and user; count and page (2); the view's audit event.
    with django_assert_num_queries(5):
        client.get(url)
    add(8)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.text.count("In-year admission") == 10


# ---------------------------------------------------------------------------
# Penalty-notice threshold


def test_ten_unauthorised_sessions_in_ten_school_weeks_are_flagged(client: Any, world: Any) -> None:
    days = last_school_days(world.learner9, 5)
    for day in days:
        _mark(world.learner9, day, "O")  # 10 sessions
    for day in days[:4]:
        _mark(world.learner10, day, "O")  # 8 sessions
        _mark(world.learner10, day, "I")  # authorised: not counted
    long_ago = last_school_days(world.learner10, 80)[0]
    _mark(world.learner10, long_ago, "O")  # outside the 10 school weeks
    sign_in(client, world.user("senco"))
    response = client.get(reverse("attendance:penalty-threshold"))
    assert world.learner9.display_name in response.text
    assert world.learner10.display_name not in response.text
    window = selectors.penalty_window_for(_scope(world))
    [row] = selectors.penalty_threshold_for(_scope(world), window)
    assert row.unauthorised_sessions == 10 and not row.notice_to_improve
    assert long_ago < window.start


def test_the_penalty_list_counts_in_one_query_whatever_the_learners(
    client: Any, world: Any, django_assert_num_queries: Any
) -> None:
    def add(n: int) -> None:
        for learner in LearnerFactory.create_batch(n, school=world.school, year_group=world.year10):
            absent_run(learner, 6, code="G")

    add(2)
    sign_in(client, world.user("dsl"))
    url = reverse("attendance:penalty-threshold")
    client.get(url)
    # Session and user; the settings; the calendar; count and page (2); the audit event.
    with django_assert_num_queries(7):
        first = client.get(url)
    add(8)
    with django_assert_num_queries(7):
        second = client.get(url)
    assert first.text.count(">12</td>") == 2 and second.text.count(">12</td>") == 10


def test_the_thresholds_are_set_by_the_administrator(client: Any, world: Any) -> None:
    sign_in(client, world.user("admin"))
    url = reverse("attendance:la-settings")
    bad = client.post(
        url, {"la_consecutive_days": "0", "penalty_sessions": "10", "penalty_weeks": "10"}
    )
    assert bad.status_code == 422 and "greater than or equal to 1" in bad.text
    assert not AttendanceSettings.objects.filter(school=world.school).exists()
    ok = client.post(
        url, {"la_consecutive_days": "15", "penalty_sessions": "8", "penalty_weeks": "6"}
    )
    assert ok.status_code == 302
    settings = AttendanceSettings.objects.get(school=world.school)
    assert (settings.la_consecutive_days, settings.penalty_sessions, settings.penalty_weeks) == (
        15,
        8,
        6,
    )


# ---------------------------------------------------------------------------
# Notices to improve and attendance contracts


@pytest.mark.parametrize(
    ("kind", "letter"),
    [("notice_to_improve", NOTICE_TO_IMPROVE), ("attendance_contract", ATTENDANCE_CONTRACT)],
)
def test_a_notice_to_improve_or_contract_is_a_letter_from_the_template(
    world: Any, kind: str, letter: tuple[str, str]
) -> None:
    template = LetterTemplate.objects.create(school=world.school, name=letter[0], body=letter[1])
    with pytest.raises(ValidationError) as caught:
        attendance_services.intervention_create(
            scope=_scope(world), learner=world.learner9, kind=kind
        )
    assert "letter_template" in caught.value.message_dict
    item = attendance_services.intervention_create(
        scope=_scope(world), learner=world.learner9, kind=kind, letter_template=template
    )
    assert world.learner9.display_name in item.letter_text
    assert letter[0] in item.letter_text  # the heading of the default text


def test_a_notice_to_improve_shows_on_the_penalty_list(client: Any, world: Any) -> None:
    for day in last_school_days(world.learner9, 5):
        _mark(world.learner9, day, "O")
    template = LetterTemplate.objects.create(
        school=world.school, name=NOTICE_TO_IMPROVE[0], body=NOTICE_TO_IMPROVE[1]
    )
    attendance_services.intervention_create(
        scope=_scope(world),
        learner=world.learner9,
        kind=Intervention.Kind.NOTICE_TO_IMPROVE,
        letter_template=template,
    )
    sign_in(client, world.user("senco"))
    response = client.get(reverse("attendance:penalty-threshold"))
    assert ">Given<" in response.text


# ---------------------------------------------------------------------------
# Reminders and the dashboard


def test_the_absence_reminder_reaches_the_head_of_year_once_per_run(
    world: Any, django_assert_num_queries: Any
) -> None:
    for learner in [
        world.learner9,
        *LearnerFactory.create_batch(3, school=world.school, year_group=world.year9),
    ]:
        absent_run(learner, 10)
    kind = registry.get_kind("attendance.la_absence_due")
    assert kind is not None
    # The runs (settings, academic year, days, calendar, notifications, learners)
    # and the heads of year: whatever the number of learners.
    with django_assert_num_queries(7):
        dues = list(kind.find_due(world.school, TODAY))
    assert len(dues) == 4 and {d.recipient_id for d in dues} == {world.user("hoy").pk}
    assert world.learner9.legal_last_name not in dues[0].title
    notifications.reminders_run(today=TODAY)
    notifications.reminders_run(today=TODAY)
    assert Notification.objects.filter(kind="attendance.la_absence_due").count() == 4


def test_the_roll_change_reminder_stops_once_the_la_is_told(world: Any) -> None:
    change = services.roll_change_create(
        scope=_scope(world), learner=world.learner9, kind="deletion", date=TODAY, ground="died"
    )
    kind = registry.get_kind("attendance.roll_change_due")
    assert kind is not None
    assert [d.object_id for d in kind.find_due(world.school, change.due_by)] == [change.pk]
    services.roll_change_notified(
        scope=_scope(world), change=change, notified_on=TODAY, how="phone"
    )
    assert list(kind.find_due(world.school, change.due_by)) == []


def test_the_dashboard_links_to_the_queues(client: Any, world: Any) -> None:
    sign_in(client, world.user("support"))
    response = client.get(reverse("attendance:dashboard"))
    for name in ("la-absence-queue", "roll-changes", "penalty-threshold"):
        assert reverse(f"attendance:{name}") in response.text


def test_a_new_school_adds_the_default_letters_once(client: Any, world: Any) -> None:
    assert not LetterTemplate.objects.filter(school=world.school).exists()
    sign_in(client, world.user("admin"))
    url = reverse("attendance:la-settings")
    assert "Add the default letters" in client.get(url).text
    assert client.post(url, {"install_letters": "1"}).status_code == 302
    client.post(url, {"install_letters": "1"})
    names = sorted(
        LetterTemplate.objects.filter(school=world.school).values_list("name", flat=True)
    )
    assert names == ["Attendance contract", "Notice to improve"]
    assert "Add the default letters" not in client.get(url).text
    assert AuditEvent.objects.filter(action="attendance.letter_template.created").count() == 2


def test_the_notifications_made_page_query_count_is_pinned(
    client: Any, world: Any, django_assert_num_queries: Any
) -> None:
    def add(n: int) -> None:
        for learner in LearnerFactory.create_batch(n, school=world.school, year_group=world.year10):
            LaAbsenceNotification.objects.create(
                school=world.school,
                learner=learner,
                run_start=TODAY - dt.timedelta(days=20),
                run_end=TODAY,
                school_days=14,
                notified_on=TODAY,
                how="portal",
                la_reference=f"EWS-{learner.pk}",
                notified_by=world.user("dsl"),
            )

    add(2)
    sign_in(client, world.user("dsl"))
    url = reverse("attendance:la-absence-notified")
    client.get(url)
    # Session and user; count and page (2); the view's audit event.
    with django_assert_num_queries(5):
        client.get(url)
    add(8)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.text.count("Notice (PDF)") == 10


def test_the_learners_attendance_page_shows_their_la_returns(client: Any, world: Any) -> None:
    [run] = (absent_run(world.learner9, 10), _queue(world))[1]
    services.la_absence_notify(
        scope=_scope(world), run=run, notified_on=TODAY, how="email", la_reference="EWS-5"
    )
    services.roll_change_create(
        scope=_scope(world), learner=world.learner9, kind="deletion", date=TODAY, ground="died"
    )
    sign_in(client, world.user("support"))
    text = client.get(reverse("attendance:learner", kwargs={"pk": world.learner9.pk})).text
    assert "reference EWS-5" in text and "Deleted from the roll" in text
    assert "LA to be told by" in text
