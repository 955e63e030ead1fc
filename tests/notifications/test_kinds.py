"""The apps' reminder kinds: who hears about what, and when (school days)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from attendance.models import Mark as AttendanceMark
from attendance.models import Target as AttendanceTarget
from caseload.models import Allocation
from pastoral.models import Closure
from pastoral.notifications import registry, services
from pastoral.notifications.models import Notification, Reminder
from pastoral.reports.models import CPFileTransfer
from tests.caseload.factories import make_contact, make_plan
from tests.factories import UserFactory, member

ONE = dt.timedelta(days=1)


def _monday(after: dt.date) -> dt.date:
    return after + dt.timedelta(days=(7 - after.weekday()) % 7 or 7)


def _due(code: str, world: Any, today: dt.date) -> list[registry.Due]:
    kind = registry.get_kind(code)
    assert kind is not None, f"{code} is not registered"
    return list(kind.find_due(world.school, today))


def test_every_kind_of_the_issue_is_registered() -> None:
    codes = {kind.code for kind in registry.kinds()}
    assert {
        "caseload.plan_review_due",
        "caseload.plan_review_overdue",
        "caseload.action_due",
        "caseload.action_overdue",
        "attendance.target_review_due",
        "attendance.persistent_absence",
        "reports.cp_transfer_unconfirmed",
    } <= codes


def test_plan_review_reminder_opens_five_school_days_before(world: Any) -> None:
    review = _monday(timezone.localdate() + dt.timedelta(days=14)) + dt.timedelta(days=7)
    plan = make_plan(world.learner9, next_review=review)
    # Five school days before a Monday review is the Monday before; the Friday
    # is a closure, so the window opens on the Friday before that instead.
    Closure.objects.create(school=world.school, date=review - 3 * ONE, kind=Closure.Kind.INSET)
    assert _due("caseload.plan_review_due", world, review - 11 * ONE) == []
    dues = _due("caseload.plan_review_due", world, review - 10 * ONE)
    assert [(d.recipient_id, d.object_id, d.due_date) for d in dues] == [
        (world.user("support").pk, plan.pk, review)
    ]
    assert dues[0].title == f"Plan review due {review:%-d %b} (P-{plan.pk})"


def test_plan_review_without_a_key_worker_goes_to_the_senco(world: Any) -> None:
    review = timezone.localdate() + 2 * ONE
    plan = make_plan(world.learner10, next_review=review)
    dues = _due("caseload.plan_review_due", world, timezone.localdate())
    assert [(d.recipient_id, d.object_id) for d in dues] == [(world.user("senco").pk, plan.pk)]


def test_overdue_plan_review_reaches_key_worker_and_senco_once(world: Any) -> None:
    today = timezone.localdate()
    plan = make_plan(world.learner9, next_review=today - 2 * ONE, start_days_ago=30)
    for day in (today, today + ONE, today + 5 * ONE):
        services.reminders_run(today=day)
    notes = Notification.objects.filter(kind="caseload.plan_review_overdue", object_id=plan.pk)
    assert sorted(n.recipient_id for n in notes) == sorted(
        [world.user("support").pk, world.user("senco").pk]
    )


def test_follow_up_actions_due_and_overdue_go_to_their_owner(world: Any) -> None:
    today = timezone.localdate()
    owner = world.user("support")
    make_contact(world.learner9, owner=owner, due_days=0)
    make_contact(world.learner9, owner=owner, due_days=-3)
    make_contact(world.learner9, owner=owner, due_days=30)
    due = _due("caseload.action_due", world, today)
    overdue = _due("caseload.action_overdue", world, today)
    assert [(d.recipient_id, d.due_date) for d in due] == [(owner.pk, today)]
    assert [(d.recipient_id, d.due_date) for d in overdue] == [(owner.pk, today - 3 * ONE)]
    assert "/caseload/contacts/" in due[0].url


def test_attendance_target_review_reminds_its_owner(world: Any) -> None:
    today = timezone.localdate()
    target = AttendanceTarget.objects.create(
        school=world.school,
        learner=world.learner9,
        target_percent=95,
        baseline_percent=85,
        start=today - 30 * ONE,
        review_date=today + 2 * ONE,
        owner=world.user("hoy"),
        created_by=world.user("hoy"),
    )
    dues = _due("attendance.target_review_due", world, today)
    assert [(d.recipient_id, d.object_id) for d in dues] == [(world.user("hoy").pk, target.pk)]
    assert _due("attendance.target_review_due", world, today - 30 * ONE) == []


def test_a_learner_crossing_the_persistent_absence_line_reaches_the_head_of_year(
    world: Any,
) -> None:
    today = timezone.localdate()
    start = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    days = [start + dt.timedelta(days=i) for i in range(40)]
    days = [d for d in days if d.weekday() < 5 and d <= today][:20]
    marks = []
    for i, day in enumerate(days):
        for session in ("AM", "PM"):
            code = "O" if i < 3 else "/"  # 6 of 40 sessions missed: 15%
            marks.append(
                AttendanceMark(
                    school=world.school,
                    learner=world.learner9,
                    date=day,
                    session=session,
                    code=code,
                )
            )
    AttendanceMark.objects.bulk_create(marks)
    dues = _due("attendance.persistent_absence", world, today)
    assert [(d.recipient_id, d.object_id) for d in dues] == [
        (world.user("hoy").pk, world.learner9.pk)
    ]
    assert "Nina" not in dues[0].title and world.learner9.upn not in dues[0].title


def test_cp_transfer_unconfirmed_after_five_school_days(world: Any) -> None:
    dsl = world.user("dsl")
    deputy = member(UserFactory(full_name="Dee Deputy"), world.school, "ddsl")
    sent = _monday(timezone.localdate() - 30 * ONE)
    transfer = CPFileTransfer.objects.create(
        school=world.school,
        learner=world.learner9,
        receiving_school="Hillside Academy",
        method=CPFileTransfer.Method.SECURE_PLATFORM,
        sent_at=timezone.make_aware(dt.datetime.combine(sent, dt.time(10))),
        sent_by=dsl,
    )
    deadline = sent + 7 * ONE  # five school days after a Monday: the next Monday
    assert _due("reports.cp_transfer_unconfirmed", world, deadline - ONE) == []
    dues = _due("reports.cp_transfer_unconfirmed", world, deadline)
    assert sorted(d.recipient_id for d in dues) == sorted([dsl.pk, deputy.pk])
    assert {d.due_date for d in dues} == {deadline}
    assert all(d.object_id == transfer.pk for d in dues)
    transfer.receipt_confirmed_at = timezone.now()
    transfer.receipt_confirmed_by = "R. Receiver"
    transfer.save()
    assert _due("reports.cp_transfer_unconfirmed", world, deadline) == []


def test_materialising_a_whole_school_costs_a_few_queries_not_one_per_object(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    """The cost is a fixed number of queries per registered kind: more overdue
    plans and actions add none."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()

    def add_overdue(count: int) -> None:
        for _ in range(count):
            make_plan(world.learner9, next_review=today - ONE)
            make_contact(world.learner9, owner=world.user("support"), due_days=-1)

    def materialise() -> int:
        Reminder.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            services.reminders_materialise(today=today, schools=[world.school])
        return len(queries)

    # (Kept under one INSERT batch: SQLite splits a bulk insert at 999
    # parameters, which is batching, not a query per object.)
    add_overdue(3)
    three = materialise()
    add_overdue(3)
    assert materialise() == three
    assert three <= 2 * len(registry.kinds()) + 4
    add_overdue(9)
    Reminder.objects.all().delete()
    with django_assert_max_num_queries(three):
        services.reminders_materialise(today=today, schools=[world.school])
    assert Reminder.objects.filter(kind="caseload.plan_review_overdue").count() == 30
    assert Reminder.objects.filter(kind="caseload.action_overdue").count() == 15


def test_a_key_worker_who_lost_the_case_cannot_follow_the_old_reminder(
    world: Any, client: Any
) -> None:
    """The reminder stays in their list (it holds nothing about the learner), but
    following it answers 404 once the learner is no longer on their caseload."""
    from tests.conftest import sign_in

    today = timezone.localdate()
    plan = make_plan(world.learner9, next_review=today - ONE)
    services.reminders_run(today=today)
    support = world.user("support")
    note = Notification.objects.get(recipient=support, kind="caseload.plan_review_overdue")
    for detail in (world.learner9.legal_first_name, world.learner9.legal_last_name):
        assert detail not in note.title
    sign_in(client, support, school=world.school)
    response = client.get(f"/notifications/{note.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == f"/caseload/plans/{plan.pk}/"

    Allocation.objects.filter(learner=world.learner9, worker=support).update(end=today - ONE)
    response = client.get(f"/notifications/{note.pk}/open/")
    assert response.status_code == 404
    listing = client.get("/notifications/")
    assert note.title in listing.content.decode()
    assert world.learner9.legal_first_name not in listing.content.decode()
