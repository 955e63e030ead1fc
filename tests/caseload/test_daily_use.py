"""Issue 18, caseload and attendance screens: each review shows the wording it
reviewed; UK dates on version and diff pages; statuses need evidence ("too
early to tell"); the learner pickers search on the server, scoped and a page
at a time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from attendance.models import Mark as AttendanceMark
from caseload import services
from caseload.models import Review, RosterEntry
from tests.caseload.factories import allocate, make_group, today
from tests.caseload.test_plans import _plan
from tests.conftest import sign_in
from tests.factories import LearnerFactory


def _targets(plan: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": t.pk,
            "what": t.what,
            "measure": t.measure,
            "baseline": t.baseline,
            "by_when": t.by_when,
            "who": t.who,
        }
        for t in plan.targets.filter(removed=False)
    ]


def test_a_review_of_version_1_shows_version_1s_wording(
    world: Any, client: Any, scope_of: Any
) -> None:
    scope = scope_of("support")
    plan = _plan(scope, world.learner9)
    first = plan.targets.first()
    services.plan_review(
        scope=scope,
        plan=plan,
        expected_version=1,
        date=today(),
        outcome=Review.Outcome.CONTINUE,
        summary="",
        next_review=today() + dt.timedelta(days=42),
        progress=[
            {"target": t.pk, "progress": "some", "evidence": "", "next_step": ""}
            for t in plan.targets.all()
        ],
    )
    plan.refresh_from_db()
    amended = _targets(plan)
    amended[0]["what"] = "Arrive on time every day"
    services.plan_amend(
        scope=scope, plan=plan, expected_version=plan.version, fields={}, targets=amended, needs=[]
    )
    sign_in(client, world.user("support"), school=world.school)
    page = client.get(reverse("caseload:plan-detail", args=[plan.pk])).text
    reviews = page[page.index('id="h-reviews"') :]
    assert f"<strong>{first.what}</strong>: Some progress" in reviews
    assert "<strong>Arrive on time every day</strong>" not in reviews


def test_version_and_diff_pages_show_uk_dates(world: Any, client: Any, scope_of: Any) -> None:
    plan = _plan(scope_of("support"), world.learner9)
    amended = _targets(plan)
    amended[0]["by_when"] = dt.date(2027, 2, 15)
    services.plan_amend(
        scope=scope_of("support"),
        plan=plan,
        expected_version=1,
        fields={"next_review": dt.date(2027, 1, 20)},
        targets=amended,
        needs=[],
    )
    sign_in(client, world.user("support"), school=world.school)
    version = client.get(reverse("caseload:plan-version", args=[plan.pk, 2])).text
    diff = client.get(reverse("caseload:plan-diff", args=[plan.pk]) + "?a=1&b=2").text
    for text in (version, diff):
        assert "15 Feb 2027" in text
        assert "2027-02-15" not in text
    assert "20 Jan 2027" in diff


def test_a_learner_allocated_today_is_too_early_to_tell(
    world: Any, client: Any, scope_of: Any
) -> None:
    newcomer = LearnerFactory(year_group=world.year9, legal_first_name="Nora")
    allocate(newcomer, world.user("support"), days_ago=0)
    sign_in(client, world.user("support"), school=world.school)
    text = client.get(reverse("caseload:mine")).text
    row = text[text.index("Nora") :]
    row = row[: row.index("</tr>")]
    assert "Too early to tell" in row and "make first contact" in row
    assert "No contact for four weeks" not in row and "text-bg-danger" not in row


def test_a_target_with_one_mark_is_too_early_to_tell(world: Any, client: Any) -> None:
    from attendance.models import Target as AttendanceTarget

    AttendanceTarget.objects.create(
        school=world.school,
        learner=world.learner9,
        target_percent=95,
        baseline_percent=88,
        start=today(),
        review_date=today() + dt.timedelta(days=28),
        owner=world.user("hoy"),
        created_by=world.user("hoy"),
    )
    AttendanceMark.objects.create(
        school=world.school, learner=world.learner9, date=today(), session="AM", code="/"
    )
    sign_in(client, world.user("hoy"), school=world.school)
    text = client.get(reverse("attendance:learner", args=[world.learner9.pk])).text
    progress = text[text.index('id="target-progress"') :]
    progress = progress[: progress.index("</dl>")]
    assert "Too early to tell" in progress and "a status needs 10" in progress
    assert "On target" not in progress


def _pick(client: Any, purpose: str, q: str, page: int = 1) -> Any:
    url = reverse("caseload:learner-picker")
    return client.get(url, {"for": purpose, "q": q, "page": page})


def test_the_picker_searches_in_scope_a_page_at_a_time(world: Any, client: Any) -> None:
    for i in range(25):
        LearnerFactory(year_group=world.year10, legal_first_name="Pat", legal_last_name=f"Page{i}")
    sign_in(client, world.user("senco"), school=world.school)
    first = _pick(client, "allocate", "pat").json()
    assert len(first["results"]) == 20 and first["next"]
    rest = client.get(first["next"]).json()
    assert len(rest["results"]) == 5 and rest["next"] is None
    assert all(r["text"].startswith("Pat Page") for r in first["results"] + rest["results"])
    assert _pick(client, "allocate", "ten").json()["results"][0]["text"].startswith("Tess Ten")
    # The support officer's roster picker reaches their caseload only (learner9).
    sign_in(client, world.user("support"), school=world.school)
    assert [r["value"] for r in _pick(client, "roster", "ni").json()["results"]] == [
        world.learner9.pk
    ]
    assert _pick(client, "roster", "tess").json()["results"] == []
    assert _pick(client, "allocate", "tess").status_code == 404


def test_the_allocation_form_renders_only_the_chosen_learner(world: Any, client: Any) -> None:
    for _ in range(30):
        LearnerFactory(year_group=world.year10)
    sign_in(client, world.user("senco"), school=world.school)
    url = reverse("caseload:allocation-create")
    text = client.get(url, {"learner": world.learner10.pk}).text
    select = text[text.index('name="learner"') :]
    select = select[: select.index("</select>")]
    assert select.count("<option") == 2 and "Tess Ten" in select
    assert 'data-learner-picker="allocate"' in text and "tom-select" in text


def test_a_senco_may_add_any_learner_to_a_group_roster(world: Any, client: Any) -> None:
    outsider = LearnerFactory(year_group=world.year10, legal_first_name="Una")
    group = make_group(world.user("support"), [world.learner9])
    sign_in(client, world.user("senco"), school=world.school)
    found = _pick(client, "roster", "una").json()["results"]
    assert [r["value"] for r in found] == [outsider.pk]
    url = reverse("caseload:intervention-detail", args=[group.pk])
    response = client.post(url, {"learner": outsider.pk})
    assert response.status_code == 302
    assert RosterEntry.objects.filter(intervention=group, learner=outsider).exists()
