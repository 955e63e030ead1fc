"""The provider's reports against the register codes B/K/D."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import Mark
from pastoral.access import scope_for
from pastoral.models import AuditEvent
from provision import selectors
from provision.selectors.reconciliation import Kind
from tests.conftest import sign_in
from tests.exports.helpers import read_csv
from tests.provision.factories import make_placement, make_provider, make_report

ALL = [f"{d}-{h}" for d in ("MON", "TUE", "WED", "THU", "FRI") for h in ("AM", "PM")]


def _weekdays_before(today: dt.date, n: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = today - dt.timedelta(days=1)
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return sorted(days)


def _mark(learner: Any, day: dt.date, session: str, code: str) -> None:
    Mark.objects.create(
        school=learner.school, learner=learner, date=day, session=session, code=code
    )


def _scene(world: Any) -> tuple[Any, list[dt.date]]:
    """Four weekdays of a placement covering every session, with one of each case."""
    today = timezone.localdate()
    d1, d2, d3, d4 = _weekdays_before(today, 4)
    senco = world.user("senco")
    provider = make_provider(world.school, recorded_by=senco)
    placement = make_placement(world.learner9, provider, senco, start=d1, end=d4, sessions=ALL)
    learner = world.learner9
    # d1: provider says absent, register says B (disagree); PM: no register mark.
    _mark(learner, d1, "AM", "B")
    make_report(placement, d1, "AM", "absent", senco)
    # d2: provider says attended, register says O (disagree); PM agrees.
    _mark(learner, d2, "AM", "O")
    make_report(placement, d2, "AM", "attended", senco)
    _mark(learner, d2, "PM", "B")
    make_report(placement, d2, "PM", "late", senco)
    # d3: attended at the provider but marked present in school; PM: B without a report.
    _mark(learner, d3, "AM", "/")
    make_report(placement, d3, "AM", "attended", senco)
    _mark(learner, d3, "PM", "K")
    # d4: absent both sides (agree); PM: D and attended (agree).
    _mark(learner, d4, "AM", "I")
    make_report(placement, d4, "AM", "absent", senco)
    _mark(learner, d4, "PM", "D")
    make_report(placement, d4, "PM", "attended", senco)
    return placement, [d1, d2, d3, d4]


def test_each_disagreement_is_listed_once_and_agreements_are_not(world: Any) -> None:
    placement, (d1, d2, d3, d4) = _scene(world)
    rows = selectors.discrepancies_for(
        scope_for(world.user("senco"), world.school), start=d1, end=d4
    )
    found = {(r.date, r.session): (r.kind, r.register_code, r.report_outcome) for r in rows}
    assert found == {
        (d1, "AM"): (Kind.ABSENT_BUT_OFFSITE, "B", "absent"),
        (d1, "PM"): (Kind.NO_MARK, "", ""),
        (d2, "AM"): (Kind.ATTENDED_BUT_ABSENT, "O", "attended"),
        (d3, "AM"): (Kind.ATTENDED_BUT_IN_SCHOOL, "/", "attended"),
        (d3, "PM"): (Kind.NO_REPORT, "K", ""),
    }


def test_sessions_outside_the_placement_plan_and_drafts_are_not_listed(world: Any) -> None:
    today = timezone.localdate()
    days = _weekdays_before(today, 3)
    senco = world.user("senco")
    provider = make_provider(world.school, recorded_by=senco)
    day_code = ["MON", "TUE", "WED", "THU", "FRI"][days[0].weekday()]
    make_placement(
        world.learner9, provider, senco, start=days[0], end=days[-1], sessions=[f"{day_code}-AM"]
    )
    make_placement(world.learner10, provider, senco, status="draft", start=days[0], sessions=ALL)
    rows = selectors.discrepancies_for(scope_for(senco, world.school), start=days[0], end=days[-1])
    assert [(r.date, r.session, r.kind) for r in rows] == [(days[0], "AM", Kind.NO_MARK)]


def test_a_support_officer_sees_only_their_caseloads_sessions(world: Any) -> None:
    _scene(world)
    senco = world.user("senco")
    provider = make_provider(world.school, "Other Centre", recorded_by=senco)
    make_placement(world.learner10, provider, senco, sessions=ALL)
    support = scope_for(world.user("support"), world.school)
    today = timezone.localdate()
    rows = selectors.discrepancies_for(support, start=today - dt.timedelta(days=20), end=today)
    assert rows and {r.learner.pk for r in rows} == {world.learner9.pk}


@pytest.mark.parametrize("placements", [1, 6])
def test_the_page_costs_the_same_queries_whatever_the_number_of_placements(
    world: Any, client: Any, django_assert_num_queries: Any, placements: int
) -> None:
    senco = world.user("senco")
    provider = make_provider(world.school, recorded_by=senco)
    for i in range(placements):
        make_placement(world.learner9 if i % 2 else world.learner10, provider, senco, sessions=ALL)
    sign_in(client, senco, school=world.school)
    url = reverse("provision:reconciliation")
    client.get(url)
    # session and user, placements, calendar, marks, reports, the audit's insert
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200
    assert "A placement session with no register mark" in response.text


def test_the_list_pages_and_exports_with_the_same_rows(world: Any, client: Any) -> None:
    placement, (d1, _d2, _d3, d4) = _scene(world)
    sign_in(client, world.user("hoy"), school=world.school)
    query = f"start={d1.isoformat()}&end={d4.isoformat()}"
    page = client.get(f"{reverse('provision:reconciliation')}?{query}")
    assert page.status_code == 200
    assert "Provider says absent; register says attending off-site" in page.text
    rows = read_csv(client.get(f"{reverse('provision:reconciliation')}?{query}&export=csv"))
    assert rows[0][:3] == ["Date", "Session", "Learner"]
    assert len(rows) == 1 + 5
    assert AuditEvent.objects.filter(action="provision.reconciliation.exported").exists()


def test_a_range_ending_before_it_starts_is_refused(world: Any, client: Any) -> None:
    sign_in(client, world.user("dsl"), school=world.school)
    response = client.get(f"{reverse('provision:reconciliation')}?start=2026-03-10&end=2026-03-01")
    assert response.status_code == 422
    assert "before its start" in response.text
