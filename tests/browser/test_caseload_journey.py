"""A SENCO allocates a learner; the key worker plans, records a session and a
home visit, reviews the plan amending one target, and the old version stays
readable. A key worker cannot open a learner outside their caseload."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from caseload.models import ContactLog, Plan
from tests.factories import ContactFactory, LearnerFactory


def _iso(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_the_caseload_journey(page: Any, browser_login: Any, world: Any) -> None:
    ContactFactory(learner=world.learner10, name="Tina Ten")
    learner = world.learner10

    # The SENCO allocates Tess Ten to Kim Keyworker from the caseload board.
    browser_login(world.user("senco"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Caseload board").click()
    page.get_by_role("link", name="Allocate a learner").click()
    # The learner picker searches as you type (issue 18): not a 1,100-option list.
    page.locator("#id_learner-ts-control").fill("tess")
    page.locator(".ts-dropdown .option", has_text="Tess Ten").click()
    page.locator("main").get_by_label("Key worker").select_option(str(world.user("support").pk))
    page.locator("main").get_by_label("Lead or supporting").select_option("lead")
    page.locator("main").get_by_label("Reason").fill("Attendance below 90% this term")
    page.get_by_role("button", name="Allocate").click()
    page.wait_for_url(f"**/caseload/learners/{learner.pk}/")
    assert page.get_by_text("Tess Ten allocated to Kim Keyworker.").is_visible()
    _sign_out(page)

    # The key worker finds her on "My caseload" and writes a plan with three targets.
    browser_login(world.user("support"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My caseload").click()
    page.get_by_role("link", name="Tess Ten").click()
    page.get_by_role("heading", name="Tess Ten").wait_for()
    page.get_by_role("link", name="New plan").click()
    page.locator("main").get_by_label("Type").select_option("attendance")
    page.locator("main").get_by_label("Next review date").fill(_iso(28))
    targets = [
        ("Arrive by 8:40 every day", "Late marks", "Late 3 days in 5"),
        ("Attend every maths lesson", "Lesson registers", "2 of 4 a week"),
        ("Check in with Kim each Monday", "Check-in log", "None"),
    ]
    for i, (what, measure, baseline) in enumerate(targets):
        page.locator(f'[name="targets-{i}-what"]').fill(what)
        page.locator(f'[name="targets-{i}-measure"]').fill(measure)
        page.locator(f'[name="targets-{i}-baseline"]').fill(baseline)
        page.locator(f'[name="targets-{i}-by_when"]').fill(_iso(42))
        page.locator(f'[name="targets-{i}-who"]').fill("Tess and Kim")
    page.locator("main").get_by_label("Learner voice").fill("Mornings are hard.")
    page.get_by_role("button", name="Save and make active").click()
    page.get_by_text("Plan saved as version 1.").wait_for()
    plan = Plan.objects.get(learner=learner)
    assert plan.targets.count() == 3 and plan.status == "active"

    # A 1:1 session and a home visit, from the profile.
    page.get_by_role("link", name="Tess Ten").first.click()
    page.get_by_role("link", name="Record a 1:1 session").click()
    page.locator("main").get_by_label("Notes").fill("Talked through the morning routine.")
    page.get_by_role("button", name="Record session").click()
    page.get_by_text("Session recorded.").wait_for()
    page.get_by_role("link", name="Log a contact").click()
    page.locator("main").get_by_label("Type of contact").select_option("home_visit")
    page.locator('[name="with_whom"]').select_option("parent")
    page.locator('[name="parent"]').select_option(label="Tina Ten (Mother)")
    page.locator("main").get_by_label("Summary").fill(
        "Home visit: agreed an alarm clock and a bus pass."
    )
    page.locator('[name="actions-0-action"]').fill("Apply for a bus pass")
    page.locator('[name="actions-0-owner"]').select_option(str(world.user("support").pk))
    page.locator('[name="actions-0-due"]').fill(_iso(7))
    page.get_by_role("button", name="Log contact").click()
    page.get_by_text("Home visit logged.").wait_for()
    assert ContactLog.objects.get(learner=learner).actions.count() == 1
    assert page.get_by_text("1:1 mentoring: Tess Ten").first.is_visible()

    # Review the plan: progress on each target, and amend the second one.
    page.get_by_role("link", name="Attendance plan").first.click()
    page.get_by_role("link", name="Review the plan").click()
    for i, progress in enumerate(["good", "some", "achieved"]):
        page.locator(f'[name="progress-{i}-progress"]').select_option(progress)
    page.locator('[name="progress-1-evidence"]').fill("3 of 4 lessons most weeks")
    page.locator("main").get_by_label("Next step for this target").first.fill("Keep going")
    page.locator('[name="outcome"]').select_option("amend")
    page.locator('[name="next_review"]').fill(_iso(35))
    page.get_by_text("Amend the targets").click()
    page.locator('[name="targets-1-what"]').fill("Attend every maths and science lesson")
    page.get_by_role("button", name="Record the review").click()
    page.get_by_text("The plan was amended: now version 2.").wait_for()
    assert page.get_by_role("cell", name="Attend every maths and science lesson").is_visible()

    # The old version stays readable, and the change is shown.
    page.get_by_role("link", name="Version 1", exact=True).click()
    page.get_by_role("heading", name=re.compile("version 1")).wait_for()
    assert page.get_by_role("cell", name="Attend every maths lesson", exact=True).is_visible()
    assert page.get_by_text("earlier version").is_visible()
    page.go_back()
    page.get_by_role("link", name="what changed in version 2").click()
    # Wait for the diff page itself: is_visible() alone would read the page being left.
    page.locator("ins", has_text="Attend every maths and science lesson").wait_for()
    assert page.locator("del", has_text="Attend every maths lesson").is_visible()


def test_a_key_worker_cannot_open_a_learner_outside_their_caseload(
    page: Any, browser_login: Any, world: Any
) -> None:
    outsider = LearnerFactory(year_group=world.year10, legal_first_name="Uma")
    browser_login(world.user("support"))
    response = page.goto(f"/caseload/learners/{outsider.pk}/")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", name="Not found").is_visible()
    # Their own learner opens.
    response = page.goto(f"/caseload/learners/{world.learner9.pk}/")
    assert response is not None and response.status == 200
