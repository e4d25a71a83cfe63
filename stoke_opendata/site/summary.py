"""What the site says about each indicator: its headline status, its gap to the comparator, its chart.

Derived from the packages' own tables (the progress table's statuses are used as published, never
recomputed here), so the site and the portal cannot disagree. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from stoke_opendata.site import svg, words
from stoke_opendata.site.model import IndicatorRecord, SiteData, View
from stoke_opendata.catalogue.periods import sort_key
from stoke_opendata.package.period_basis import basis, period_words


@dataclass(frozen=True)
class Gap:
    city: str
    comparator: str
    comparator_code: str
    period: str
    value: float
    other: float
    worse: bool | None
    relative: float  # |gap| / |comparator value|, to rank the worst gaps
    package: str
    sentence: str


# Units whose values grow with an area's size: a city's count beside England's says nothing of a gap.
SIZE_UNITS = ("count", "millions", "gbp_millions", "gbp_billions", "mwh", "gwh", "hectares")


def series(view: View, area: str, frequency: str, *, observed_only: bool = False) -> list[tuple[str, float]]:
    """(period, value) of one area in one package, in time order; blank (suppressed) values left out, and
    with observed_only estimates and forecasts (status `estimated`) too."""
    out = {}
    for row in view.observations:
        value = words.to_float(row.get("value"))
        if observed_only and (row.get("status") or "").strip() == "estimated":
            continue
        if row.get("area_code") == area and value is not None:
            out[row.get("period") or ""] = value
    return sorted(out.items(), key=lambda pv: sort_key(pv[0], frequency))


def main_area(view: View, record: IndicatorRecord) -> str | None:
    """The area a package's figures are about: its own coverage when it has figures for it, otherwise
    the area (other than the comparator) with the most figures."""
    counts: dict[str, int] = {}
    for row in view.observations:
        if words.to_float(row.get("value")) is not None:
            counts[row.get("area_code") or ""] = counts.get(row.get("area_code") or "", 0) + 1
    if not counts:
        return None
    if view.package.spatial_coverage in counts:
        return view.package.spatial_coverage
    others = [a for a in counts if a != record.indicator.comparator_area_code] or list(counts)
    return sorted(others, key=lambda a: (-counts[a], a))[0]


def gap(record: IndicatorRecord, data: SiteData, prefer: str | None = None) -> Gap | None:
    """The latest period in which the city and the indicator's comparator both have a figure (over all
    packages; the later package wins a tie; only the package `prefer`, the one the headline figure comes
    from, when it has such a pair), as a plain sentence with the period's basis in words."""
    ind = record.indicator
    if ind.unit in SIZE_UNITS:
        return None
    best = None
    views = record.views
    if prefer and any(v.package.name == prefer for v in views):
        found = gap(IndicatorRecord(ind, [v for v in views if v.package.name == prefer], record.raw), data)
        if found is not None:
            return found
    for view in views:
        area = main_area(view, record)
        comp = ind.comparator_area_code
        if not area or not comp or area == comp:
            continue
        mine = dict(series(view, area, ind.frequency, observed_only=True))
        for period, other in series(view, comp, ind.frequency, observed_only=True):
            if period in mine:
                key = sort_key(period, ind.frequency)
                if best is None or key >= best[0]:
                    best = (key, view, area, period, mine[period], other)
    if best is None:
        return None
    _, view, area, period, value, other = best
    diff = value - other
    worse = None if ind.higher_is_better is None or abs(diff) < 1e-9 else ((diff > 0) != ind.higher_is_better)
    row = next((r for r in view.observations if r.get("area_code") == area and r.get("period") == period), {})
    sentence = words.gap_sentence(data.area_name(area), data.area_name(ind.comparator_area_code),
                                  period_words(period, basis(row)), value, other, ind.unit, ind.higher_is_better)
    return Gap(data.area_name(area), data.area_name(ind.comparator_area_code), ind.comparator_area_code, period,
               value, other, worse, abs(diff) / abs(other) if other else 0.0, view.package.name, sentence)


