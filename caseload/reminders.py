"""Caseload reminders: plan reviews coming up and overdue, contact follow-up
actions due and overdue. Registered with the reminder registry when Django
starts (pastoral/notifications autodiscovers `<app>.reminders`).

Titles carry a reference (P-12, A-34), never anything about the learner.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from caseload.models import AgreedAction, Allocation, Plan, SubjectAccessRequest
from pastoral.access import Cap, Scope, learner_filter
from pastoral.models import Role, School
from pastoral.notifications.finders import (
    NOTICE_LOOKAHEAD,
    in_notice,
    overdue,
    role_holder_ids,
    unique,
)
from pastoral.notifications.registry import Due, ReminderKind, register_kind, register_scoped

# A plan's key worker hears this many school days before the review date.
PLAN_REVIEW_NOTICE_SCHOOL_DAYS = 5
# An agreed action's owner hears this many school days before it is due.
ACTION_NOTICE_SCHOOL_DAYS = 1
# The DSL team hears this many school days before a subject-access request is due.
SAR_NOTICE_SCHOOL_DAYS = 5


def _lead_workers(learner_ids: list[int], today: dt.date) -> dict[int, list[int]]:
    """Learner id -> the key workers holding the learner's case today (one query)."""
    rows = (
        Allocation.objects.current(today)
        .filter(learner_id__in=learner_ids, worker__is_active=True)
        .order_by("kind", "start")
        .values_list("learner_id", "worker_id")
    )
    workers: dict[int, list[int]] = defaultdict(list)
    for learner_id, worker_id in rows:
        if worker_id not in workers[learner_id]:
            workers[learner_id].append(worker_id)
    return workers


def _plan_url(plan_id: int) -> str:
    return reverse("caseload:plan-detail", kwargs={"pk": plan_id})


def plan_reviews_due(school: School, today: dt.date) -> Iterator[Due]:
    """Active plans whose review falls within the notice period: the key
    workers hear once per plan and review date (the SENCO if nobody holds the case)."""
    plans = Plan.objects.filter(
        school=school,
        status=Plan.Status.ACTIVE,
        next_review__gte=today,
        next_review__lte=today + NOTICE_LOOKAHEAD,
    ).values_list("pk", "learner_id", "next_review")
    due_now = in_notice(
        school,
        today,
        plans,
        due_of=lambda row: row[2],
        notice_school_days=PLAN_REVIEW_NOTICE_SCHOOL_DAYS,
    )
    if not due_now:
        return
    workers = _lead_workers([learner_id for _, learner_id, _ in due_now], today)
    sencos = role_holder_ids(school, Role.SENCO) if len(workers) < len(due_now) else []
    for pk, learner_id, review in due_now:
        for user_id in workers.get(learner_id) or sencos:
            yield Due(
                recipient_id=user_id,
                object_type="caseload.plan",
                object_id=pk,
                due_date=review,
                title=f"Plan review due {review:%-d %b} (P-{pk})",
                url=_plan_url(pk),
            )


def plan_reviews_overdue(school: School, today: dt.date) -> Iterator[Due]:
    """Active plans past their review date: key workers and the SENCO hear once
    per plan and review date."""
    plans = list(
        Plan.objects.filter(
            school=school, status=Plan.Status.ACTIVE, next_review__lt=today
        ).values_list("pk", "learner_id", "next_review")
    )
    if not plans:
        return
    workers = _lead_workers([learner_id for _, learner_id, _ in plans], today)
    sencos = role_holder_ids(school, Role.SENCO)
    for pk, learner_id, review in plans:
        for user_id in unique([*workers.get(learner_id, []), *sencos]):
            yield Due(
                recipient_id=user_id,
                object_type="caseload.plan",
                object_id=pk,
                due_date=review,
                title=f"Plan review overdue since {review:%-d %b} (P-{pk})",
                url=_plan_url(pk),
            )


def _open_actions(school: School) -> list[tuple[int, int, int, dt.date]]:
    return list(
        AgreedAction.objects.filter(
            contact__school=school, done_on__isnull=True, owner__is_active=True
        ).values_list("pk", "contact_id", "owner_id", "due")
    )


def _due(row: tuple[int, int, int, dt.date]) -> dt.date:
    return row[3]


def actions_due(school: School, today: dt.date) -> Iterator[Due]:
    """Follow-up actions agreed at a contact, due within the notice period: the owner hears."""
    actions = in_notice(
        school,
        today,
        _open_actions(school),
        due_of=_due,
        notice_school_days=ACTION_NOTICE_SCHOOL_DAYS,
    )
    for pk, contact_id, owner_id, due in actions:
        yield Due(
            recipient_id=owner_id,
            object_type="caseload.agreedaction",
            object_id=pk,
            due_date=due,
            title=f"Follow-up action due {due:%-d %b} (A-{pk})",
            url=reverse("caseload:contact-detail", kwargs={"pk": contact_id}),
        )


