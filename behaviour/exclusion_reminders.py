"""Reminders about suspensions, through the exactly-once reminder machinery
(pastoral/notifications): the reintegration meeting (the member of staff who
holds it hears the school day before, and on the day), and a notice to the
local authority, social worker, virtual school head or governors still not
sent (whoever recorded the suspension hears once per notice). Titles carry a
reference, never anything about the learner. Registered from BehaviourConfig.ready().
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from behaviour.models import Exclusion, ExclusionNotice
from behaviour.selectors.exclusions import exclusion_reach, handles_exclusions
from pastoral.access import Scope
from pastoral.models import School
from pastoral.notifications.finders import NOTICE_LOOKAHEAD, in_notice
from pastoral.notifications.registry import Due, ReminderKind, register_kind, register_scoped

# The member of staff holding a reintegration meeting hears this many school days before.
REINTEGRATION_NOTICE_SCHOOL_DAYS = 1


def reintegration_meetings_due(school: School, today: dt.date) -> Iterator[Due]:
    """Meetings today or within the notice: one query, plus the calendar."""
    rows = Exclusion.objects.filter(
        school=school,
        reintegration_on__gte=today,
        reintegration_on__lte=today + NOTICE_LOOKAHEAD,
        reintegration_with__is_active=True,
    ).values_list("pk", "reintegration_with_id", "reintegration_on")
    for pk, user_id, on in in_notice(
        school,
        today,
        rows,
        due_of=lambda row: row[2],
        notice_school_days=REINTEGRATION_NOTICE_SCHOOL_DAYS,
    ):
        yield Due(
            recipient_id=user_id,
            object_type="behaviour.exclusion",
            object_id=pk,
            due_date=on,
            title=f"Reintegration meeting on {on:%-d %b} (EX-{pk})",
            url=reverse("behaviour:exclusion-detail", kwargs={"pk": pk}),
        )


def exclusion_notices_due(school: School, today: dt.date) -> Iterator[Due]:
    """Notices due and not yet recorded as sent: one query."""
    rows = ExclusionNotice.objects.filter(
        school=school,
        sent_on__isnull=True,
        due_on__lte=today,
        exclusion__recorded_by__is_active=True,
    ).values_list("pk", "exclusion_id", "exclusion__recorded_by_id", "due_on", "to")
    labels = dict(ExclusionNotice.To.choices)
    for pk, exclusion_id, user_id, due, to in rows:
        yield Due(
            recipient_id=user_id,
            object_type="behaviour.exclusion_notice",
            object_id=pk,
            due_date=due,
            title=f"Tell the {labels.get(to, to).lower()} about EX-{exclusion_id}",
            url=reverse("behaviour:exclusion-notices"),
        )


register_kind(
    ReminderKind(
        "behaviour.reintegration_due",
        "A reintegration meeting after a suspension (the member of staff holding it)",
        reintegration_meetings_due,
    )
)
register_kind(
    ReminderKind(
        "behaviour.exclusion_notice_due",
        "A suspension notice not yet sent (the person who recorded the suspension)",
        exclusion_notices_due,
    )
)


def _scoped_exclusions(scope: Scope) -> Any:
    if not handles_exclusions(scope):
        return Exclusion.objects.none()
    return Exclusion.objects.filter(exclusion_reach(scope, prefix="learner__"))


def _scoped_notices(scope: Scope) -> Any:
    if not handles_exclusions(scope):
        return ExclusionNotice.objects.none()
    return ExclusionNotice.objects.filter(exclusion_reach(scope, prefix="exclusion__learner__"))


register_scoped("behaviour.exclusion", _scoped_exclusions)
register_scoped("behaviour.exclusion_notice", _scoped_notices, learner_path="exclusion__learner")
