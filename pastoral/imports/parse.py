"""Cell parsers for MIS exports. Each returns a value or raises CellError(reason)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")


class CellError(ValueError):
    """A cell's value is not acceptable; the message is the reason shown to the user."""


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")

TRUE_WORDS = frozenset({"y", "yes", "true", "1", "t"})
FALSE_WORDS = frozenset({"n", "no", "false", "0", "f", ""})


def parse_date(value: str) -> dt.date:
    """A date as YYYY-MM-DD (ISO) or DD/MM/YYYY (UK MIS exports); never US order."""
    match = _ISO.match(value)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _UK.match(value)
        if not match:
            raise CellError(f"{value!r} is not a date; use YYYY-MM-DD or DD/MM/YYYY")
        day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise CellError(f"{value!r} is not a real date ({exc})") from None


def parse_bool(value: str) -> bool:
    """Y/N, yes/no, true/false, 1/0 (any case); blank is "no"."""
    low = value.strip().lower()
    if low in TRUE_WORDS:
        return True
    if low in FALSE_WORDS:
        return False
    raise CellError(f"{value!r} is not yes or no; use Y or N")


def parse_choice(value: str, choices: Mapping[str, T], *, what: str = "value") -> T:
    """Look the value up case-insensitively in `choices` (keys in lower case)."""
    try:
        return choices[value.strip().lower()]
    except KeyError:
        allowed = ", ".join(sorted({k.upper() if len(k) <= 3 else k for k in choices if k}))
        raise CellError(f"{value!r} is not a known {what}; expected one of: {allowed}") from None


def parse_int(value: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    try:
        number = int(value)
    except ValueError:
        raise CellError(f"{value!r} is not a whole number") from None
    if minimum is not None and number < minimum:
        raise CellError(f"{number} is below the minimum of {minimum}")
    if maximum is not None and number > maximum:
        raise CellError(f"{number} is above the maximum of {maximum}")
    return number
