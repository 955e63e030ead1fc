"""The benchmark's hand-written SQL floor (bench/bench_trust.py) returns the
dashboard's numbers, so the ratio it prints compares like with like."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bench.bench_trust import build_trust, dashboard_numbers, floor_numbers
from pastoral.trust import figures, selectors
from pastoral.trust.standing import trust_scope_or_404
from safeguarding.models import Concern
from tests.trust.data import populate
from tests.trust.fixtures import trust_world


def test_the_floor_returns_the_dashboards_numbers(world: Any) -> None:
    tworld = trust_world(world)
    populate(tworld.school)
    trust, lead = build_trust(3, learners=12)
    today = timezone.localdate()
    for trust_, person in ((tworld.trust, tworld.trust_lead), (trust, lead)):
        board = selectors.dashboard_for(trust_scope_or_404(person, trust_.pk), today=today)
        numbers = dashboard_numbers(board)
        assert numbers == floor_numbers(trust_.pk, today)
        assert any(n["open"]["days_over_30"] for n in numbers.values())
    bench_numbers = dashboard_numbers(
        selectors.dashboard_for(trust_scope_or_404(lead, trust.pk), today=today)
    )
    assert sum(n["pa"] for n in bench_numbers.values()) > 0
    since = figures.midnight(figures.months(today)[0])
    logged = Concern.objects.filter(school__trust=trust, submitted_at__gte=since).count()
    assert 0 < sum(sum(n["monthly"]) for n in bench_numbers.values()) == logged
