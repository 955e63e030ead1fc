"""Issue 14 in Chromium: the DSL sets a second learner's part in a concern, the
learner's chronology shows only their own part, and closing without a referral
is refused until the rationale is given beside the field."""

from __future__ import annotations

from typing import Any

from safeguarding.models import ConcernDecision, ConcernLearner
from tests.safeguarding.helpers import log_concern


def test_the_dsl_records_each_learners_part_and_a_reasoned_close(
    page: Any, browser_login: Any, world: Any, settings: Any, tmp_path: Any
) -> None:
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    concern = log_concern(world, "staff", [world.learner9, world.learner10], categories=["Neglect"])
    tess = ConcernLearner.objects.get(concern=concern, learner=world.learner10)
    browser_login(world.user("dsl"))

    page.goto(f"/safeguarding/concerns/{concern.pk}/triage/")
    form = page.locator(f"form[action$='/learners/{tess.pk}/']")
    form.get_by_label("Role").select_option("witness")
    form.get_by_label("Online safety").check()
    form.get_by_role("button", name="Save Tess Ten's part").click()
    page.get_by_text("Tess Ten's part saved.").wait_for()
    tess.refresh_from_db()
    assert tess.role == "witness"

    page.goto(f"/safeguarding/learners/{world.learner10.pk}/")
    timeline = page.locator("ol.timeline")
    assert timeline.get_by_text(f"{concern.reference} (witness): Online safety").is_visible()
    assert "Neglect" not in timeline.inner_text()

    page.goto(f"/safeguarding/concerns/{concern.pk}/")
    page.locator("#close_reason").fill("No further action")
    page.get_by_role("button", name="Close concern").click()
    page.get_by_text("No referral is recorded: give the rationale").wait_for()
    assert not ConcernDecision.objects.exists()
    page.get_by_label("Rationale for closing without a referral").fill(
        "Resolved with both families; no harm found."
    )
    page.get_by_role("button", name="Close concern").click()
    page.get_by_text("Concern closed.").wait_for()
    assert page.get_by_text("Closed without a referral").first.is_visible()
    assert ConcernDecision.objects.get().kind == "close_no_referral"
