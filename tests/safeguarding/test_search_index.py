"""The DSL's free-text search reads the GIN index on PostgreSQL (migration
safeguarding 0002), rather than computing every concern's text vector."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from safeguarding import selectors
from tests.safeguarding.helpers import log_concern, scope_of

pytestmark = pytest.mark.django_db


def _plan(qs: Any) -> str:
    """PostgreSQL's plan for the queryset, as EXPLAIN prints it."""
    with connection.cursor() as cursor:
        sql, params = qs.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres  # full-text search and its index are PostgreSQL's
def test_the_free_text_search_uses_the_index(world: Any) -> None:
    log_concern(world, description="Dad shouted at him on the way home")
    log_concern(world, description="Fell over in the playground")
    qs = selectors.search_concerns(scope_of(world, "dsl"), {"q": "shouting home"})
    assert [c.description for c in qs] == ["Dad shouted at him on the way home"]
    plan = _plan(qs)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'safeguarding_concern_search_gin'"
        )
        (indexdef,) = cursor.fetchone()
    # PostgreSQL can use an expression index only for the very same expression:
    # both are printed from the same normalised form, so they must read the same.
    searched = plan[plan.index("to_tsvector(") : plan.index(" @@ ")]
    assert "USING gin" in indexdef
    assert searched in indexdef, (searched, indexdef)


@pytest.mark.postgres  # full-text search and its index are PostgreSQL's
def test_a_big_school_s_search_reads_the_index(world: Any) -> None:
    for n in range(300):
        log_concern(world, description=f"Routine note {n} about lunch queues")
    log_concern(world, description="Disclosed a frightening incident at home")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE safeguarding_concern")
    qs = selectors.search_concerns(scope_of(world, "dsl"), {"q": "frightening"})
    assert [c.description for c in qs] == ["Disclosed a frightening incident at home"]
    plan = _plan(qs)
    assert "safeguarding_concern_search_gin" in plan, plan
