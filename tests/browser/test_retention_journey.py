"""Issue 16, journey 3: the DSL's retention queue shows a former pupil's CP file
due for review; disposal under legal hold is refused; after lifting the hold
the file is disposed of and the tombstone stays. The new pages pass axe-core
at desktop and phone widths."""

from __future__ import annotations

from typing import Any

from pastoral.models import DisposalTombstone
from safeguarding.models import ConcernLearner
from tests.browser.test_accessibility import WIDTHS, _violations
from tests.retention.data import attach, cp_file, hold, make_leaver, old_enough


def test_the_dsl_disposes_of_a_due_cp_file_once_the_hold_is_lifted(
    page: Any, browser_login: Any, world: Any, settings: Any, tmp_path: Any
) -> None:
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    make_leaver(world.learner9, born=old_enough())
    concerns = cp_file(world, world.learner9)
    attach(world, concerns[0])
    hold(world, world.learner9)
    browser_login(world.user("dsl"))

    page.goto("/")
    page.get_by_role("link", name="Retention and disposal").first.click()
    page.get_by_role("link", name="Safeguarding records due for review").click()
    row = page.get_by_role("row").filter(has_text="Nina Nine")
    assert "Child-protection file" in row.inner_text()
    assert "Date of birth + 25 years" in row.inner_text()
    assert "On legal hold" in row.inner_text()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert _violations(page) == []

    row.get_by_role("link", name="Nina Nine").click()
    assert page.get_by_role("heading", name="Child-protection file: Nina Nine").is_visible()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert _violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})

    # Under legal hold: refused, nothing deleted.
    page.get_by_label("Type the learner's name to confirm").fill("Nina Nine")
    page.get_by_label("I have reviewed these records and they are to be destroyed").check()
    page.get_by_role("button", name="Dispose of the records").click()
    assert page.get_by_text("records are on legal hold").first.is_visible()
    assert ConcernLearner.objects.filter(learner=world.learner9).count() == 2

    # Lift the hold, then dispose.
    page.get_by_label("Why the hold is lifted").fill("Inquiry has released the records")
    page.get_by_role("button", name="Lift the hold").click()
    page.wait_for_url("**/retention/holds/")
    page.goto(f"/retention/records/cp-file/{world.learner9.pk}/")
    assert page.locator("#retention-status").inner_text() == "Due for review"
    page.get_by_label("Type the learner's name to confirm").fill("Nina Nine")
    page.get_by_label("I have reviewed these records and they are to be destroyed").check()
    page.get_by_role("button", name="Dispose of the records").click()
    page.wait_for_url("**/retention/queue/safeguarding/")
    assert page.get_by_text("Child-protection file of Nina Nine disposed of").is_visible()
    assert page.get_by_text("Nothing is due for review.").is_visible()
    assert not ConcernLearner.objects.filter(learner=world.learner9).exists()

    # The tombstone stays.
    page.goto("/retention/disposals/")
    row = page.get_by_role("row").filter(has_text="Nina Nine")
    assert "Child-protection file" in row.inner_text() and "1 file" in row.inner_text()
    assert DisposalTombstone.objects.get().count == 2
