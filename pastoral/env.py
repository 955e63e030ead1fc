"""Typed reading of environment variables that fails loudly.

Every setting comes from the environment. A value that cannot be parsed stops
start-up with ImproperlyConfigured naming the variable, so a typo in a
deployment never silently falls back to a default.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _get(name: str, default: T, parse: Callable[[str], T]) -> T:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return parse(raw.strip())
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"Environment variable {name}={raw!r} is invalid: {exc}")


def env_str(name: str, default: str = "") -> str:
    return _get(name, default, str)


def env_bool(name: str, default: bool = False) -> bool:
    def parse(value: str) -> bool:
        low = value.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError("expected one of 1/0, true/false, yes/no, on/off")

    return _get(name, default, parse)


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    def parse(value: str) -> int:
        number = int(value)
        if minimum is not None and number < minimum:
            raise ValueError(f"must be at least {minimum}")
        return number

    return _get(name, default, parse)


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    def parse(value: str) -> list[str]:
        return [item.strip() for item in value.split(",") if item.strip()]

    return _get(name, list(default or []), parse)
