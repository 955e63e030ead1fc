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

# Where a body part chosen from the list is drawn, in the 100x200 diagram.
# The front view shows the learner's right on the viewer's left (the diagram's
# "R"); the back view the other way round.
_FRONT = {
    "head": (50, 12),
    "face": (50, 18),
    "neck": (50, 30),
    "chest": (50, 50),
    "abdomen": (50, 78),
    "upper-back": (50, 50),
    "lower-back": (50, 80),
    "right-arm": (25, 65),
    "left-arm": (75, 65),
    "right-hand": (19, 104),
    "left-hand": (81, 104),
    "right-leg": (41, 140),
    "left-leg": (59, 140),
    "right-foot": (40, 189),
    "left-foot": (60, 189),
    "buttocks": (50, 97),
}
_MIRROR = {"right": "left", "left": "right"}


def _mirrored(code: str) -> str:
    side, _, part = code.partition("-")
    return f"{_MIRROR[side]}-{part}" if side in _MIRROR else code


REGION_POINTS: dict[str, dict[str, tuple[int, int]]] = {
    "front": _FRONT,
    "back": {code: _FRONT[_mirrored(code)] for code in _FRONT},
}


def body_marks(body_map: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Marks ready to draw (cx, cy in the 100x200 diagram) and to read aloud."""
    regions = dict(BODY_REGIONS)
    out = []
    for number, mark in enumerate(body_map or [], start=1):
        view = "Front" if mark.get("view") == "front" else "Back"
        cx = mark.get("x")
        cy = (mark["y"] * 2) if mark.get("y") is not None else None
        if mark.get("region"):
            label = f"{view}: {regions.get(mark['region'], mark['region'])}"
            if cx is None:
                # A part chosen from the list: drawn where that part is.
                point = REGION_POINTS.get(mark.get("view", ""), {}).get(mark["region"])
                if point is not None:
                    cx, cy = point
        else:
            label = f"{view}: point {mark.get('x', 0):.0f}% across, {mark.get('y', 0):.0f}% down"
        note = str(mark.get("note") or "").strip()
        out.append(
            {
                "number": number,
                "view": mark.get("view"),
                "label": f"{label}: {note}" if note else label,
                "note": note,
                "cx": cx,
                "cy": cy,
                # Where its number is written, beside the dot.
                "tx": round(cx + 4, 1) if cx is not None else None,
                "ty": round(cy - 3, 1) if cy is not None else None,
            }
        )
    return out
