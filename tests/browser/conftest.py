"""Real-browser journeys in Debian's Chromium, driven by Playwright.

Run by `make test` when /usr/bin/chromium exists (CI installs it). Each
journey saves a screenshot of its last page under test-artifacts/.
Browser tests run in one xdist group: they share the live server.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # The role walk is the longest test by far: its own group, so that
            # xdist can run it beside the other journeys, not after them.
            walk = "test_accessibility_walk" in str(item.fspath)
            item.add_marker(pytest.mark.xdist_group("browser-walk" if walk else "browser"))
    if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
        skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


# Module scope: while Playwright runs, its event loop counts as "running" in this
# thread, which trips Django's async-unsafe guard; the guard is lifted only while
# a browser module runs, so the setting never leaks into the subprocesses that
# other tests start (`check --deploy` rightly refuses it).
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _launch(sync_playwright)
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _launch(sync_playwright: Any) -> Iterator[Any]:

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any, request: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    name = request.node.name.replace("/", "_")[:120]
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    finally:
        context.close()


@pytest.fixture
def browser_login(page: Any, settings: Any) -> Any:
    """Sign in through the real form. Returns a function (user) -> page."""
    from tests.auth import browser_sign_in

    def login(user: Any) -> Any:
        return browser_sign_in(page, user)

    return login


def have_chromium() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None
