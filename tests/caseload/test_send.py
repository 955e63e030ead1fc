"""SEND: the SEN record (need areas, provision, outcomes, linked plans), the
EHCP annual review clock and its dated steps, the SENCO's queue, the reminders
sent once, the Welsh labels, and bad input refused beside its field."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caseload.models import Plan
from caseload.models.sar import add_months
from caseload.models.send import EhcpReview, ReviewStep, SendSettings, SenRecord
from caseload.selectors import send as selectors
from caseload.services import send as services
from pastoral.access import scope_for
from pastoral.models import AuditEvent
from pastoral.notifications import registry
from pastoral.notifications import services as notifications
from pastoral.notifications.models import Notification
from tests.caseload.factories import make_plan
from tests.caseload.send_factories import make_review, make_sen_record
from tests.conftest import sign_in
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _senco(world: Any) -> Any:
    return scope_for(world.user("senco"), world.school)


def _record_post(**over: Any) -> dict[str, Any]:
    data = {
        "status": "ehcp",
        "primary_need": "SLCN",
        "secondary_need": "SEMH",
        "provision": "Speech and language therapy <b>weekly</b>",
        "outcomes": "Joins in class discussion",
        "ehcp_issued_on": (TODAY - dt.timedelta(days=100)).isoformat(),
    }
    data.update(over)
    return data


def _ehcp(world: Any, learner: Any = None, issued: dt.date | None = None) -> SenRecord:
    return services.sen_record_save(
        scope=_senco(world),
        learner=learner or world.learner9,
        fields={
            "status": "ehcp",
            "primary_need": "ASD",
            "secondary_need": "",
            "provision": "Visual timetable",
            "outcomes": "",
            "ehcp_issued_on": issued or TODAY - dt.timedelta(days=300),
        },
    )


# --- The record -------------------------------------------------------------------


def test_the_senco_records_an_ehc_plan_and_sees_its_needs_and_review_due(
    world: Any, client: Any
) -> None:
    plan = make_plan(world.learner9)
    sign_in(client, world.user("senco"))
    url = reverse("caseload:sen-record-edit", args=[world.learner9.pk])
    response = client.post(url, _record_post(plans=[plan.pk]))
    assert response.status_code == 302
    record = SenRecord.objects.get(learner=world.learner9)
    assert list(record.plans.all()) == [plan]
    page = client.get(reverse("caseload:sen-record", args=[world.learner9.pk])).text
    assert "Speech, language and communication needs (SLCN)" in page
    assert "Communication and interaction, Social, emotional and mental health" in page
    # Escaped, never markup.
    assert "&lt;b&gt;weekly&lt;/b&gt;" in page and "<b>weekly" not in page
    due = add_months(TODAY - dt.timedelta(days=100), 12)
    assert f"Annual review due by {due:%-d %b %Y}" in page
    assert record.next_due == due
    assert AuditEvent.objects.filter(action="caseload.sen_record.created").count() == 1


def test_an_ehc_plan_without_its_issue_date_is_refused_beside_the_field(
    world: Any, client: Any
) -> None:
    sign_in(client, world.user("senco"))
    url = reverse("caseload:sen-record-edit", args=[world.learner9.pk])
    before = AuditEvent.objects.count()
    response = client.post(url, _record_post(ehcp_issued_on=""))
    assert response.status_code == 422
    assert "Give the date the plan was issued." in response.text
    response = client.post(url, _record_post(secondary_need="SLCN"))
    assert response.status_code == 422
    assert "The secondary need must differ from the primary need." in response.text
    assert not SenRecord.objects.exists()
    assert AuditEvent.objects.count() == before


def test_another_learners_plan_cannot_be_linked(world: Any) -> None:
    from django.core.exceptions import ValidationError

    other = make_plan(world.learner10)
    with pytest.raises(ValidationError) as exc:
        services.sen_record_save(
            scope=_senco(world),
            learner=world.learner9,
            fields={"status": "support", "primary_need": "MLD", "provision": "Reading group"},
            plans=[other],
        )
    assert "plans" in exc.value.message_dict
    assert not SenRecord.objects.exists()


def test_a_key_worker_sees_their_learners_record_and_not_anothers(world: Any, client: Any) -> None:
    make_sen_record(world.learner9)
    make_sen_record(world.learner10)
    sign_in(client, world.user("support"))
    assert client.get(reverse("caseload:sen-record", args=[world.learner9.pk])).status_code == 200
    assert client.get(reverse("caseload:sen-record", args=[world.learner10.pk])).status_code == 404


# --- The review clock --------------------------------------------------------------


def test_a_child_under_five_is_reviewed_within_six_months(world: Any) -> None:
    issued = TODAY - dt.timedelta(days=30)
    young = LearnerFactory(
        school=world.school, year_group=world.year9, date_of_birth=TODAY - dt.timedelta(days=900)
    )
    record = _ehcp(world, young, issued)
    assert record.next_due == add_months(issued, 6)
    assert _ehcp(world, world.learner10, issued).next_due == add_months(issued, 12)


def test_scheduling_the_review_dates_each_step_from_the_meeting(world: Any) -> None:
    record = _ehcp(world)
    meeting = TODAY + dt.timedelta(days=30)
    review = services.ehcp_review_schedule(scope=_senco(world), record=record, meeting_on=meeting)
    steps = {s.kind: s.due_on for s in review.steps.all()}
    assert steps == {
        "advice": meeting - dt.timedelta(days=14),
        "meeting": meeting,
        "report": meeting + dt.timedelta(days=14),
        "decision": meeting + dt.timedelta(days=28),
    }
    record.refresh_from_db()
    assert (record.next_step, record.next_due) == (
        "Request advice and information",
        meeting - dt.timedelta(days=14),
    )
    assert not review.is_late


def test_a_review_more_than_twelve_months_after_the_last_is_flagged_not_refused(
    world: Any, client: Any
) -> None:
    record = _ehcp(world)
    due_by = add_months(record.ehcp_issued_on, 12)
    sign_in(client, world.user("senco"))
    late = due_by + dt.timedelta(days=20)
    response = client.post(
        reverse("caseload:ehcp-review-create", args=[record.pk]),
        {"meeting_on": late.isoformat(), "late_reason": "Parent's request: after surgery"},
        follow=True,
    )
    assert response.status_code == 200
    review = EhcpReview.objects.get(record=record)
    assert review.is_late and review.meeting_on == late
    assert "Flagged" in response.text and "after surgery" in response.text


def test_marking_steps_done_records_who_and_moves_the_clock(world: Any, client: Any) -> None:
    record = _ehcp(world)
    meeting = TODAY - dt.timedelta(days=3)
    review = services.ehcp_review_schedule(scope=_senco(world), record=record, meeting_on=meeting)
    sign_in(client, world.user("senco"))
    advice = review.steps.get(kind="advice")
    response = client.post(
        reverse("caseload:review-step-done", args=[advice.pk]),
        {"done_on": (meeting - dt.timedelta(days=15)).isoformat()},
        follow=True,
    )
    assert response.status_code == 200
    assert world.user("senco").full_name in response.text
    # The meeting slipped a day: the report and decision deadlines follow it.
    held = meeting - dt.timedelta(days=1)
    scope = _senco(world)
    services.review_step_complete(scope=scope, step=review.steps.get(kind="meeting"), done_on=held)
    assert review.steps.get(kind="report").due_on == held + dt.timedelta(days=14)
    assert review.steps.get(kind="decision").due_on == held + dt.timedelta(days=28)
    for kind in ("report", "decision"):
        services.review_step_complete(scope=scope, step=review.steps.get(kind=kind))
    record.refresh_from_db()
    assert (record.next_step, record.next_due) == ("Annual review due", add_months(held, 12))


def test_a_step_done_in_the_future_is_refused_beside_the_field(world: Any, client: Any) -> None:
    record = _ehcp(world)
    review = make_review(record)
    step = review.steps.get(kind="advice")
    sign_in(client, world.user("senco"))
    response = client.post(
        reverse("caseload:review-step-done", args=[step.pk]),
        {"done_on": (TODAY + dt.timedelta(days=2)).isoformat()},
    )
    assert response.status_code == 422
    assert "A step cannot be done in the future." in response.text
    step.refresh_from_db()
    assert step.done_on is None


def test_a_second_review_waits_for_the_open_one(world: Any, client: Any) -> None:
    record = _ehcp(world)
    make_review(record)
    sign_in(client, world.user("senco"))
    response = client.post(
        reverse("caseload:ehcp-review-create", args=[record.pk]),
        {"meeting_on": (TODAY + dt.timedelta(days=60)).isoformat()},
    )
    assert response.status_code == 422
    assert "Finish the open review first" in response.text
    assert EhcpReview.objects.filter(record=record).count() == 1


# --- The queue -------------------------------------------------------------------


def _queue_load(world: Any, n: int) -> None:
    for i in range(n):
        learner = LearnerFactory(school=world.school, year_group=world.year10)
        _ehcp(world, learner, TODAY - dt.timedelta(days=200 + i))


def _count(client: Any, url: str) -> tuple[int, Any]:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_the_queue_is_sorted_by_date_with_overdue_steps_first(world: Any, client: Any) -> None:
    soon = _ehcp(world, world.learner10, TODAY - dt.timedelta(days=330))
    overdue = _ehcp(world, world.learner9, TODAY - dt.timedelta(days=400))
    review = services.ehcp_review_schedule(
        scope=_senco(world), record=overdue, meeting_on=TODAY + dt.timedelta(days=5)
    )
    assert review.is_late
    sign_in(client, world.user("senco"))
    page = client.get(reverse("caseload:send-queue")).text
    first, second = (
        page.index(world.learner9.display_name),
        page.index(world.learner10.display_name),
    )
    assert first < second
    assert "Request advice and information" in page and "overdue" in page
    assert soon.next_step == "Annual review due"


def test_the_queue_answers_in_a_constant_number_of_queries_and_exports(
    world: Any, client: Any
) -> None:
    sign_in(client, world.user("senco"))
    _queue_load(world, 2)
    small, _ = _count(client, reverse("caseload:send-queue"))
    _queue_load(world, 9)
    large, response = _count(client, reverse("caseload:send-queue"))
    assert small == large
    assert response.text.count("Annual review due") == 11
    export = client.get(reverse("caseload:send-queue") + "?export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:4] == ["Learner", "UPN", "Year", "Next step"]
    assert len(rows) == 12
    assert AuditEvent.objects.filter(action="caseload.send_queue.exported").count() == 1


def test_the_queue_shows_a_head_of_year_only_their_years(world: Any, client: Any) -> None:
    _ehcp(world, world.learner9)
    _ehcp(world, world.learner10)
    sign_in(client, world.user("hoy"))
    page = client.get(reverse("caseload:send-queue")).text
    assert world.learner9.display_name in page
    assert world.learner10.display_name not in page


# --- Reminders -------------------------------------------------------------------


def test_the_senco_is_reminded_of_each_step_once(
    world: Any, django_assert_num_queries: Any
) -> None:
    for learner in [world.learner9, *LearnerFactory.create_batch(3, school=world.school)]:
        record = _ehcp(world, learner, TODAY - dt.timedelta(days=360))
    kind = registry.get_kind("caseload.send_step_due")
    assert kind is not None
    # The records, the calendar, the SENCOs: whatever the number of records.
    with django_assert_num_queries(3):
        dues = list(kind.find_due(world.school, TODAY))
    assert len(dues) == 4 and {d.recipient_id for d in dues} == {world.user("senco").pk}
    assert world.learner9.legal_last_name not in dues[0].title
    notifications.reminders_run(today=TODAY)
    notifications.reminders_run(today=TODAY)
    assert Notification.objects.filter(kind="caseload.send_step_due").count() == 4
    # A scheduled review is a new step with a new date: one more reminder, once.
    services.ehcp_review_schedule(
        scope=_senco(world), record=record, meeting_on=TODAY + dt.timedelta(days=14)
    )
    notifications.reminders_run(today=TODAY)
    notifications.reminders_run(today=TODAY)
    assert Notification.objects.filter(kind="caseload.send_step_due").count() == 5
    overdue = Notification.objects.filter(kind="caseload.send_step_overdue")
    # Advice was due today - 0 days (meeting in 14 days): not overdue today, due now.
    assert overdue.count() == 0
    later = TODAY + dt.timedelta(days=1)
    notifications.reminders_run(today=later)
    notifications.reminders_run(today=later)
    assert overdue.count() == 1


# --- Wales --------------------------------------------------------------------------


def test_a_welsh_school_sees_aln_and_idp(world: Any, client: Any) -> None:
    _ehcp(world)
    sign_in(client, world.user("admin"))
    response = client.post(reverse("caseload:send-settings"), {"nation": "wales"})
    assert response.status_code == 302
    assert SendSettings.objects.get(school=world.school).nation == "wales"
    sign_in(client, world.user("senco"))
    page = client.get(reverse("caseload:sen-record", args=[world.learner9.pk])).text
    assert "ALN record" in page and "IDP (local authority)" in page
    assert "EHC plan" not in page
    assert "IDP annual reviews" in client.get(reverse("caseload:send-queue")).text


def test_viewing_a_record_is_audited_once(world: Any, client: Any) -> None:
    _ehcp(world)
    sign_in(client, world.user("senco"))
    client.get(reverse("caseload:sen-record", args=[world.learner9.pk]))
    assert AuditEvent.objects.filter(action="caseload.sen_record.viewed").count() == 1


def test_the_selector_reads_a_record_with_its_reviews_in_fixed_queries(
    world: Any, django_assert_num_queries: Any
) -> None:
    record = _ehcp(world)
    make_review(record)
    record.plans.add(make_plan(world.learner9), make_plan(world.learner9))
    scope = _senco(world)
    with django_assert_num_queries(4):
        got = selectors.sen_record_of(scope, world.learner9)
        assert got is not None
        assert len(got.plans.all()) == 2
        assert [len(r.steps.all()) for r in got.reviews.all()] == [4]
    assert Plan.objects.count() == 2 and ReviewStep.objects.count() == 4


def test_sen_records_are_held_and_disposed_with_the_sen_files(world: Any) -> None:
    from caseload.retention import sen_dispose, sen_holdings

    record = _ehcp(world)
    make_review(record)
    held = sen_holdings(world.school.pk, [world.learner9.pk])
    assert held[world.learner9.pk].count == 1
    disposed = sen_dispose(_senco(world), world.learner9)
    assert disposed.count == 1
    assert not SenRecord.objects.exists() and not ReviewStep.objects.exists()


def test_the_record_page_offers_a_new_review_only_when_none_is_open(
    world: Any, client: Any
) -> None:
    record = _ehcp(world)
    sign_in(client, world.user("senco"))
    url = reverse("caseload:sen-record", args=[world.learner9.pk])
    assert "Schedule the annual review" in client.get(url).text
    make_review(record)
    assert "Schedule the annual review" not in client.get(url).text


def test_the_profile_leads_to_the_sen_record(world: Any, client: Any) -> None:
    sign_in(client, world.user("hoy"))
    page = client.get(reverse("caseload:profile", args=[world.learner9.pk])).text
    assert reverse("caseload:sen-record", args=[world.learner9.pk]) in page
