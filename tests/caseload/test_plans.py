"""Action plans: creation rules, versions and the diff, reviews, optimistic locking."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from caseload import services
from caseload.models import Need, Plan, PlanVersion, Review
from caseload.versions import diff_snapshots
from pastoral.models import AuditEvent
from tests.caseload.factories import today
from tests.conftest import sign_in


def _targets(n: int = 3) -> list[dict[str, Any]]:
    return [
        {
            "what": f"Attend {n + i} lessons",
            "measure": "Register",
            "baseline": "2 a week",
            "by_when": today() + dt.timedelta(days=42),
            "who": "Learner, key worker",
        }
        for i in range(n)
    ]


def _plan(scope: Any, learner: Any, **extra: Any) -> Plan:
    fields = {
        "type": "psp",
        "start": today() - dt.timedelta(days=7),
        "next_review": today() + dt.timedelta(days=28),
        "strategies": "Daily check-in",
        "learner_voice": "I want to stay in lessons",
    } | extra
    return services.plan_create(
        scope=scope, learner=learner, fields=fields, targets=_targets(), status="active"
    )


def test_it_creates_version_one_with_targets_and_audit(world: Any, scope_of: Any) -> None:
    need = Need.objects.create(school=world.school, name="Attendance and punctuality")
    plan = services.plan_create(
        scope=scope_of("support"),
        learner=world.learner9,
        fields={
            "type": "attendance",
            "start": today(),
            "next_review": today() + dt.timedelta(days=14),
        },
        targets=_targets(3),
        needs=[need],
    )
    assert plan.version == 1 and plan.status == "draft"
    assert plan.targets.count() == 3
    version = plan.versions.get()
    assert version.snapshot["needs"] == ["Attendance and punctuality"]
    assert len(version.snapshot["targets"]) == 3
    assert AuditEvent.objects.filter(
        action="caseload.plan.created", learner=world.learner9
    ).exists()


def test_a_review_date_before_the_start_is_refused_on_that_field(world: Any, scope_of: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        _plan(scope_of("support"), world.learner9, next_review=today() - dt.timedelta(days=30))
    assert "cannot be before the plan starts" in raised.value.message_dict["next_review"][0]
    assert not Plan.objects.exists()


def test_a_target_without_a_measure_is_refused(world: Any, scope_of: Any) -> None:
    targets = _targets(2)
    targets[1]["measure"] = ""
    with pytest.raises(ValidationError) as raised:
        services.plan_create(
            scope=scope_of("support"),
            learner=world.learner9,
            fields={"type": "psp", "start": today(), "next_review": today()},
            targets=targets,
        )
    assert raised.value.message_dict["targets-1-measure"] == [
        "Say how you will measure this target."
    ]
    assert not Plan.objects.exists()  # nothing half-saved


def test_the_form_shows_the_missing_measure_beside_the_field(world: Any, client: Any) -> None:
    sign_in(client, world.user("support"), school=world.school)
    response = client.post(
        f"/caseload/learners/{world.learner9.pk}/plans/new/",
        {
            "type": "psp",
            "start": today().isoformat(),
            "next_review": (today() - dt.timedelta(days=1)).isoformat(),
            "targets-TOTAL_FORMS": "1",
            "targets-INITIAL_FORMS": "0",
            "targets-0-what": "Be on time",
            "targets-0-by_when": today().isoformat(),
            "targets-0-who": "Learner",
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="error_1_id_targets-0-measure"' in html
    assert "Say how you will measure this target." in html
    assert not Plan.objects.exists()


def test_the_form_shows_the_review_date_error_beside_it(world: Any, client: Any) -> None:
    sign_in(client, world.user("support"), school=world.school)
    response = client.post(
        f"/caseload/learners/{world.learner9.pk}/plans/new/",
        {
            "type": "psp",
            "start": today().isoformat(),
            "next_review": (today() - dt.timedelta(days=1)).isoformat(),
            "targets-TOTAL_FORMS": "1",
            "targets-INITIAL_FORMS": "0",
            "targets-0-what": "Be on time",
            "targets-0-measure": "Late marks",
            "targets-0-by_when": today().isoformat(),
            "targets-0-who": "Learner",
        },
    )
    html = response.content.decode()
    assert 'id="error_1_id_next_review"' in html
    assert "cannot be before the plan starts" in html


def test_amending_makes_a_new_version_and_the_old_one_stays(world: Any, scope_of: Any) -> None:
    scope = scope_of("support")
    plan = _plan(scope, world.learner9)
    targets = [
        {
            "id": t.pk,
            "what": t.what,
            "measure": t.measure,
            "baseline": t.baseline,
            "by_when": t.by_when,
            "who": t.who,
        }
        for t in plan.targets.all()
    ]
    targets[0]["measure"] = "Attendance certificate"
    removed = targets.pop(2)
    targets.append(
        {
            "what": "Join a club",
            "measure": "Club register",
            "baseline": "",
            "by_when": today() + dt.timedelta(days=30),
            "who": "Learner",
        }
    )
    services.plan_amend(
        scope=scope,
        plan=plan,
        expected_version=plan.version,
        fields={"strategies": "Daily check-in and a time-out card"},
        targets=targets,
        needs=[],
    )
    plan.refresh_from_db()
    assert plan.version == 2
    v1, v2 = PlanVersion.objects.filter(plan=plan).order_by("number")
    assert v1.snapshot["targets"][0]["measure"] == "Register"  # unchanged history
    assert v1.snapshot["strategies"] == "Daily check-in"
    diff = diff_snapshots(v1.snapshot, v2.snapshot)
    assert [c.label for c in diff.fields] == ["Strategies and provision"]
    statuses = {(t.status, t.what) for t in diff.targets}
    assert ("added", "Join a club") in statuses
    assert ("removed", removed["what"]) in statuses
    changed = next(t for t in diff.targets if t.status == "changed")
    assert (changed.changes[0].label, changed.changes[0].before, changed.changes[0].after) == (
        "Measure",
        "Register",
        "Attendance certificate",
    )
    with pytest.raises(PermissionError):
        v1.snapshot = {}
        v1.save()


def test_a_second_amendment_from_a_stale_version_is_refused(world: Any, scope_of: Any) -> None:
    plan = _plan(scope_of("support"), world.learner9)
    targets = [
        {
            "id": t.pk,
            "what": t.what,
            "measure": t.measure,
            "baseline": "",
            "by_when": t.by_when,
            "who": t.who,
        }
        for t in plan.targets.all()
    ]
    services.plan_amend(
        scope=scope_of("support"),
        plan=plan,
        expected_version=1,
        fields={"strategies": "first"},
        targets=targets,
        needs=[],
    )
    with pytest.raises(services.StaleVersion) as raised:
        services.plan_amend(
            scope=scope_of("senco"),
            plan=plan,
            expected_version=1,
            fields={"strategies": "second"},
            targets=targets,
            needs=[],
        )
    assert "Kim Keyworker changed this plan" in str(raised.value)
    plan.refresh_from_db()
    assert plan.strategies == "first" and plan.version == 2


def test_the_second_person_is_told_and_sees_their_own_text(
    world: Any, client: Any, scope_of: Any
) -> None:
    plan = _plan(scope_of("support"), world.learner9)
    target = plan.targets.first()
    form = {
        "version": "1",
        "type": "psp",
        "start": plan.start.isoformat(),
        "next_review": plan.next_review.isoformat(),
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "1",
        "targets-0-id": str(target.pk),
        "targets-0-what": target.what,
        "targets-0-measure": target.measure,
        "targets-0-by_when": target.by_when.isoformat(),
        "targets-0-who": target.who,
    }
    # The key worker saves first...
    sign_in(client, world.user("support"), school=world.school)
    first = client.post(f"/caseload/plans/{plan.pk}/edit/", form | {"strategies": "Mine first"})
    assert first.status_code == 302
    # ...then the SENCO, who opened the form at version 1, submits.
    sign_in(client, world.user("senco"), school=world.school)
    second = client.post(
        f"/caseload/plans/{plan.pk}/edit/",
        form | {"strategies": "The SENCO's careful <b>notes</b>"},
    )
    assert second.status_code == 409
    html = second.content.decode()
    assert "Kim Keyworker changed this plan" in html
    assert "The SENCO&#x27;s careful &lt;b&gt;notes&lt;/b&gt;" in html  # their text, escaped
    # Submitting again applies their text on top of version 2.
    assert 'name="version" value="2"' in html
    plan.refresh_from_db()
    assert plan.strategies == "Mine first" and plan.version == 2


def test_a_review_records_progress_and_amends_one_target(world: Any, scope_of: Any) -> None:
    scope = scope_of("support")
    plan = _plan(scope, world.learner9)
    current = list(plan.targets.all())
    amended = [
        {
            "id": t.pk,
            "what": t.what,
            "measure": t.measure,
            "baseline": t.baseline,
            "by_when": t.by_when,
            "who": t.who,
        }
        for t in current
    ]
    amended[1]["what"] = "Attend every lesson"
    review = services.plan_review(
        scope=scope,
        plan=plan,
        expected_version=1,
        date=today(),
        outcome=Review.Outcome.AMEND,
        summary="Good term",
        next_review=today() + dt.timedelta(days=42),
        progress=[
            {"target": t.pk, "progress": p, "evidence": "register", "next_step": ""}
            for t, p in zip(current, ["achieved", "some", "not_started"], strict=True)
        ],
        amended_targets=amended,
    )
    plan.refresh_from_db()
    assert review.version_reviewed == 1 and review.version_created == 2
    assert plan.version == 2 and plan.next_review == today() + dt.timedelta(days=42)
    assert [p.progress for p in review.progress.all()] == ["achieved", "some", "not_started"]
    old = plan.versions.get(number=1).snapshot
    assert old["targets"][1]["what"] == current[1].what
    assert plan.versions.get(number=2).snapshot["targets"][1]["what"] == "Attend every lesson"


def test_a_review_before_the_plan_started_is_refused(world: Any, scope_of: Any) -> None:
    plan = _plan(scope_of("support"), world.learner9)
    with pytest.raises(ValidationError) as raised:
        services.plan_review(
            scope=scope_of("support"),
            plan=plan,
            expected_version=1,
            date=plan.start - dt.timedelta(days=1),
            outcome="continue",
            summary="",
            next_review=today() + dt.timedelta(days=10),
            progress=[],
        )
    assert "before the plan starts" in raised.value.message_dict["date"][0]
    assert not Review.objects.exists()


def test_closing_at_review_closes_the_plan(world: Any, scope_of: Any) -> None:
    plan = _plan(scope_of("support"), world.learner9)
    services.plan_review(
        scope=scope_of("support"),
        plan=plan,
        expected_version=1,
        date=today(),
        outcome="close",
        summary="All met",
        next_review=None,
        progress=[{"target": t.pk, "progress": "achieved"} for t in plan.targets.all()],
    )
    plan.refresh_from_db()
    assert plan.status == "closed" and plan.version == 2
    assert plan.versions.get(number=2).snapshot["status"] == "Closed"


def test_the_diff_page_shows_what_changed(world: Any, client: Any, scope_of: Any) -> None:
    plan = _plan(scope_of("support"), world.learner9)
    targets = [
        {
            "id": t.pk,
            "what": t.what,
            "measure": t.measure,
            "baseline": "",
            "by_when": t.by_when,
            "who": t.who,
        }
        for t in plan.targets.all()
    ]
    targets[0]["what"] = "Arrive by 8:40"
    services.plan_amend(
        scope=scope_of("support"),
        plan=plan,
        expected_version=1,
        fields={},
        targets=targets,
        needs=[],
    )
    sign_in(client, world.user("support"), school=world.school)
    html = client.get(f"/caseload/plans/{plan.pk}/diff/?a=1&b=2").content.decode()
    assert "What changed from version 1 to version 2" in html
    assert "<ins>Arrive by 8:40</ins>" in html
    old = client.get(f"/caseload/plans/{plan.pk}/versions/1/").content.decode()
    assert "earlier version" in old and "Attend 3 lessons" in old


def test_a_review_from_a_stale_version_is_told_and_keeps_the_text(
    world: Any, client: Any, scope_of: Any
) -> None:
    plan = _plan(scope_of("support"), world.learner9)
    targets = list(plan.targets.all())
    form: dict[str, Any] = {
        "version": "1",
        "date": today().isoformat(),
        "outcome": "continue",
        "next_review": (today() + dt.timedelta(days=30)).isoformat(),
        "summary": "My long review summary",
        "progress-TOTAL_FORMS": str(len(targets)),
        "progress-INITIAL_FORMS": str(len(targets)),
        "targets-TOTAL_FORMS": str(len(targets)),
        "targets-INITIAL_FORMS": str(len(targets)),
    }
    for i, t in enumerate(targets):
        form |= {
            f"progress-{i}-target": str(t.pk),
            f"progress-{i}-progress": "some",
            f"targets-{i}-id": str(t.pk),
            f"targets-{i}-what": t.what,
            f"targets-{i}-measure": t.measure,
            f"targets-{i}-baseline": t.baseline,
            f"targets-{i}-by_when": t.by_when.isoformat(),
            f"targets-{i}-who": t.who,
        }
    # Someone amends the plan while the review form is open.
    services.plan_amend(
        scope=scope_of("senco"),
        plan=plan,
        expected_version=1,
        fields={"strategies": "SENCO's change"},
        targets=[
            {
                "id": t.pk,
                **{k: getattr(t, k) for k in ("what", "measure", "baseline", "by_when", "who")},
            }
            for t in targets
        ],
        needs=[],
    )
    sign_in(client, world.user("support"), school=world.school)
    response = client.post(f"/caseload/plans/{plan.pk}/review/", form)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Sena Senco changed this plan" in html
    assert "My long review summary" in html
    assert not Review.objects.exists()
    # Submitting the same form again (now naming version 2) records the review.
    form["version"] = "2"
    assert client.post(f"/caseload/plans/{plan.pk}/review/", form).status_code == 302
    assert Review.objects.get().version_reviewed == 2


def test_a_head_of_year_sees_only_their_years_on_the_board(world: Any, client: Any) -> None:
    from tests.caseload.factories import allocate

    allocate(world.learner10, world.user("dsl"))
    sign_in(client, world.user("hoy"), school=world.school)
    html = client.get("/caseload/board/").content.decode()
    assert "Nina Nine" in html and "Tess Ten" not in html
    assert "Della Dsl</a></th>" not in html  # no worker row for learners outside the years


def test_a_need_of_another_school_is_refused(world: Any, scope_of: Any) -> None:
    elsewhere = Need.objects.create(school=world.other_school, name="Elsewhere")
    with pytest.raises(ValidationError) as raised:
        services.plan_create(
            scope=scope_of("support"),
            learner=world.learner9,
            fields={
                "type": "psp",
                "start": today(),
                "next_review": today() + dt.timedelta(days=14),
            },
            targets=_targets(1),
            needs=[elsewhere],
        )
    assert raised.value.message_dict["needs"] == ["Choose needs from your school's list."]
    assert not Plan.objects.exists()
