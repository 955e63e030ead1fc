"""Every page of the permission matrix's role walk, scanned by axe-core.

For each of the six roles, every URL name the matrix expects that role to GET
with a 200 is opened in Chromium at 1280 px and 390 px, and axe-core
(tests/browser/vendor, WCAG 2.2 A/AA rules) must find no serious or critical
violation. At 320 px no page may scroll sideways (document.scrollWidth <= 320).

Runtime: one browser, one world, one signed-in context per role; each page is
loaded once and scanned at each width as the viewport narrows; a URL name is
scanned once per role (the first matrix case that expects 200 for that role),
and each matrix setup runs once.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.auth import browser_sign_in
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_accessibility import AXE, RULES
from tests.conftest import ROLES, build_world
from tests.matrix import Case, all_cases

SERIOUS = ("serious", "critical")
WIDTHS = (1280, 390)
PHONE_MIN = 320


def _walk() -> dict[str, list[Case]]:
    """Per role: the first GET case per URL name that answers that role 200."""
    walk: dict[str, list[Case]] = {role: [] for role in ROLES}
    for role in ROLES:
        seen: set[str] = set()
        for case in all_cases():
            if case.method != "get" or case.expect.get(role) != 200 or case.name in seen:
                continue
            if case.headers:  # htmx partials and downloads are checked with their page
                continue
            seen.add(case.name)
            walk[role].append(case)
    return walk


def _serious(page: Any) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", RULES
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


def _urls(world: Any, walk: dict[str, list[Case]]) -> dict[str, list[str]]:
    """Run each matrix setup once, in matrix order, and build the URLs of the
    cases that use it straight after (a later setup may reuse an attribute)."""
    cases = list({id(c): c for cs in walk.values() for c in cs}.values())
    built: dict[int, str] = {}

    def build(case: Case) -> None:
        url = reverse(case.name, kwargs=case.kwargs(world))
        built[id(case)] = f"{url}?{case.query}" if case.query else url

    done: set[Any] = set()
    for case in cases:
        if case.setup is None:
            continue
        if case.setup not in done:
            done.add(case.setup)
            case.setup(world)
            for other in cases:
                if other.setup is case.setup:
                    build(other)
    for case in cases:
        if case.setup is None:
            build(case)
    return {role: [built[id(c)] for c in cs] for role, cs in walk.items()}


def _is_html(response: Any) -> bool:
    return "text/html" in (response.headers.get("content-type") or "")


def test_every_page_of_the_role_walk_passes_axe_and_fits_320px(
    browser: Any, live_server: Any, transactional_db: Any
) -> None:
    import tests.hooks  # noqa: F401

    world = build_world()
    urls = _urls(world, _walk())
    found: dict[str, list[str]] = {}
    wide: dict[str, int] = {}
    scanned = 0
    for role in ROLES:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        browser_sign_in(page, world.user(role))
        try:
            for url in urls[role]:
                page.set_viewport_size({"width": WIDTHS[0], "height": 900})
                try:
                    response = page.goto(url)
                except Exception as exc:  # a CSV or PDF download: not a page
                    if "Download is starting" in str(exc):
                        continue
                    raise
                status = response.status if response is not None else None
                if status != 200:
                    found[f"{role} {url}"] = [f"answered {status}"]
                    continue
                if not _is_html(response):
                    continue
                # One load per page: the layout reflows as the viewport narrows,
                # so each width is scanned without fetching the page again.
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    scanned += 1
                    problems = _serious(page)
                    if problems:
                        found[f"{role} {url} @ {width}px"] = problems
                page.set_viewport_size({"width": PHONE_MIN, "height": 900})
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > PHONE_MIN:
                    wide[f"{role} {url}"] = scroll
        finally:
            context.close()
    report = [f"{where}: {problem}" for where, problems in found.items() for problem in problems]
    report += [f"{where}: {width} px wide at 320 px" for where, width in wide.items()]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-role-walk.txt").write_text("\n".join(report) + "\n")
    assert scanned > 300, scanned
    assert not report, "\n".join(report)
