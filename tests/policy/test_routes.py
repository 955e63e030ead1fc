"""Every URL pattern is either tried by the policy crawl or listed, with a
reason, as rendering no concern content."""

from __future__ import annotations

from django.urls import get_resolver

from tests.policy.crawl import EXPORTS, NO_CONCERN_CONTENT, ROUTES
from tests.test_permission_matrix import _pattern_names


def test_every_url_pattern_is_crawled_or_listed_as_rendering_no_concern_content() -> None:
    patterns = _pattern_names(get_resolver())
    crawled = {r.name for r in ROUTES} | {e.name for e in EXPORTS}
    missing = sorted(patterns - crawled - set(NO_CONCERN_CONTENT))
    assert not missing, (
        "URL patterns the policy suite neither crawls nor lists in NO_CONCERN_CONTENT "
        f"(tests/policy/crawl.py): {missing}"
    )
    stale = sorted((crawled | set(NO_CONCERN_CONTENT)) - patterns)
    assert not stale, f"policy entries for URL patterns that no longer exist: {stale}"
    both = sorted(crawled & set(NO_CONCERN_CONTENT))
    assert not both, f"crawled and also listed as rendering no concern content: {both}"


def test_every_listed_pattern_gives_a_reason() -> None:
    assert all(reason.strip() for reason in NO_CONCERN_CONTENT.values())
