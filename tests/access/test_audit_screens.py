"""The DSL's audit screens: search, a record's access history, CSV export."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pastoral import audit
from pastoral.models import AuditEvent
from tests.conftest import sign_in
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db


def _csv(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def events(world: Any) -> dict[str, AuditEvent]:
    senco, staff = world.user("senco"), world.user("staff")
    return {
        "viewed": audit.record(
            "caseload.plan.viewed",
            actor=senco,
            school=world.school,
            object_type="caseload.plan",
            object_id=41,
            learner=world.learner9,
        ),
        "changed": audit.record(
            "caseload.plan.changed",
            actor=staff,
            school=world.school,
            object_type="caseload.plan",
            object_id=41,
            learner=world.learner9,
            changes={"goal": {"from": "a", "to": "b"}},
        ),
        "other_learner": audit.record(
            "pastoral.learner.viewed", actor=senco, school=world.school, obj=world.learner10
        ),
        "elsewhere": audit.record(
            "pastoral.learner.viewed",
            actor=world.outsider,
            school=world.other_school,
            obj=world.other_learner,
        ),
        "own_sign_in": audit.record("accounts.user.signed_in", actor=staff, school=None, obj=staff),
        "foreign_sign_in": audit.record(
            "accounts.user.signed_in", actor=world.outsider, school=None, obj=world.outsider
        ),
    }


def _ids(response: Any) -> set[int]:
    return {e.pk for e in response.context["page"].object_list}


def test_it_lists_only_the_schools_events_and_its_staffs_sign_ins(
    world: Any, client: Client, events: dict[str, AuditEvent]
) -> None:
    sign_in(client, world.user("dsl"))
    response = client.get(reverse("pastoral:audit-list"))
    shown = _ids(response)
    assert {events[k].pk for k in ("viewed", "changed", "other_learner", "own_sign_in")} <= shown
    assert events["elsewhere"].pk not in shown
    assert events["foreign_sign_in"].pk not in shown
    assert world.outsider.email not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (lambda w: {"person": w.user("senco").pk}, {"viewed", "other_learner"}),
        (lambda w: {"learner": "nina nine"}, {"viewed", "changed"}),
        (lambda w: {"action": "caseload.plan."}, {"viewed", "changed"}),
        (lambda w: {"object_type": "caseload.plan", "object_id": "41"}, {"viewed", "changed"}),
        (lambda w: {"date_from": "2001-01-01", "date_to": "2001-01-02"}, set()),
    ],
    ids=["person", "learner", "action", "record", "date range"],
)
def test_it_searches_the_trail(
    world: Any, client: Client, events: dict[str, AuditEvent], query: Any, expected: set[str]
) -> None:
    sign_in(client, world.user("dsl"))
    response = client.get(reverse("pastoral:audit-list"), query(world))
    assert response.status_code == 200
    assert _ids(response) == {events[k].pk for k in expected}


def test_the_date_range_includes_today(
    world: Any, client: Client, events: dict[str, AuditEvent]
) -> None:
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    sign_in(client, world.user("dsl"))
    response = client.get(reverse("pastoral:audit-list"), {"date_from": today, "date_to": today})
    assert events["viewed"].pk in _ids(response)


def test_it_escapes_what_people_typed(world: Any, client: Client) -> None:
    audit.record(
        "pastoral.learner.viewed",
        actor=world.user("staff"),
        school=world.school,
        changes={"note": "<script>alert(1)</script>"},
    )
    sign_in(client, world.user("dsl"))
    content = client.get(reverse("pastoral:audit-list")).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;" in content


def test_the_list_takes_the_same_queries_whatever_its_length(
    world: Any, client: Client, django_assert_max_num_queries: Any
) -> None:
    sign_in(client, world.user("dsl"))
    for _n in range(3):
        learner = LearnerFactory(year_group=world.year9)
        audit.record(
            "pastoral.learner.viewed", actor=world.user("senco"), school=world.school, obj=learner
        )
    client.get(reverse("pastoral:audit-list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("pastoral:audit-list"))
    for _n in range(60):
        learner = LearnerFactory(year_group=world.year9)
        audit.record(
            "pastoral.learner.viewed", actor=world.user("senco"), school=world.school, obj=learner
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("pastoral:audit-list"))
    assert len(response.context["page"].object_list) == 50
    assert len(many) == len(few)


def test_the_list_query_count_is_pinned(
    world: Any, client: Client, events: dict[str, AuditEvent], django_assert_num_queries: Any
) -> None:
    sign_in(client, world.user("dsl"))
    client.get(reverse("pastoral:audit-list"))
    # session, user, OTP device, schools, memberships + year groups, count, page,
    # the filter's person choices, session save (savepoint, update, release).
    with django_assert_num_queries(QUERIES_AUDIT_LIST):
        client.get(reverse("pastoral:audit-list"))


QUERIES_AUDIT_LIST = 5


def test_who_has_seen_this(world: Any, client: Client, events: dict[str, AuditEvent]) -> None:
    audit.record(
        "caseload.plan.viewed",
        actor=world.user("senco"),
        school=world.school,
        object_type="caseload.plan",
        object_id=41,
    )
    sign_in(client, world.user("dsl"))
    url = reverse(
        "pastoral:audit-object", kwargs={"object_type": "caseload.plan", "object_id": "41"}
    )
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert f"{world.user('senco').email}: 2 times" in content
    assert world.user("staff").email in content  # listed among every event (the change)
    assert len(response.context["page"].object_list) == 3
    missing = reverse(
        "pastoral:audit-object", kwargs={"object_type": "caseload.plan", "object_id": "999"}
    )
    assert client.get(missing).status_code == 404


def test_the_export_is_audited_and_safe_for_spreadsheets(
    world: Any, client: Client, events: dict[str, AuditEvent]
) -> None:
    audit.record(
        "pastoral.learner.viewed",
        actor=None,
        school=world.school,
        object_type='=HYPERLINK("http://evil")',
        object_id="+1",
        changes={"note": "@SUM(A1)"},
    )
    sign_in(client, world.user("dsl"))
    response = client.get(reverse("pastoral:audit-export"), {"action": "pastoral."})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = _csv(response)
    assert rows[0][:4] == ["time (UTC)", "event id", "action", "person"]
    forged = next(r for r in rows[1:] if "HYPERLINK" in r[6])
    assert forged[6].startswith("'=") and forged[7] == "'+1"
    assert all(not cell.startswith(("=", "+", "@", "-")) for row in rows for cell in row)
    assert {r[2] for r in rows[1:]} == {"pastoral.learner.viewed"}
    exported = AuditEvent.objects.filter(action="pastoral.audit.exported").get()
    assert exported.actor == world.user("dsl") and exported.school == world.school
    assert exported.changes == {
        "filters": {"action": "pastoral."},
        "rows": len(rows) - 1,
        "format": "csv",
    }
    assert world.outsider.email not in str(rows)
