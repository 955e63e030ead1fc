"""Server-rendered charts (inline SVG, no JavaScript, no CDN).

The geometry is computed here; the template (behaviour/_points_chart.html)
draws it, so every label is escaped by the template engine. Each chart has a
<title> and a description, and the page shows the same numbers as a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 220
PAD_LEFT = 40
PAD_BOTTOM = 28
PAD_TOP = 12


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    positive: bool

    @property
    def cx(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    zero_y: float
    top_value: int
    bottom_value: int
    top_y: float
    bottom_y: float
    label_y: float
    plot_left: int


def bar_chart(
    points: Sequence[tuple[str, int]], *, width: int = WIDTH, height: int = HEIGHT
) -> BarChart:
    """Bars above the axis for positive values and below for negative ones."""
    top = max([0, *(v for _, v in points)])
    bottom = min([0, *(v for _, v in points)])
    span = (top - bottom) or 1
    plot_height = height - PAD_TOP - PAD_BOTTOM
    scale = plot_height / span
    zero_y = PAD_TOP + top * scale
    slot = (width - PAD_LEFT) / max(len(points), 1)
    bars = []
    for i, (label, value) in enumerate(points):
        bar_height = abs(value) * scale
        bars.append(
            Bar(
                x=round(PAD_LEFT + i * slot + slot * 0.15, 1),
                y=round(zero_y - bar_height if value > 0 else zero_y, 1),
                width=round(slot * 0.7, 1),
                height=round(bar_height, 1),
                label=label,
                value=value,
                positive=value >= 0,
            )
        )
    return BarChart(
        width=width,
        height=height,
        bars=bars,
        zero_y=round(zero_y, 1),
        top_value=top,
        bottom_value=bottom,
        top_y=PAD_TOP,
        bottom_y=height - PAD_BOTTOM,
        label_y=height - 8,
        plot_left=PAD_LEFT,
    )
