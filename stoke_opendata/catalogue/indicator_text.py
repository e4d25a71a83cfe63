"""Plain-text renderings of the indicator catalogue and of one indicator's summary, for `indicators`.

Kept apart from the command so the wording can be tested without a CLI, and from the summary so the
core returns data, not prose. Standard library only.
"""

from __future__ import annotations

from stoke_opendata.catalogue.definitions import Catalogue, Indicator
from stoke_opendata.catalogue.indicator_summary import IndicatorSummary, SourcedRow
from stoke_opendata.catalogue.documents import citations, readable
from stoke_opendata.catalogue.periods import example as period_example
from stoke_opendata.catalogue.units import as_written, description
from stoke_opendata.catalogue.vocabulary import MISSION_TITLES

_COLUMNS = ("id", "theme", "mission", "unit", "status", "title")


def catalogue_table(indicators: list[Indicator]) -> str:
    """An aligned table, one indicator a line, and a count."""
    rows = [(i.id, i.theme or "-", str(i.mission or "-"), i.unit, i.status, i.title) for i in indicators]
    widths = [max(len(c), *(len(r[n]) for r in rows)) if rows else len(c) for n, c in enumerate(_COLUMNS)]
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(_COLUMNS, widths)).rstrip()]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.append(f"{len(rows)} indicator(s)")
    return "\n".join(lines)


def _yes_no(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def _bounds(ind: Indicator) -> str:
    lo = "-inf" if ind.minimum is None else f"{ind.minimum:g}"
    hi = "+inf" if ind.maximum is None else f"{ind.maximum:g}"
    return f"{lo} to {hi}"


def _area(catalogue: Catalogue, code: str | None) -> str:
    if not code:
        return "-"
    area = catalogue.areas.get(code)
    return f"{area.area_name} ({code})" if area else code


def _observation(row: SourcedRow, unit: str) -> list[str]:
    r = row.row
    out = [f"  {r['period']}: {as_written(r['value'], unit)}  [{row.dataset}, {r['status']}] {readable(r['source'])}"]
    if r.get("notes"):
        out.append(f"      note: {r['notes']}")
    return out


def _target(row: SourcedRow, catalogue: Catalogue, unit: str) -> list[str]:
    r = row.row
    kind = r["target_type"].replace("_", " ")
    what = kind
    if r.get("target_value"):
        what += f" {r['target_value']}"
    if r.get("comparator_area_code"):
        what += f" x {_area(catalogue, r['comparator_area_code'])}"
    if r.get("baseline_value"):
        what += f"; baseline {as_written(r['baseline_value'], unit)}"
        if r.get("baseline_period"):
            what += f" ({r['baseline_period']})"
    if r.get("target_level"):
        what += f"; target level {as_written(r['target_level'], unit)}"
    out = [f"  by {r['target_period']}, {_area(catalogue, r['area_code'])}: {what}  [{row.dataset}]",
           f"      \"{r['statement']}\""]
    if r.get("notes"):
        out.append(f"      note: {r['notes']}")
    return out


def _period_form(ind: Indicator) -> str:
    """The period form a steward writes, with an example: the source's own form where the catalogue knows it."""
    form = ind.period_form or ind.frequency
    example = period_example(form)
    text = f"{form.replace('_', ' ')}, written like {example}" if example else form.replace("_", " ")
    if ind.period_form and ind.period_form != ind.frequency:
        text += f" (as the source publishes it; {period_example(ind.frequency) or ind.frequency} is accepted too)"
    return text


def summary_text(summary: IndicatorSummary, catalogue: Catalogue) -> str:
    ind = summary.indicator
    mission = f"{ind.mission} ({MISSION_TITLES[ind.mission]})" if ind.mission else "-"
    fields = [
        ("theme", ind.theme or "-"),
        ("mission", mission),
        ("objective", ind.objective or "-"),
        ("unit", f"{ind.unit}: {description(ind.unit)} ({_bounds(ind)})"),
        ("higher is better", _yes_no(ind.higher_is_better)),
        ("period form", _period_form(ind)),
        ("publisher", f"{ind.publisher}: {ind.series}" if ind.publisher and ind.series else (ind.publisher or "not recorded")),
        ("release timing", getattr(ind, "release_timing", None) or "not recorded"),
        ("datasets", ", ".join(summary.datasets) or "none holds its figures yet"),
        ("comparator", _area(catalogue, ind.comparator_area_code)),
        ("status", ind.status),
        ("disclosive", "yes, suppress counts below " + str(ind.disclosure_threshold) if ind.disclosive else "no"),
        ("source", "; ".join(f"{title}: {section}" if section else title for title, section in citations(ind.document, ind.section)) or "-"),
        ("description", ind.description or "-"),
    ]
    lines = [f"{ind.id}: {ind.title}"]
    lines += [f"  {name + ':':<18}{value}" for name, value in fields]
    lines.append("")
    if summary.latest:
        lines.append("Latest Stoke-on-Trent value" + (" (the datasets overlap: each is shown)" if len(summary.latest) > 1 else ""))
        for row in summary.latest:
            lines += _observation(row, ind.unit)
        if ind.comparator_area_code:
            periods = ", ".join(sorted({r.row["period"] for r in summary.latest}))
            lines.append(f"Comparator: {_area(catalogue, ind.comparator_area_code)}, {periods}")
            if summary.comparator:
                for row in summary.comparator:
                    lines += _observation(row, ind.unit)
            else:
                lines.append("  none for that period")
    else:
        lines.append("Latest Stoke-on-Trent value: none in the bundled datasets")
        for row in summary.other_areas:
            lines.append(f"Latest for {_area(catalogue, row.row['area_code'])}")
            lines += _observation(row, ind.unit)
    lines.append("Targets" if summary.targets else "Targets: none")
    for row in summary.targets:
        lines += _target(row, catalogue, ind.unit)
    return "\n".join(lines)
