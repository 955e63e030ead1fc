"""Half-termly review reminders for alternative provision placements.

The AP statutory guidance asks the commissioning school to review a placement
regularly (at least every half term here): the placement's owner hears once
per placement and half term, from REVIEW_NOTICE_SCHOOL_DAYS school days before
the half term ends, unless a review dated in that half term is recorded.
Half terms come from the school's term dates (provision/halfterms.py).
Registered with the reminder registry when Django starts (autodiscover).
Titles carry a reference only, never anything about the learner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from pastoral.access import Scope
from pastoral.models import School
from pastoral.notifications.finders import NOTICE_LOOKAHEAD, in_notice
from pastoral.notifications.registry import (
    Due,
    ReminderKind,
    names_by_learner,
    register_kind,
    register_learner_names,
    register_visibility,
)
from provision.access import placement_filter
from provision.halfterms import half_terms, review_period
from provision.models import Placement, Review

REVIEW_NOTICE_SCHOOL_DAYS = 10
# A placement that began this close to the end of a half term is first reviewed in the next.
SETTLING_IN = dt.timedelta(days=14)
_LOOKBACK = dt.timedelta(days=200)


def placement_reviews_due(school: School, today: dt.date) -> Iterator[Due]:
    """Active placements whose half term's review is not recorded yet: four
    queries for the whole school (placements, terms, holidays, reviews) and
    one calendar load when something is in notice."""
    placements = list(
        Placement.objects.filter(
            school=school,
            status=Placement.Status.ACTIVE,
            start__lte=today,
            owner__is_active=True,
        ).values_list("pk", "owner_id", "start")
    )
    if not placements:
        return
    periods = half_terms(school, today - _LOOKBACK, today + NOTICE_LOOKAHEAD)
    wanted: list[tuple[int, int, dt.date, dt.date]] = []
    for pk, owner_id, start in placements:
        first, last = review_period(periods, start, today)
        if start > last - SETTLING_IN:
            continue
        wanted.append((pk, owner_id, max(first, start), last))
    if not wanted:
        return
    reviewed: dict[int, list[dt.date]] = {}
    for placement_id, day in Review.objects.filter(
        placement_id__in=[w[0] for w in wanted], date__gte=min(w[2] for w in wanted)
    ).values_list("placement_id", "date"):
        reviewed.setdefault(placement_id, []).append(day)
    pending = [w for w in wanted if not any(w[2] <= day <= w[3] for day in reviewed.get(w[0], []))]
    due_now = in_notice(
        school,
        today,
        pending,
        due_of=lambda w: w[3],
        notice_school_days=REVIEW_NOTICE_SCHOOL_DAYS,
        include_past=True,
    )
    for pk, owner_id, _first, last in due_now:
        yield Due(
            recipient_id=owner_id,
            object_type="provision.placement",
            object_id=pk,
            due_date=last,
            title=f"Alternative provision review due by {last:%-d %b} (AP-{pk})",
            url=reverse("provision:placement-detail", kwargs={"pk": pk}),
        )


def _visible(scope: Scope, ids: list[str]) -> set[str]:
    return {
        str(pk)
        for pk in Placement.objects.filter(pk__in=ids)
        .filter(placement_filter(scope))
        .values_list("pk", flat=True)
    }


def _names(scope: Scope, ids: list[str]) -> dict[str, str]:
    return names_by_learner(Placement.objects.filter(pk__in=ids).filter(placement_filter(scope)))


register_kind(
    ReminderKind(
        "provision.placement_review_due",
        "An alternative provision placement's half-termly review",
        placement_reviews_due,
    )
)
register_visibility("provision.placement", _visible)
register_learner_names("provision.placement", _names)
