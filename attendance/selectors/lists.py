"""Learner lists: every learner in scope with their figures, or one flag's list
(persistent or severe absence, biggest falls, below target), worst first.

A list is a values() queryset of per-learner figures, ordered and sliced or
paginated in SQL; hydrate() then fetches the learners of that page in one
query and puts the figures on them for the templates.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet

from attendance import formula
from attendance.selectors.figures import default_range, learner_stats, marks_in_range
from attendance.selectors.targets import below_target_for
from pastoral.access import Cap, Scope, learners_for
from pastoral.models import Learner


def _put(learner: Learner, row: dict[str, Any]) -> Learner:
    for key, value in row.items():
        if key not in ("pk", "id"):  # the figures' keys, never the learner's identity
            setattr(learner, key, value)
    return learner


def hydrate(rows: Any) -> list[Learner]:
    """Learners for rows of figures (in the rows' order), each carrying its figures."""
    rows = list(rows)
    learners = Learner.objects.select_related("year_group", "reg_group").in_bulk(
        [r["learner_id"] for r in rows]
    )
    return [_put(learners[row["learner_id"]], row) for row in rows]


def hydrate_lists(*lists: list[dict[str, Any]]) -> list[list[Learner]]:
    """hydrate() for several lists at once: one query for the learners of them all.

    A learner on two lists is a separate object on each, with that list's figures.
    """
    ids = {row["learner_id"] for rows in lists for row in rows}
    learners = Learner.objects.select_related("year_group", "reg_group").in_bulk(ids)
    return [[_put(copy.copy(learners[row["learner_id"]]), row) for row in rows] for rows in lists]


def falls_window(end: dt.date, weeks: int) -> dt.date:
    """The first day of the last `weeks` weeks to `end` (the falls' recent window)."""
    return end - dt.timedelta(weeks=weeks) + dt.timedelta(days=1)


def falls_for(
    scope: Scope, *, start: dt.date | None = None, end: dt.date | None = None, weeks: int = 4
) -> QuerySet[Any]:
    """Biggest falls: attendance over the last `weeks` weeks against the year before them."""
    start, end = default_range(scope.school, start, end)
    window_start = falls_window(end, weeks)
    both = ("possible", "attending")
    return (
        marks_in_range(scope, start, end)
        .values("learner_id")
        .annotate(
            **formula.counts(names=both, where=Q(date__gte=window_start), prefix="recent_"),
            **formula.counts(names=both, where=Q(date__lt=window_start), prefix="before_"),
        )
        .annotate(
            recent_pct=formula.ATTENDANCE.orm("recent_"),
            before_pct=formula.ATTENDANCE.orm("before_"),
        )
        .filter(recent_possible__gt=0, before_possible__gt=0)
        .annotate(fall=F("before_pct") - F("recent_pct"))
        .filter(fall__gt=0)
        .order_by("-fall", "learner_id")
    )


def flagged_rows(
    scope: Scope, flag: str, *, start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[Any]:
    """Rows of figures for one list: pa, sa, falls or below_target, worst first."""
    start, end = default_range(scope.school, start, end)
    if flag in ("pa", "sa"):
        return (
            learner_stats(scope, start, end)
            .filter(**{f"is_{flag}": True})
            .order_by("attendance_pct", "learner_id")
        )
    if flag == "falls":
        return falls_for(scope, start=start, end=end)
    if flag == "below_target":
        return below_target_for(scope, end=end)
    raise ValueError(f"unknown list {flag!r}")


def _learners_in_scope(scope: Scope) -> QuerySet[Learner]:
    return (
        learners_for(scope, Cap.VIEW_PROFILE)
        .select_related("year_group", "reg_group")
        .order_by("legal_last_name", "legal_first_name", "id")
    )


def _with_figures(
    scope: Scope, start: dt.date, end: dt.date
) -> Callable[[list[Learner]], list[Learner]]:
    """Puts each learner's figures on a batch of learners: one query per batch."""

    def put(learners: list[Learner]) -> list[Learner]:
        ids = [learner.pk for learner in learners]
        stats = {
            r["learner_id"]: r for r in learner_stats(scope, start, end).filter(learner_id__in=ids)
        }
        for learner in learners:
            _put(learner, stats.get(learner.pk, formula.EMPTY))
        return learners

    return put


def learner_rows(
    scope: Scope, *, flag: str = "", start: dt.date | None = None, end: dt.date | None = None
) -> tuple[QuerySet[Any], Callable[[list[Any]], list[Learner]]]:
    """Every row of a list, unpaginated (what learner_rows_page pages), and the
    step that turns a batch of those rows into learners carrying their figures."""
    start, end = default_range(scope.school, start, end)
    if flag:
        return flagged_rows(scope, flag, start=start, end=end), hydrate
    return _learners_in_scope(scope), _with_figures(scope, start, end)


def learner_rows_page(
    scope: Scope,
    *,
    flag: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    page_number: Any = 1,
    per_page: int = 50,
) -> Page:
    """One page of a list, with learners and figures: three queries whatever the page size."""
    rows, prepare = learner_rows(scope, flag=flag, start=start, end=end)
    page = Paginator(rows, per_page).get_page(page_number)
    page.object_list = prepare(list(page.object_list))
    return page
