"""Issue 18 in a real browser: the concern form by keyboard (category
checkboxes are one tab stop that arrow keys move through: the whole form in
at most 15 Tab presses); the searchable learner picker on the allocation page;
no sideways scrolling at 320 px on the main pages; screenshots of the profile
and my caseload at 1280, 768 and 390 px in test-artifacts/."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from caseload.models import Allocation
from safeguarding.models import Category
from tests.auth import browser_sign_in
from tests.browser.conftest import ARTIFACTS
from tests.factories import LearnerFactory

MAX_TABS = 15


def _focused(page: Any) -> dict[str, str]:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {tag: e.tagName, type: e.type || '', name: e.name || '',"
        " text: (e.textContent || '').trim(), id: e.id || ''}; }"
    )


def test_logging_a_concern_takes_at_most_15_tab_presses(page: Any, world: Any) -> None:
    for name in ("Bullying", "Self-harm", "Neglect", "Online safety", "Attendance", "Other"):
        Category.objects.get_or_create(school=world.school, name=name)
    browser_sign_in(page, world.user("staff"))
    page.goto(reverse("safeguarding:concern-new"))
    boxes = page.locator('input[name="categories"]')
    assert boxes.count() >= 6
    page.focus("#learner-search")
    presses, seen = 0, []
    while presses < 40:
        page.keyboard.press("Tab")
        presses += 1
        now = _focused(page)
        seen.append(f"{now['tag']}:{now['name'] or now['id'] or now['text'][:20]}")
        if now["tag"] == "BUTTON" and now["text"] == "Submit concern":
            break
    assert seen[-1].endswith("Submit concern"), seen
    assert presses <= MAX_TABS, " ".join(seen)
    assert sum(1 for s in seen if s == "INPUT:categories") == 1, seen
    # Within the categories, arrow keys move and Space ticks.
    page.focus("#learner-search")
    while _focused(page)["name"] != "categories":
        page.keyboard.press("Tab")
    first = _focused(page)["id"]
    page.keyboard.press("ArrowDown")
    second = _focused(page)["id"]
    assert second != first and _focused(page)["name"] == "categories"
    page.keyboard.press("Space")
    assert page.locator(f"#{second}").is_checked()
    page.keyboard.press("ArrowUp")
    assert _focused(page)["id"] == first


def test_the_allocation_picker_searches_as_you_type(page: Any, world: Any) -> None:
    for i in range(30):
        LearnerFactory(year_group=world.year10, legal_first_name="Quinn", legal_last_name=f"Q{i}")
    browser_sign_in(page, world.user("senco"))
    page.goto(reverse("caseload:allocation-create"))
    assert page.locator('select[name="learner"] option').count() == 1  # not the whole school
    page.locator("#id_learner-ts-control").click()
    page.keyboard.type("tess")
    option = page.locator(".ts-dropdown .option", has_text="Tess Ten")
    option.wait_for()
    option.click()
    assert page.locator('select[name="learner"]').input_value() == str(world.learner10.pk)
    page.get_by_label("Key worker").select_option(label=world.user("support").full_name)
    page.get_by_label("Reason").fill("Transition support")
    page.get_by_role("button", name="Allocate").click()
    page.wait_for_load_state()
    assert Allocation.objects.filter(learner=world.learner10, worker=world.user("support")).exists()


MAIN_PAGES = {
    "support": ["caseload:mine", "notifications:list", "attendance:dashboard"],
    "senco": ["caseload:board", "caseload:intervention-list", "caseload:allocation-create"],
    "dsl": ["safeguarding:concern-new", "reports:cp-transfer-list", "accounts:role-requests"],
}


def test_no_main_page_scrolls_sideways_at_320px(page: Any, world: Any, browser: Any) -> None:
    wide = {}
    learner_pages = ["caseload:profile", "caseload:learner-contacts", "caseload:learner-sessions"]
    for role, names in MAIN_PAGES.items():
        page.context.clear_cookies()
        browser_sign_in(page, world.user(role))
        page.set_viewport_size({"width": 320, "height": 800})
        urls = [reverse(n) for n in names]
        if role != "dsl":
            urls += [reverse(n, args=[world.learner9.pk]) for n in learner_pages]
        for url in urls:
            page.goto(url)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                wide[f"{role} {url}"] = width
        page.set_viewport_size({"width": 1280, "height": 900})
    assert wide == {}


def test_screenshots_of_the_profile_and_my_caseload(page: Any, world: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser_sign_in(page, world.user("support"))
    for width in (1280, 768, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in (
            ("profile", reverse("caseload:profile", args=[world.learner9.pk])),
            ("my-caseload", reverse("caseload:mine")),
        ):
            response = page.goto(url)
            assert response is not None and response.status == 200
            path = ARTIFACTS / f"issue18-{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 1000
