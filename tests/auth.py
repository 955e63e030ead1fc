"""Signing in within tests. The access-control work makes this also satisfy
the second factor; until then it is a plain login."""

from __future__ import annotations

from django.test import Client

from pastoral.models import User


def verified_login(client: Client, user: User) -> None:
    client.force_login(user)


def browser_sign_in(page, user, password: str | None = None):  # type: ignore[no-untyped-def]
    """Sign in through the real sign-in form in the browser (and the second
    factor, once the access work adds it). Returns the page."""
    from tests.factories import TEST_PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(password or TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page
