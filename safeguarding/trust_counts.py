"""The safeguarding figures of the trust dashboard (pastoral/trust/registry.py):
open concerns by age band and by category, overdue follow-ups and concerns
logged per month, for many schools in four queries. Counts only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from pastoral.trust import figures
from safeguarding.models import Concern, ConcernAction

OPEN = [Concern.Status.NEW, Concern.Status.OPEN]
NO_CATEGORY = "No category"


def _band_counts(path: str, today: dt.date, extra: Q | None = None) -> dict[str, Count]:
    t7, t30 = figures.band_limits(today)
    at = f"{path}submitted_at"
    conditions = {
        "days_0_7": Q(**{f"{at}__gte": t7}),
        "days_8_30": Q(**{f"{at}__gte": t30, f"{at}__lt": t7}),
        "days_over_30": Q(**{f"{at}__lt": t30}),
    }
    return {
        f"b_{key}": Count("pk", filter=cond & extra if extra is not None else cond)
        for key, cond in conditions.items()
    }


def safeguarding_counts(school_ids: list[int], today: dt.date) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {
        pk: {
            "open": dict.fromkeys((k for k, _ in figures.AGE_BANDS), 0),
            "open_by_category": {},
            "follow_ups_overdue": 0,
            "monthly": {},
        }
        for pk in school_ids
    }
    through = Concern.categories.through
    uncategorised = ~Exists(through.objects.filter(concern_id=OuterRef("pk")))
    open_rows = (
        Concern.objects.filter(school_id__in=school_ids, status__in=OPEN)
        .values("school_id")
        .annotate(
            **_band_counts("", today),
            **{f"none{k}": v for k, v in _band_counts("", today, Q(uncategorised)).items()},
        )
        .order_by()
    )
    for row in open_rows:
        figures_ = out[row["school_id"]]
        figures_["open"] = {k: row[f"b_{k}"] for k, _ in figures.AGE_BANDS}
        none = [row[f"noneb_{k}"] for k, _ in figures.AGE_BANDS]
        if any(none):
            figures_["open_by_category"][NO_CATEGORY] = none
    category_rows = (
        through.objects.filter(concern__school_id__in=school_ids, concern__status__in=OPEN)
        .values("concern__school_id", "category__name")
        .annotate(**_band_counts("concern__", today))
        .order_by()
    )
    for row in category_rows:
        out[row["concern__school_id"]]["open_by_category"][row["category__name"]] = [
            row[f"b_{k}"] for k, _ in figures.AGE_BANDS
        ]
    overdue = (
        ConcernAction.objects.filter(
            concern__school_id__in=school_ids,
            follow_up_due__lt=today,
            completed_at__isnull=True,
        )
        .values("concern__school_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in overdue:
        out[row["concern__school_id"]]["follow_ups_overdue"] = row["n"]
    # One conditional count per month (no per-row date truncation, which SQLite
    # would run in Python for every concern).
    firsts = figures.months(today)
    limits = [figures.midnight(m) for m in firsts] + [
        figures.midnight(today + dt.timedelta(days=1))
    ]
    per_month = {
        f"m{i}": Count("pk", filter=Q(submitted_at__gte=limits[i], submitted_at__lt=limits[i + 1]))
        for i in range(len(firsts))
    }
    for row in (
        Concern.objects.filter(school_id__in=school_ids, submitted_at__gte=limits[0])
        .values("school_id")
        .annotate(**per_month)
        .order_by()
    ):
        out[row["school_id"]]["monthly"] = {
            figures.month_key(m): row[f"m{i}"] for i, m in enumerate(firsts)
        }
    return out
