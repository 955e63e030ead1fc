"""The attendance stream of a learner's merged chronology."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from attendance.models import Intervention, Target
from attendance.selectors.figures import default_range
from attendance.selectors.marks import pa_crossings
from pastoral.access import Cap, Scope, learners_for
from pastoral.models import Learner
from pastoral.timeline import TimelineEntry


def _at_noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def timeline_entries_for(
    scope: Scope,
    learner: Learner,
    *,
    since: dt.datetime | dt.date | None = None,
    limit: int | None = None,
) -> list[TimelineEntry]:
    """Attendance events for the learner's merged chronology, newest first.

    Interventions, targets set, target reviews and the days the learner
    crossed into persistent absence (year to date). Empty when the learner is
    outside the person's case scope. Four queries.
    """
    if not learners_for(scope, Cap.VIEW_PROFILE).filter(pk=learner.pk).exists():
        return []
    since_date = since.date() if isinstance(since, dt.datetime) else since
    url = reverse("attendance:learner", kwargs={"pk": learner.pk})
    entries: list[TimelineEntry] = []
    interventions = Intervention.objects.filter(learner=learner).select_related("owner")
    targets = Target.objects.filter(learner=learner).prefetch_related("reviews")
    if since_date:
        interventions = interventions.filter(date__gte=since_date)
    for item in interventions:
        entries.append(
            TimelineEntry(
                when=_at_noon(item.date),
                kind="attendance",
                title=f"Attendance intervention: {item.get_kind_display()}",
                url=url,
                detail=item.outcome,
                tags=("attendance", item.kind),
            )
        )
    for target in targets:
        if not since_date or target.start >= since_date:
            entries.append(
                TimelineEntry(
                    when=_at_noon(target.start),
                    kind="attendance",
                    title=f"Attendance target set: {target.target_percent}% "
                    f"(baseline {target.baseline_percent}%)",
                    url=url,
                    tags=("attendance", "target"),
                )
            )
        for review in target.reviews.all():
            if not since_date or review.reviewed_on >= since_date:
                entries.append(
                    TimelineEntry(
                        when=_at_noon(review.reviewed_on),
                        kind="attendance",
                        title=f"Attendance target reviewed: {review.get_outcome_display()}",
                        url=url,
                        detail=review.notes,
                        tags=("attendance", "target-review"),
                    )
                )
    start, end = default_range(learner.school, None, None)
    for day in pa_crossings(learner, since_date or start, end):
        entries.append(
            TimelineEntry(
                when=_at_noon(day),
                kind="attendance",
                title="Attendance fell below 90%: persistent absence",
                url=url,
                tags=("attendance", "persistent-absence"),
            )
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit] if limit else entries
