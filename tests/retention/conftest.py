from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _private_root(settings: Any, tmp_path: Any) -> None:
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
