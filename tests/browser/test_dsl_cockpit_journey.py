"""Issue 18, the safeguarding screens in Chromium at 1280, 768 and 390 px: the
DSL's inbox (filters, counts, urgency), triage with the learner's history, the
dashboard cockpit and the log-a-concern form (body map parts drawn, a note per
mark); the Hide screen control visible on every page at every width; a head
of year's pastoral list. Screenshots of each page at each width go to
test-artifacts/, and every page passes axe with no serious or critical
violation."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.urls import reverse
from django.utils import timezone

from pastoral.models import Learner
from safeguarding.models import Concern
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_accessibility import AXE, RULES
from tests.caseload.factories import make_plan
from tests.safeguarding.helpers import log_concern, triage

WIDTHS = [1280, 768, 390]


def _serious(page: Any) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", RULES
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _hide_control_on_screen(page: Any) -> None:
    """The fixed Hide screen button is visible inside the viewport, not in a menu."""
    button = page.locator("[data-hide-screen]")
    assert button.is_visible()
    box = button.bounding_box()
    size = page.viewport_size
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


def _shot(page: Any, name: str, width: int) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dsl-cockpit-{name}-{width}.png"), full_page=True)


def _world_of_concerns(world: Any) -> dict[str, Concern]:
    Learner.objects.filter(pk=world.learner9.pk).update(cp_status=Learner.Status.CP)
    make_plan(world.learner9)
    earlier = log_concern(world, categories=["Bullying"])
    late = log_concern(world, learners=[world.learner10], categories=["Family"])
    triage(world, late, "pastoral")
    Concern.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - dt.timedelta(days=2))
    restricted = log_concern(world, categories=["Child protection"])
    current = log_concern(world, categories=["Neglect"])
    return {"earlier": earlier, "late": late, "restricted": restricted, "current": current}


def test_the_dsl_cockpit_at_three_widths(page: Any, browser_login: Any, world: Any) -> None:
    concerns = _world_of_concerns(world)
    browser_login(world.user("dsl"))
    pages = {
        "inbox": reverse("safeguarding:inbox"),
        "triage": reverse("safeguarding:concern-triage", args=[concerns["current"].pk]),
        "dashboard": reverse("safeguarding:dashboard"),
        "log-a-concern": reverse("safeguarding:concern-new"),
        "home": reverse("home"),
    }
    found: dict[str, list[str]] = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages.items():
            response = page.goto(url)
            assert response is not None and response.status == 200, (url, width)
            _hide_control_on_screen(page)
            if name != "home":
                _shot(page, name, width)
            problems = _serious(page)
            if problems:
                found[f"{name} @ {width}px"] = problems
    assert found == {}

    # The inbox: most urgent first, counts that filter, the filter form.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(pages["inbox"])
    refs = page.locator("tbody th[scope=row] a").all_inner_texts()
    assert refs[0] == concerns["restricted"].reference  # untriaged and restricted
    page.get_by_role("link", name=re.compile("not yet triaged")).click()
    page.wait_for_url(re.compile(r"status=new"))
    assert concerns["late"].reference not in page.locator("tbody").inner_text()
    assert page.get_by_label("Year group").is_visible()  # the filters are open at 1280 px
    page.get_by_label("Year group").select_option(label="Year 10")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"year=\d+"))
    assert "No concerns." in page.locator("tbody").inner_text()  # the Y10 one is triaged
    page.get_by_role("link", name="Clear the filters").click()

    # The dashboard: a number leads to the list it counts; overdue groups open.
    page.goto(pages["dashboard"])
    page.locator("details.overdue-group summary").first.click()
    assert page.get_by_role("link", name=concerns["late"].reference).is_visible()
    page.get_by_role("link", name=re.compile("Past their due date")).click()
    page.wait_for_url(re.compile(r"overdue=1"))
    assert page.locator("tbody th[scope=row] a").all_inner_texts() == [concerns["late"].reference]

    # Triage: the learner's recent history beside the form.
    page.goto(pages["triage"])
    history = page.locator("aside").inner_text()
    assert concerns["earlier"].reference in history and "Child protection plan" in history
    assert "Kim Keyworker" in history and "Pastoral support programme" in history

    # Log a concern: a part chosen from the list is drawn, with its own note.
    page.goto(pages["log-a-concern"])
    page.get_by_label("Front: body part").select_option(label="Left arm")
    mark = page.locator('svg[data-bodymap-view="front"] circle.bodymap-mark')
    assert mark.count() == 1
    assert (mark.get_attribute("cx"), mark.get_attribute("cy")) == ("75", "65")
    page.get_by_label(re.compile("Note for mark 1")).fill("Bruise, 3 cm")
    stored = page.locator('input[name="body_map"]').input_value()
    assert '"note":"Bruise, 3 cm"' in stored and '"region":"left-arm"' in stored

    # Hide screen on a page outside safeguarding, by button and by Esc-Esc, at phone width.
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(pages["home"])
    page.locator("[data-hide-screen]").click()
    assert page.get_by_role("button", name="Show the page again").is_visible()
    assert not page.locator("main").is_visible()
    page.get_by_role("button", name="Show the page again").click()
    assert page.locator("main").is_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    assert page.get_by_role("button", name="Show the page again").is_visible()
    page.get_by_role("button", name="Show the page again").click()


def test_a_head_of_year_lists_their_years_pastoral_concerns(
    page: Any, browser_login: Any, world: Any
) -> None:
    concerns = _world_of_concerns(world)
    browser_login(world.user("hoy"))
    found: dict[str, list[str]] = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(reverse("safeguarding:pastoral-list"))
        _hide_control_on_screen(page)
        _shot(page, "hoy-pastoral-list", width)
        problems = _serious(page)
        if problems:
            found[f"pastoral list @ {width}px"] = problems
    assert found == {}
    body = page.locator("tbody").inner_text()
    assert concerns["earlier"].reference in body and concerns["current"].reference in body
    assert concerns["restricted"].reference not in body  # restricted by its category
    assert concerns["late"].reference not in body  # Year 10
