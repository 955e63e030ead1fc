"""A member of staff signs in and finds a learner with the quick search."""

from typing import Any


def test_it_finds_a_learner_from_the_quick_search(
    page: Any, browser_login: Any, world: Any
) -> None:
    browser_login(world.user("staff"))
    page.get_by_label("Find a learner by name or UPN").fill("nina")
    result = page.get_by_role("link", name="Nina Nine")
    result.click()
    page.wait_for_url(f"**/learners/{world.learner9.pk}/")
    assert page.get_by_role("heading", name="Nina Nine").is_visible()
    # The directory card shows directory fields only.
    assert "9A" in page.content()