def headline(record: IndicatorRecord, prefer: str | None = None) -> tuple[str, View | None, dict | None]:
    """One status for the indicator: the progress row with the latest target period (an assessable one
    first, one of the package `prefer` before all: the document the headline figure comes from);
    'no_target' when it has figures but no target, 'no_data' when it has neither."""
    rows = record.progress
    if rows:
        def rank(item):
            view, row = item
            known = (row.get("status") or "") not in ("not_assessable",)
            return (view.package.name == prefer, known, sort_key(row.get("target_period") or "", None))

        view, row = max(rows, key=rank)
        return (row.get("status") or "not_assessable", view, row)
    return ("no_target" if record.has_data else "no_data", None, None)


def chart(view: View, record: IndicatorRecord, data: SiteData) -> dict | None:
    """The chart of one package's figures: its area, the comparator and the straight line to the target,
    with the title and description the SVG carries (None when the package has no figures)."""
    ind = record.indicator
    area = main_area(view, record)
    if area is None:
        return None
    lines = [svg.Line("city", data.area_name(area), tuple(series(view, area, ind.frequency)))]
    comp = ind.comparator_area_code
    if comp and comp != area and series(view, comp, ind.frequency):
        lines.append(svg.Line("comparator", data.area_name(comp), tuple(series(view, comp, ind.frequency))))
    target_row = None
    for row in view.progress:
        if (row.get("area_code") == area and words.to_float(row.get("target_level")) is not None
                and (row.get("status") or "") != "not_assessable"
                and words.to_float(row.get("baseline_value")) is not None and row.get("baseline_period")):
            target_row = row  # rows are in target-period order: the last one wins
    if target_row:
        level = words.to_float(target_row["target_level"])
        lines.append(svg.Line("target", f"Target: {words.figure(level, ind.unit)} by {target_row['target_period']}",
                              ((target_row["baseline_period"], words.to_float(target_row["baseline_value"])),
                               (target_row["target_period"], level))))
    else:  # a target level with no baseline: drawn as one point at its year, unless progress says the
        # target measures another period than the series (issue 22: growth to 2030 beside 2016-2022 growth)
        unjudged = {r.get("target_period") for r in view.progress
                    if r.get("area_code") == area and (r.get("status") or "") == "not_assessable"}
        levels = [r for r in view.progress + view.targets if r.get("area_code") == area and r.get("target_period")
                  and r.get("target_period") not in unjudged
                  and words.to_float(r.get("target_level")) is not None]
        if levels:
            row = levels[-1]
            level = words.to_float(row["target_level"])
            lines.append(svg.Line("target", f"Target: {words.figure(level, ind.unit)} by {row['target_period']}",
                                  ((row["target_period"], level),)))
    geometry = svg.layout(lines, ind.frequency, fmt=lambda v: words.figure(v, ind.unit))
    if geometry is None:
        return None
    described = []
    for line in lines:
        if line.kind == "target":
            described.append(f"{line.label}, a straight line from the starting figure." if len(line.points) > 1
                             else f"{line.label}, one point at the target's year.")
        elif line.points:
            first, last = line.points[0], line.points[-1]
            span = (f"from {words.figure(first[1], ind.unit)} in {first[0]} to "
                    if len(line.points) > 1 else "")
            described.append(f"{line.label}: {span}{words.figure(last[1], ind.unit)} in {last[0]}.")
    title = f"{ind.title}: {data.area_name(area)}" + (f" against {data.area_name(comp)}" if len(lines) > 1 and
                                                      lines[1].kind == "comparator" else "")
    desc = "Line chart. " + " ".join(described) + " Every figure is in the table that follows the chart."
    return {"geometry": geometry, "title": title, "desc": desc, "area": area, "lines": lines}
