"""Every URL pattern × every role, with the exact status expected."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import ROLES, build_world, sign_in
from tests.matrix import ADMIN_NAMESPACE, all_cases

CASES = all_cases()


def _pattern_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns == ADMIN_NAMESPACE:
                names.add(f"{ADMIN_NAMESPACE}:index")
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            names |= _pattern_names(entry, prefix)
        elif isinstance(entry, URLPattern):
            if entry.name is None:
                raise AssertionError(
                    f"URL pattern {entry.pattern} has no name: name it and add it to the matrix"
                )
            names.add(f"{namespace}{entry.name}")
    return names


def test_it_covers_every_url_pattern() -> None:
    covered = {case.name for case in CASES}
    patterns = _pattern_names(get_resolver())
    missing = sorted(patterns - covered)
    assert not missing, f"URL patterns missing from the permission matrix: {missing}"
    stale = sorted(covered - patterns)
    assert not stale, f"matrix cases for URLs that no longer exist: {stale}"


def test_it_lists_every_role_in_every_case() -> None:
    for case in CASES:
        assert set(case.expect) == set(ROLES), f"{case.id} must give a status for each of {ROLES}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_it_answers_each_role_as_the_matrix_says(
    case: Any, role: str, db: Any, client: Any
) -> None:
    import tests.hooks  # noqa: F401

    world = build_world()
    if case.setup is not None:
        case.setup(world)
    sign_in(client, world.user(role), school=world.school)
    url = reverse(case.name, kwargs=case.kwargs(world))
    if case.query:
        url = f"{url}?{case.query}"
    data = case.data(world) if case.data else {}
    response = (
        getattr(client, case.method)(url, data=data, **case.headers)
        if data or case.method == "post"
        else client.get(url, **case.headers)
    )
    assert response.status_code == case.expect[role], (
        f"{case.id} as {role}: expected {case.expect[role]}, got {response.status_code}"
    )
