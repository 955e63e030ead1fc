"""The trust safeguarding lead's dashboard: counts and trends per school of
the trust, never a learner's name or a record's text, in a fixed number of
queries whatever the number of schools."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from pastoral.models import AuditEvent
from pastoral.trust import figures, selectors
from pastoral.trust.standing import trust_scope_or_404
from tests.conftest import sign_in
from tests.factories import SchoolFactory, member
from tests.trust.data import SECRET, populate
from tests.trust.fixtures import trust_world


@pytest.fixture
def tworld(world: Any) -> Any:
    return trust_world(world)


def _row(board: Any, school: Any) -> Any:
    return next(r for r in board.rows if r.school.pk == school.pk)


def test_it_counts_open_concerns_by_age_band_and_category(tworld: Any) -> None:
    populate(tworld.school)
    scope = trust_scope_or_404(tworld.trust_lead, tworld.trust.pk)
    board = selectors.dashboard_for(scope)
    row = _row(board, tworld.school)
    assert row.open == {"days_0_7": 1, "days_8_30": 1, "days_over_30": 1}
    assert row.open_total == 3  # the closed one is not open
    assert row.open_by_category == {
        "Neglect": [1, 1, 0],
        "Bullying": [0, 1, 0],
        "No category": [0, 0, 1],
    }
    assert row.follow_ups_overdue == 1
    assert row.plan_reviews_overdue == 1
    assert row.cp_transfers_awaiting == 1
    # The sister school has nothing yet; the other trust's school is not listed.
    sister = _row(board, tworld.sister_school)
    assert sister.open_total == 0 and sister.cp_transfers_awaiting == 0
    assert tworld.other_school.pk not in {r.school.pk for r in board.rows}


def test_the_trend_counts_concerns_logged_in_each_of_twelve_months(tworld: Any) -> None:
    populate(tworld.school)
    scope = trust_scope_or_404(tworld.trust_lead, tworld.trust.pk)
    board = selectors.dashboard_for(scope)
    assert len(board.months) == 12 and board.months[-1] == timezone.localdate().replace(day=1)
    expected = dict.fromkeys((figures.month_key(m) for m in board.months), 0)
    for days in (2, 10, 40, 5):  # every concern logged, closed or not
        expected[figures.month_key(timezone.localtime() - dt.timedelta(days=days))] += 1
    assert _row(board, tworld.school).monthly == list(expected.values())
    assert board.monthly_totals == list(expected.values())


def test_persistent_and_severe_absence_use_the_attendance_formula(tworld: Any) -> None:
    today = dt.date(timezone.localdate().year, 11, 30)
    populate(tworld.school, today=today)
    scope = trust_scope_or_404(tworld.trust_lead, tworld.trust.pk)
    row = _row(selectors.dashboard_for(scope, today=today), tworld.school)
    # 20 of 20 sessions missed: PA and SA; 3 of 20 (15%): PA only; none missed.
    assert (row.pupils_with_sessions, row.pa, row.sa) == (3, 2, 1)
    assert (row.pa_rate, row.sa_rate) == (66.7, 33.3)


def test_the_page_shows_counts_and_never_a_name_or_a_records_text(tworld: Any, client: Any) -> None:
    populate(tworld.school)
    sign_in(client, tworld.trust_lead)
    response = client.get(reverse("trust:dashboard", args=[tworld.trust.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Oakfield Test School" in page and "Birch Primary" in page
    assert "Neglect" in page and "CP transfers awaiting receipt" in page
    assert "Zebra" not in page and "Nina" not in page and SECRET.split()[0] not in page
    assert "Elsewhere School" not in page
    # No school role anywhere: no drill-down into any school.
    assert reverse("pastoral:school-switch") not in page


def test_drill_down_is_offered_only_where_the_lead_holds_a_school_role(
    tworld: Any, client: Any
) -> None:
    member(tworld.trust_lead, tworld.sister_school, "dsl")
    sign_in(client, tworld.trust_lead)
    page = client.get(reverse("trust:dashboard", args=[tworld.trust.pk])).content.decode()
    assert page.count('name="school" value=') == 1
    assert f'name="school" value="{tworld.sister_school.pk}"' in page
    # Switching opens that school, with the lead's role there.
    response = client.post(reverse("pastoral:school-switch"), {"school": tworld.sister_school.pk})
    assert response.status_code == 302
    assert "Birch Primary" in client.get(reverse("home")).content.decode()
    # The trust's other school stays closed to them.
    response = client.post(reverse("pastoral:school-switch"), {"school": tworld.school.pk})
    assert response.status_code == 404


def test_the_table_exports_as_csv_and_xlsx_and_each_export_is_audited(
    tworld: Any, client: Any
) -> None:
    populate(tworld.school)
    sign_in(client, tworld.trust_lead)
    url = reverse("trust:dashboard", args=[tworld.trust.pk])
    before = AuditEvent.objects.filter(action="trust.dashboard.exported").count()
    response = client.get(url, {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:4] == ["School", "URN", "Open concerns", "Open 0–7 days"]
    oak = next(r for r in rows if r[0] == "Oakfield Test School")
    assert oak[2:8] == ["3", "1", "1", "1", "1", "1"]
    assert "PURPLE-OTTER" not in body and "Zebra" not in body
    response = client.get(url, {"export": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    events = AuditEvent.objects.filter(action="trust.dashboard.exported")
    assert events.count() == before + 2
    assert events.order_by("-pk").first().actor_id == tworld.trust_lead.pk


@pytest.mark.parametrize("schools", [3, 6])
def test_the_dashboard_query_count_does_not_grow_with_the_schools(
    tworld: Any, client: Any, django_assert_num_queries: Any, schools: int
) -> None:
    for _ in range(schools - 2):  # the world's school and Birch Primary are two
        SchoolFactory(trust=tworld.trust)
    for school in tworld.trust.schools.all():
        populate(school)
    sign_in(client, tworld.trust_lead)
    url = reverse("trust:dashboard", args=[tworld.trust.pk])
    client.get(url)  # the first request of a session records its start
    # session, user; schools; 4 safeguarding, 1 caseload, 1 attendance; transfers
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(url)
    assert response.content.decode().count('<th scope="row">') >= schools


DASHBOARD_QUERIES = 10


def test_the_lead_reaches_a_concern_a_dsl_shares_through_a_role_in_that_school(
    tworld: Any, client: Any
) -> None:
    # ACCESS.md: the lead sees a school's case content only through a role
    # there; a staff role is enough for the school's DSL to share one
    # restricted concern with them (the issue's "through that school's DSL
    # sharing"), and nothing else restricted opens.
    from safeguarding.models import Concern
    from tests.safeguarding.helpers import category

    lead, dsl = tworld.trust_lead, tworld.user("dsl")
    member(lead, tworld.school, "staff")
    sign_in(client, tworld.user("staff"), school=tworld.school)
    for text in ("Disclosed harm at home.", "A second disclosure, not shared."):
        client.post(
            reverse("safeguarding:concern-new"),
            {
                "learners": [tworld.learner9.pk],
                "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "location": "Library",
                "categories": [category(tworld, "Child protection").pk],
                "description": text,
                "action_taken": "Told the DSL.",
            },
        )
    shared, kept = Concern.objects.order_by("pk")
    assert shared.is_restricted and kept.is_restricted
    detail = reverse("safeguarding:concern-detail", args=[shared.pk])

    client.logout()
    sign_in(client, lead)
    board = client.get(reverse("trust:dashboard", args=[tworld.trust.pk])).content.decode()
    assert f'name="school" value="{tworld.school.pk}"' in board  # the drill-down
    assert "Disclosed harm" not in board
    client.post(reverse("pastoral:school-switch"), {"school": tworld.school.pk})
    assert client.get(detail).status_code == 404  # a staff role alone: not yet

    client.logout()
    sign_in(client, dsl, school=tworld.school)
    response = client.post(
        reverse("safeguarding:concern-share", args=[shared.pk]),
        {"user": lead.pk, "reason": "Trust review of the case", "expires_at": ""},
    )
    assert response.status_code == 302

    client.logout()
    sign_in(client, lead)
    client.post(reverse("pastoral:school-switch"), {"school": tworld.school.pk})
    page = client.get(detail)
    assert page.status_code == 200 and "Disclosed harm at home." in page.content.decode()
    assert client.get(reverse("safeguarding:concern-detail", args=[kept.pk])).status_code == 404
    assert AuditEvent.objects.filter(
        action="safeguarding.concern.viewed", actor=lead, object_id=str(shared.pk),
        school=tworld.school,
    ).exists()  # fmt: skip
