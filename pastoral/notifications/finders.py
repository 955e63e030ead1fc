"""Small helpers the apps' reminder finders share (see registry.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from pastoral.models import Membership, School


def role_holder_ids(school: School, *roles: str) -> list[int]:
    """Active people holding any of the roles in the school (one query)."""
    return sorted(
        set(
            Membership.objects.filter(school=school, role__in=roles, user__is_active=True)
            .values_list("user_id", flat=True)
            .distinct()
        )
    )


def heads_of_year_by_year(school: School) -> dict[int, list[int]]:
    """Year group id -> ids of the active heads of that year (one query)."""
    rows = Membership.objects.filter(
        school=school, role="hoy", user__is_active=True, year_groups__isnull=False
    ).values_list("year_groups", "user_id")
    by_year: dict[int, list[int]] = defaultdict(list)
    for year_id, user_id in rows:
        if user_id not in by_year[year_id]:
            by_year[year_id].append(user_id)
    return by_year


def unique(ids: Iterable[int | None]) -> list[int]:
    """Drop empties and repeats, keeping order."""
    seen: list[int] = []
    for i in ids:
        if i is not None and i not in seen:
            seen.append(i)
    return seen


def as_date(value: dt.datetime | dt.date) -> dt.date:
    from django.utils import timezone

    if isinstance(value, dt.datetime):
        return timezone.localdate(value)
    return value
