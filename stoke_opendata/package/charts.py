"""Charts of an indicator: the city's series against its comparator and the line to its target.

The public looks at charts, not CSVs. Each chart is titled, labelled with the unit and captioned with
its source, and is byte-for-byte reproducible (fixed style, fixed size, no software or date metadata, a
fixed SVG hash salt) so that a rebuilt package has the same hashes. matplotlib is imported only here and
only when a chart is drawn; the object-oriented API (Figure + Agg canvas) keeps no global pyplot state.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from stoke_opendata.catalogue.periods import period_position
from stoke_opendata.catalogue.units import axis_label

CITY_COLOUR = "#1f4e79"
COMPARATOR_COLOUR = "#8c8c8c"
TARGET_COLOUR = "#c55a11"
_SIZE_INCHES = (8.0, 5.0)
_DPI = 100


def png_size() -> tuple[int, int]:
    """A drawn PNG's width and height in pixels (the fixed figure size at the fixed resolution): what a
    page that names the image (og:image:width/height) must say."""
    return round(_SIZE_INCHES[0] * _DPI), round(_SIZE_INCHES[1] * _DPI)
_MAX_TICKS = 12


@dataclass(frozen=True)
class Series:
    """A labelled series of (period, value) points; periods in any of the known formats."""

    label: str
    points: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class ChartSpec:
    """Everything one chart shows. Built by the caller (packaging) from the catalogue and the data."""

    title: str
    unit: str
    source: str
    city: Series
    comparator: Series | None = None
    target: Series | None = None  # two points: (baseline period, baseline), (target period, target level)
    frequency: str | None = None
    subtitle: str | None = None


def _xy(series: Series, frequency: str | None):
    pairs = sorted((period_position(p, frequency), v, p) for p, v in series.points)
    return [x for x, _, _ in pairs], [y for _, y, _ in pairs], [p for _, _, p in pairs]


def draw(spec: ChartSpec, path: Path, fmt: str = "png") -> Path:
    """Draw `spec` to `path` as PNG or SVG, deterministically, and return the path."""
    import matplotlib
    import matplotlib.style
    from matplotlib.figure import Figure

    if fmt not in ("png", "svg"):
        raise ValueError(f"chart format must be png or svg, not {fmt!r}")
    rc = {
        "svg.hashsalt": "stoke-opendata",
        "svg.fonttype": "path",
        "font.family": "DejaVu Sans",
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with matplotlib.style.context("default"), matplotlib.rc_context(rc):
        fig = Figure(figsize=_SIZE_INCHES, dpi=_DPI)
        ax = fig.add_subplot(1, 1, 1)
        ticks: dict[float, str] = {}

        x, y, periods = _xy(spec.city, spec.frequency)
        ax.plot(x, y, marker="o", color=CITY_COLOUR, linewidth=2, label=spec.city.label)
        ticks.update(zip(x, periods))
        if spec.comparator and spec.comparator.points:
            cx, cy, cp = _xy(spec.comparator, spec.frequency)
            ax.plot(cx, cy, marker="s", color=COMPARATOR_COLOUR, linewidth=1.5, linestyle="-", label=spec.comparator.label)
            ticks.update(zip(cx, cp))
        if spec.target and len(spec.target.points) >= 2:
            tx, ty, tp = _xy(spec.target, spec.frequency)
            ax.plot(tx, ty, color=TARGET_COLOUR, linewidth=1.5, linestyle="--", label=spec.target.label)
            ax.plot(tx[-1:], ty[-1:], marker="*", markersize=12, color=TARGET_COLOUR, linestyle="none")
            ticks.update(zip(tx, tp))

        positions = sorted(ticks)
        if len(positions) > _MAX_TICKS:
            step = -(-len(positions) // _MAX_TICKS)
            keep = positions[::step]
            if positions[-1] not in keep:
                keep.append(positions[-1])
            positions = keep
        ax.set_xticks(positions)
        ax.set_xticklabels([ticks[p] for p in positions], rotation=45 if len(positions) > 5 else 0, ha="right" if len(positions) > 5 else "center")
        if len(positions) == 1:
            ax.set_xlim(positions[0] - 1, positions[0] + 1)

        ax.set_ylabel(axis_label(spec.unit))
        ax.set_xlabel("Period")
        ax.grid(True, axis="y", color="#dddddd", linewidth=0.8)
        ax.legend(loc="best", frameon=False, fontsize=9)
        fig.suptitle("\n".join(textwrap.wrap(spec.title, 70)), fontsize=12, fontweight="bold", x=0.02, ha="left")
        if spec.subtitle:
            ax.set_title(spec.subtitle, fontsize=9, loc="left", color="#555555")
        caption = "\n".join(textwrap.wrap(f"Source: {spec.source}", 120))
        fig.text(0.02, 0.015, caption, fontsize=7, color="#555555", ha="left", va="bottom")
        fig.subplots_adjust(left=0.1, right=0.97, top=0.84, bottom=0.24)

        path = Path(path)
        if fmt == "png":
            fig.savefig(path, format="png", dpi=_DPI, metadata={"Software": None})
        else:
            fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None})
    return path
