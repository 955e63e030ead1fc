from __future__ import annotations

from typing import Any

import pytest

from pastoral.access import scope_for


@pytest.fixture
def scope_of(world: Any) -> Any:
    """scope_of("senco") -> that person's Scope in the world's school."""

    def get(role: str) -> Any:
        return scope_for(world.user(role), world.school)

    return get
