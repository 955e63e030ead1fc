"""Signing in within tests. The access-control work makes this also satisfy
the second factor; until then it is a plain login."""

from __future__ import annotations

from django.test import Client

from pastoral.models import User


def verified_login(client: Client, user: User) -> None:
    client.force_login(user)
