"""The body map as the concern pages draw it and read it aloud."""

from __future__ import annotations

from typing import Any

BODY_REGIONS = [
    ("head", "Head"),
    ("face", "Face"),
    ("neck", "Neck"),
    ("chest", "Chest"),
    ("abdomen", "Stomach"),
    ("upper-back", "Upper back"),
    ("lower-back", "Lower back"),
    ("left-arm", "Left arm"),
    ("right-arm", "Right arm"),
    ("left-hand", "Left hand"),
    ("right-hand", "Right hand"),
    ("left-leg", "Left leg"),
    ("right-leg", "Right leg"),
    ("left-foot", "Left foot"),
    ("right-foot", "Right foot"),
    ("buttocks", "Buttocks"),
]
BODY_VIEWS = [("front", "Front"), ("back", "Back")]


def body_marks(body_map: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Marks ready to draw (cx, cy in the 100x200 diagram) and to read aloud."""
    regions = dict(BODY_REGIONS)
    out = []
    for mark in body_map or []:
        view = "Front" if mark.get("view") == "front" else "Back"
        if mark.get("region"):
            label = f"{view}: {regions.get(mark['region'], mark['region'])}"
        else:
            label = f"{view}: point {mark.get('x', 0):.0f}% across, {mark.get('y', 0):.0f}% down"
        out.append(
            {
                "view": mark.get("view"),
                "label": label,
                "cx": mark.get("x"),
                "cy": (mark["y"] * 2) if mark.get("y") is not None else None,
            }
        )
    return out