def actions_overdue(school: School, today: dt.date) -> Iterator[Due]:
    """Follow-up actions past their due date and not done: the owner hears once."""
    for pk, contact_id, owner_id, due in overdue(today, _open_actions(school), due_of=_due):
        yield Due(
            recipient_id=owner_id,
            object_type="caseload.agreedaction",
            object_id=pk,
            due_date=due,
            title=f"Follow-up action overdue since {due:%-d %b} (A-{pk})",
            url=reverse("caseload:contact-detail", kwargs={"pk": contact_id}),
        )


def _open_sars(school: School) -> list[SubjectAccessRequest]:
    return list(
        SubjectAccessRequest.objects.filter(school=school, released_at__isnull=True).only(
            "pk", "received_on", "extension_months", "released_at"
        )
    )


def _sar_url(pk: int) -> str:
    return reverse("caseload_reports:sar-detail", kwargs={"pk": pk})


def sars_due(school: School, today: dt.date) -> Iterator[Due]:
    """Open subject-access requests due within the notice period: every DSL and
    deputy hears once per request and due date (an extension is a new due date)."""
    due_now = in_notice(
        school,
        today,
        _open_sars(school),
        due_of=lambda s: s.due_on,
        notice_school_days=SAR_NOTICE_SCHOOL_DAYS,
    )
    if not due_now:
        return
    for user_id in role_holder_ids(school, Role.DSL, Role.DEPUTY_DSL):
        for s in due_now:
            yield Due(
                recipient_id=user_id,
                object_type="caseload.subjectaccessrequest",
                object_id=s.pk,
                due_date=s.due_on,
                title=f"Subject-access request due {s.due_on:%-d %b} (SAR-{s.pk})",
                url=_sar_url(s.pk),
            )


def sars_overdue(school: School, today: dt.date) -> Iterator[Due]:
    """Open requests past their due date stay open and escalate: every DSL and
    deputy hears at once (urgent), and again each week until the pack is released."""
    sars = overdue(today, _open_sars(school), due_of=lambda s: s.due_on)
    if not sars:
        return
    for user_id in role_holder_ids(school, Role.DSL, Role.DEPUTY_DSL):
        for s in sars:
            weeks = (today - s.due_on).days // 7
            yield Due(
                recipient_id=user_id,
                object_type="caseload.subjectaccessrequest",
                object_id=s.pk,
                # One reminder per week overdue: the idempotency key changes weekly.
                due_date=s.due_on + dt.timedelta(days=7 * weeks),
                title=f"Subject-access request overdue since {s.due_on:%-d %b} (SAR-{s.pk})",
                url=_sar_url(s.pk),
            )


register_kind(
    ReminderKind(
        "caseload.plan_review_due", "A plan review coming up (key workers)", plan_reviews_due
    )
)
register_kind(
    ReminderKind(
        "caseload.plan_review_overdue",
        "A plan review overdue (key workers and SENCO)",
        plan_reviews_overdue,
    )
)
register_kind(ReminderKind("caseload.action_due", "A follow-up action due", actions_due))
register_kind(
    ReminderKind("caseload.action_overdue", "A follow-up action overdue", actions_overdue)
)
register_kind(
    ReminderKind("caseload.sar_due", "A subject-access request coming due (DSL team)", sars_due)
)
register_kind(
    ReminderKind(
        "caseload.sar_overdue",
        "A subject-access request overdue (DSL team, weekly until released)",
        sars_overdue,
        urgent=True,
    )
)


def _scoped_plans(scope: Scope) -> Any:
    return Plan.objects.filter(school=scope.school).filter(
        learner_filter(scope, Cap.MANAGE_PLANS, prefix="learner__")
    )


def _scoped_actions(scope: Scope) -> Any:
    return AgreedAction.objects.filter(contact__school=scope.school).filter(
        learner_filter(scope, Cap.RECORD_CONTACTS, prefix="contact__learner__")
    )


def _scoped_sars(scope: Scope) -> Any:
    from caseload.reports.sar import sars_for

    return sars_for(scope)


register_scoped("caseload.plan", _scoped_plans)
register_scoped("caseload.agreedaction", _scoped_actions, learner_path="contact__learner")
register_scoped("caseload.subjectaccessrequest", _scoped_sars)
