"""Demo: the register's code E only on the days of the demo's suspensions.

Random absence spells never use E (attendance/demo.py); instead a few learners
get runs of E here, which behaviour/demo.py reads back through
pastoral.providers (it may not import attendance) and records as the
suspensions (and one permanent exclusion, the run reaching today) the
register shows. The Code E check page then starts clean.
"""

from __future__ import annotations

import datetime as dt
import random

from attendance.models import Mark
from pastoral.models import Learner, School

# (school days of E, how many school days before today it ends): a Year 9
# learner gets two in one term (over 5 days: the governors' flag).
RUNS = [(3, 12), (3, 4), (1, 30), (2, 20), (6, 40)]
PERMANENT_RUN = 3  # school days of E up to today: a permanent exclusion pending review


def seed_suspension_marks(rng: random.Random, school: School, days: list[dt.date]) -> int:
    """Overwrite the chosen learners' marks with E on their runs; returns how many sessions."""
    if len(days) < 20:  # too early in the year for a story
        return 0
    learners = list(
        Learner.objects.filter(school=school, on_roll_until__isnull=True)
        .order_by("year_group__number", "pk")
        .values_list("pk", "year_group__number")
    )
    year9 = [pk for pk, number in learners if number == 9]
    others = [pk for pk, number in learners if number != 9]
    if len(year9) < 2 or len(others) < 4:
        return 0
    # The last of Year 9 by id: the first ones are the provision demo's AP learners.
    chosen = [year9[-1], year9[-1], *rng.sample(others, 3)]
    changed = 0
    for learner_id, (length, ends_before) in zip(chosen, RUNS, strict=True):
        # Early in the year the older runs move closer to today.
        ends_before = min(ends_before, len(days) - length - 1)
        end = len(days) - 1 - ends_before
        changed += _mark_e(school, learner_id, days[end - length + 1 : end + 1])
    permanent = year9[-2]
    changed += _mark_e(school, permanent, days[-PERMANENT_RUN:])
    return changed


def _mark_e(school: School, learner_id: int, run: list[dt.date]) -> int:
    return Mark.objects.filter(school=school, learner_id=learner_id, date__in=run).update(
        code="E", minutes_late=None
    )
