"""Benchmark data the demo seed does not (yet) provide, added once to the bench
database through the apps' own services (so it is audited and shaped exactly
as real use would make it), and topped up only when missing."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

CHRONOLOGY_ENTRIES = 200
SCHOOL_CONCERNS = 400
WORDS = [
    "upset at break, said things are difficult at home",
    "bruise on the forearm, said it happened at football",
    "not eating lunch for a week, looks tired",
    "comment online about another pupil, screenshots taken",
    "late every day this week, mum not answering the phone",
    "disclosed worries about an older boyfriend",
]


def ensure_safeguarding(ctx: Any) -> dict[str, int]:
    """200 concerns about one Year 9 learner (the chronology benchmark) and
    400 more across the school, most of them untriaged (the DSL inbox)."""
    try:
        from safeguarding import services
        from safeguarding.models import Concern, ConcernLearner
    except ImportError:
        return {}
    from django.utils import timezone

    from pastoral.access import scope_for
    from pastoral.models import Learner

    rng = random.Random(5)
    author = ctx.users["staff"]
    scope = scope_for(author, ctx.school)
    learner = ctx.learner_in_year9()
    made = 0
    have = ConcernLearner.objects.filter(learner_id=learner).count()
    now = timezone.now()
    for n in range(have, CHRONOLOGY_ENTRIES):
        services.concern_create(
            actor=author,
            scope=scope,
            learner_ids=[learner],
            occurred_at=now - dt.timedelta(days=n * 3, hours=n % 7),
            location="Playground",
            description=f"Bench {n}: {rng.choice(WORDS)}.",
        )
        made += 1
    others = list(
        Learner.objects.filter(school=ctx.school).exclude(pk=learner).values_list("pk", flat=True)
    )
    have = Concern.objects.filter(school=ctx.school).count() - CHRONOLOGY_ENTRIES
    for n in range(max(have, 0), SCHOOL_CONCERNS):
        services.concern_create(
            actor=author,
            scope=scope,
            learner_ids=[rng.choice(others)],
            occurred_at=now - dt.timedelta(days=rng.randrange(1, 200)),
            location="Corridor",
            description=f"Bench school {n}: {rng.choice(WORDS)}.",
        )
        made += 1
    return {"concerns_added": made}
