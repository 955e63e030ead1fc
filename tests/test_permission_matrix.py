"""Every URL pattern × every role, with the exact status expected."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import ROLES, build_world, sign_in
from tests.matrix import ADMIN_NAMESPACE, OUT_OF_SCOPE_EXEMPT, all_cases

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
    response = getattr(client, case.method)(url, data=data, **case.headers)
    assert response.status_code == case.expect[role], (
        f"{case.id} as {role}: expected {case.expect[role]}, got {response.status_code}"
    )
    if response.status_code in (301, 302) and not _is_sign_in_url(case.name):
        # A redirect to the sign-in or code page means the session was refused,
        # not that the view answered: that must never pass as the expected 302.
        target = urlsplit(response["Location"]).path
        assert not target.startswith(SIGN_IN_PATHS), (
            f"{case.id} as {role}: redirected to {target}, the session was refused"
        )


SIGN_IN_PATHS = ("/accounts/login/", "/accounts/two-factor/")


def _is_sign_in_url(name: str) -> bool:
    return name in {"login", "logout"} or name.startswith("accounts:")


def _object_patterns(resolver: URLResolver, namespace: str = "") -> set[str]:
    """Names of the URL patterns that take an argument (an object id)."""
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns == ADMIN_NAMESPACE:
                continue
            names |= _object_patterns(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.pattern.converters:
            names.add(f"{namespace}{entry.name}")
    return names


def test_it_checks_another_schools_object_for_every_object_url() -> None:
    """ACCESS.md: an object outside the person's school answers 404 to everyone."""
    tenancy_checked = {c.name for c in CASES if set(c.expect.values()) == {404}}
    missing = sorted(_object_patterns(get_resolver()) - tenancy_checked - set(OUT_OF_SCOPE_EXEMPT))
    assert not missing, (
        "these URLs take an object id but have no case where every role gets 404 "
        f"(e.g. another school's object): {missing}"
    )
