"""Safeguarding reminders: follow-up actions due and overdue, and concerns not
triaged within the school's limit, escalated to the deputy DSLs (urgent: they
are e-mailed at once). Registered with the reminder registry when Django
starts (pastoral/notifications autodiscovers `<app>.reminders`).

Titles carry the concern's reference (C-000123) and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils import timezone

from pastoral.access import Scope
from pastoral.models import Role, School
from pastoral.notifications.finders import as_date, in_notice, overdue, role_holder_ids
from pastoral.notifications.registry import (
    Due,
    ReminderKind,
    register_kind,
    register_kind_label,
    register_scoped,
)
from safeguarding import selectors
from safeguarding.models import Concern, ConcernAction

# The person responsible hears this many school days before a follow-up is due.
FOLLOW_UP_NOTICE_SCHOOL_DAYS = 1


def _reference(concern_id: int) -> str:
    return Concern(pk=concern_id).reference


def _open_follow_ups(school: School) -> list[tuple[int, int, int, dt.date]]:
    """(action id, concern id, who to remind, due date) for follow-ups not done."""
    rows = ConcernAction.objects.filter(
        concern__school=school,
        follow_up_due__isnull=False,
        completed_at__isnull=True,
    ).values_list("pk", "concern_id", "concern__owner_id", "recorded_by_id", "follow_up_due")
    dsl_team = set(role_holder_ids(school, Role.DSL, Role.DEPUTY_DSL))
    follow_ups = []
    for pk, concern_id, owner_id, recorded_by_id, due in rows:
        # The concern's owner, or whoever recorded the action; only while they
        # are still on the DSL team (no one else may open the record).
        who = owner_id if owner_id in dsl_team else recorded_by_id
        if who in dsl_team:
            follow_ups.append((pk, concern_id, who, due))
    return follow_ups


def _due(row: tuple[int, int, int, dt.date]) -> dt.date:
    return row[3]


def follow_ups_due(school: School, today: dt.date) -> Iterator[Due]:
    rows = in_notice(
        school,
        today,
        _open_follow_ups(school),
        due_of=_due,
        notice_school_days=FOLLOW_UP_NOTICE_SCHOOL_DAYS,
    )
    for pk, concern_id, who, due in rows:
        yield Due(
            recipient_id=who,
            object_type="safeguarding.concernaction",
            object_id=pk,
            due_date=due,
            title=f"Follow-up on concern {_reference(concern_id)} due {due:%-d %b}",
            url=reverse("safeguarding:concern-detail", kwargs={"pk": concern_id}),
        )


def follow_ups_overdue(school: School, today: dt.date) -> Iterator[Due]:
    for pk, concern_id, who, due in overdue(today, _open_follow_ups(school), due_of=_due):
        yield Due(
            recipient_id=who,
            object_type="safeguarding.concernaction",
            object_id=pk,
            due_date=due,
            title=f"Follow-up on concern {_reference(concern_id)} overdue since {due:%-d %b}",
            url=reverse("safeguarding:concern-detail", kwargs={"pk": concern_id}),
        )


def untriaged_concerns(school: School, today: dt.date) -> Iterator[Due]:
    """Concerns still untriaged once the school's limit (hours since they were
    submitted) has passed: escalated to the deputy DSLs, or to the DSLs if the
    school has no deputy. Wall-clock hours: a concern does not wait for Monday.
    """
    limit = dt.timedelta(hours=school.triage_limit_hours)
    overdue = list(
        Concern.objects.filter(
            school=school, status=Concern.Status.NEW, submitted_at__lte=timezone.now() - limit
        ).values_list("pk", "submitted_at")
    )
    if not overdue:
        return
    deputies = role_holder_ids(school, Role.DEPUTY_DSL) or role_holder_ids(school, Role.DSL)
    for pk, submitted_at in overdue:
        for user_id in deputies:
            yield Due(
                recipient_id=user_id,
                object_type="safeguarding.concern",
                object_id=pk,
                # Once per concern: the day it was submitted is the key.
                due_date=as_date(submitted_at),
                title=f"Concern {_reference(pk)} not triaged within "
                f"{school.triage_limit_hours} hours",
                url=reverse("safeguarding:concern-detail", kwargs={"pk": pk}),
            )


register_kind(
    ReminderKind(
        "safeguarding.follow_up_due", "A safeguarding follow-up action due", follow_ups_due
    )
)
register_kind(
    ReminderKind(
        "safeguarding.follow_up_overdue",
        "A safeguarding follow-up action overdue",
        follow_ups_overdue,
    )
)
register_kind(
    ReminderKind(
        "safeguarding.untriaged_escalation",
        "A concern not triaged in time (escalated to deputy DSLs)",
        untriaged_concerns,
        urgent=True,
    )
)


def _scoped_actions(scope: Scope) -> Any:
    return ConcernAction.objects.filter(
        concern__in=selectors.concerns_for(scope).filter(full_access=True).values("pk")
    )


def _concern_names(concerns: Any) -> dict[str, str]:
    return {
        str(c.pk): ", ".join(sorted(x.display_name for x in c.learners.all()))
        for c in concerns.prefetch_related("learners")
    }


def _concern_action_names(actions: Any) -> dict[str, str]:
    return {
        str(a.pk): ", ".join(sorted(x.display_name for x in a.concern.learners.all()))
        for a in actions.prefetch_related("concern__learners")
    }


register_scoped("safeguarding.concern", selectors.concerns_for, names=_concern_names)
register_scoped("safeguarding.concernaction", _scoped_actions, names=_concern_action_names)
register_kind_label("safeguarding.concern", "New safeguarding concerns")
register_kind_label("safeguarding.share", "Concerns shared with you")
