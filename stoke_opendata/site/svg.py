"""Chart geometry for the inline SVG of an indicator page: the city, its comparator and the target path.

Hand-made rather than matplotlib: an inline SVG of a few lines is ~3 KB of text a screen reader can
name (<title>, <desc>) and a browser scales to any width, where a matplotlib SVG is ~40 KB of glyph
paths. The series are told apart by line style and marker shape as well as colour (solid line with
circles, dashed with squares, dotted with diamonds), and the legend says so in words. Pure: numbers
in, coordinates out; the template (templates/chart.svg.j2) writes the markup with escaping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from stoke_opendata.catalogue.periods import period_position

WIDTH, HEIGHT = 480, 330
LEFT, RIGHT, TOP, BOTTOM = 84, 12, 12, 104  # room for y labels, the x labels and the legend
STYLES = {  # kind -> (css class, marker shape, words for the legend)
    "city": ("s-city", "circle", "solid, circles"),
    "comparator": ("s-comp", "square", "dashed, squares"),
    "target": ("s-target", "diamond", "dotted, diamonds"),
}


@dataclass(frozen=True)
class Line:
    kind: str
    label: str
    points: tuple[tuple[str, float], ...]  # (period, value)


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    plot: tuple[float, float, float, float] = (LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM)
    lines: list[dict] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    legend: list[dict] = field(default_factory=list)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2, 2.5 or 5 times a power of ten apart)."""
    if high <= low:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks, value = [], start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _position(period: str, frequency: str | None) -> float | None:
    try:
        return period_position(period, frequency)
    except ValueError:
        return None


def layout(lines: list[Line], frequency: str | None, fmt=lambda v: f"{v:g}") -> Chart | None:
    """Coordinates for the lines (None when there is nothing to draw). `fmt` writes the y labels."""
    placed = []
    for line in lines:
        pts = [(p, v, _position(p, frequency)) for p, v in line.points]
        pts = sorted((x, v, p) for p, v, x in pts if x is not None)
        if pts:
            placed.append((line, pts))
    if not placed:
        return None
    xs = [x for _, pts in placed for x, _, _ in pts]
    ys = [y for _, pts in placed for _, y, _ in pts]
    x0, x1 = min(xs), max(xs)
    if x1 - x0 < 1e-9:
        x0, x1 = x0 - 1, x1 + 1
    ticks = nice_ticks(min(ys + [0.0]) if min(ys) >= 0 and min(ys) < max(ys) * 0.5 else min(ys), max(ys))
    y0, y1 = ticks[0], ticks[-1]
    if y1 - y0 < 1e-12:
        y1 = y0 + 1
    chart = Chart()
    left, top, right, bottom = chart.plot

    def sx(x: float) -> float:
        return round(left + 12 + (x - x0) / (x1 - x0) * (right - left - 24), 1)

    def sy(y: float) -> float:
        return round(bottom - (y - y0) / (y1 - y0) * (bottom - top), 1)

    chart.y_ticks = [(sy(t), fmt(t)) for t in ticks]
    labels: dict[float, str] = {}
    for line, pts in placed:
        css, marker, words = STYLES[line.kind]
        coords = [(sx(x), sy(y)) for x, y, _ in pts]
        chart.lines.append({"kind": line.kind, "css": css, "marker": marker, "label": line.label,
                            "points": " ".join(f"{a},{b}" for a, b in coords), "coords": coords})
        chart.legend.append({"css": css, "marker": marker, "label": line.label, "words": words})
        for x, _, period in pts:
            labels.setdefault(sx(x), period)
    positions = sorted(labels)
    keep, last = [], -1e9
    for pos in positions:  # drop labels that would overlap (about 52 px each at 14 px)
        if pos - last >= 52 or pos == positions[-1] and not keep:
            keep.append(pos)
            last = pos
    chart.x_ticks = [(pos, labels[pos]) for pos in keep]
    chart.height = int(bottom + 32 + 20 * len(chart.legend))  # no empty band below a short legend
    return chart
