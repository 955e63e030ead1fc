"""Shapes for the learner page: the calendar heat-map and the weekly trend chart.

Both are drawn on the server (templates/attendance/_heatmap.html and
_trend.html) from figures the database computed; nothing here computes a
percentage. Colour is never the only cue: the heat-map prints each code,
and the chart labels its lines and uses different dash patterns and markers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from attendance.codes import CODES


@dataclass
class Cell:
    code: str
    meaning: str
    css: str
    label: str


@dataclass
class Day:
    date: dt.date
    in_range: bool
    closed: str = ""
    am: Cell | None = None
    pm: Cell | None = None


@dataclass
class Week:
    monday: dt.date
    days: list[Day] = field(default_factory=list)


def _cell(code: str, session: str) -> Cell:
    info = CODES.get(code)
    meaning = info.meaning if info else "Unknown code"
    css = info.css if info else "unknown"
    return Cell(code=code, meaning=meaning, css=css, label=f"{session}: {code}, {meaning}")


def heatmap(
    marks: list[tuple[dt.date, str, str]],
    start: dt.date,
    end: dt.date,
    closures: dict[dt.date, str],
) -> list[Week]:
    """Weeks (Monday to Friday) from start to end, each session with its code."""
    by_key = {(day, session): code for day, session, code in marks}
    weeks: list[Week] = []
    monday = start - dt.timedelta(days=start.weekday())
    while monday <= end:
        week = Week(monday=monday)
        for offset in range(5):
            day = monday + dt.timedelta(days=offset)
            am, pm = by_key.get((day, "AM")), by_key.get((day, "PM"))
            week.days.append(
                Day(
                    date=day,
                    in_range=start <= day <= end,
                    closed=closures.get(day, ""),
                    am=_cell(am, "Morning") if am else None,
                    pm=_cell(pm, "Afternoon") if pm else None,
                )
            )
        # Whole weeks with no marks and no closures (summer) are left out.
        if any(d.am or d.pm or d.closed for d in week.days):
            weeks.append(week)
        monday += dt.timedelta(weeks=1)
    return weeks


WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 96, 16, 40


def trend_chart(
    points: list[dict[str, Any]], target: float | None, baseline: float | None
) -> dict[str, Any] | None:
    """Coordinates of the weekly trend (attendance % per week) with target and baseline lines."""
    if not points:
        return None
    values = [p["pct"] for p in points] + [v for v in (target, baseline) if v is not None]
    low = max(0, min(50, int(min(values) // 10) * 10))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return round(TOP + plot_h * (100 - value) / (100 - low), 1)

    step = plot_w / max(1, len(points) - 1)
    dots = []
    for i, p in enumerate(points):
        x = round(LEFT + (step * i if len(points) > 1 else plot_w / 2), 1)
        dots.append(
            {
                "x": x,
                "y": y(p["pct"]),
                "pct": p["pct"],
                "week": p["week"],
                "label": f"Week of {p['week']:%d %b}: {p['pct']:.1f}%",
                "tick": i % max(1, len(points) // 8) == 0,
            }
        )
    ticks = [{"value": v, "y": y(v)} for v in range(low, 101, 10)]
    # Keep the "Actual" label clear of the target and baseline labels beside it.
    taken = [y(v) for v in (target, baseline) if v is not None]
    actual_y = dots[-1]["y"]
    for _ in range(4):
        clash = [t for t in taken if abs(t - actual_y) < 14]
        if not clash:
            break
        actual_y = clash[0] + 14 if actual_y >= clash[0] else clash[0] - 14
    actual_y = min(max(actual_y, TOP), HEIGHT - BOTTOM)
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "label_x": WIDTH - RIGHT + 6,
        "polyline": " ".join(f"{d['x']},{d['y']}" for d in dots),
        "dots": dots,
        "ticks": ticks,
        "target": None if target is None else {"value": target, "y": y(target)},
        "baseline": None if baseline is None else {"value": baseline, "y": y(baseline)},
        "last": dots[-1],
        "actual_label_y": round(actual_y, 1),
    }
