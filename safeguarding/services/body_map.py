"""The body map of a concern: where marks were placed on the front/back diagram."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

BODY_VIEWS = ("front", "back")


def clean_body_map(value: Any) -> list[dict[str, Any]]:
    """Body-map marks as stored: [{"view": "front"|"back", "region": str} or {"view", "x", "y"}]."""
    if not value:
        return []
    if not isinstance(value, list) or len(value) > 50:
        raise ValidationError({"body_map": "The body map could not be read."})
    marks: list[dict[str, Any]] = []
    for mark in value:
        if not isinstance(mark, dict) or mark.get("view") not in BODY_VIEWS:
            raise ValidationError({"body_map": "The body map could not be read."})
        clean: dict[str, Any] = {"view": mark["view"]}
        if mark.get("region"):
            clean["region"] = str(mark["region"])[:40]
        if "x" in mark and "y" in mark:
            try:
                x, y = float(mark["x"]), float(mark["y"])
            except (TypeError, ValueError):
                raise ValidationError({"body_map": "The body map could not be read."}) from None
            if not (0 <= x <= 100 and 0 <= y <= 100):
                raise ValidationError({"body_map": "A mark is outside the diagram."})
            clean["x"], clean["y"] = round(x, 1), round(y, 1)
        if "region" not in clean and "x" not in clean:
            raise ValidationError({"body_map": "A mark has no place on the body."})
        if mark.get("note"):
            clean["note"] = str(mark["note"])[:200]
        marks.append(clean)
    return marks
