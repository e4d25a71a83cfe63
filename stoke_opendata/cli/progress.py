"""`stoke-opendata progress [DATASET...] [--format text|json]`: where each target stands, per dataset.

A thin shell: reads the datasets (stoke_opendata.catalogue.dataset_tables), computes the progress table
(stoke_opendata.package.progress, the straight-line method) and prints it.
"""

from __future__ import annotations

import json

import click

STATUS_WORDS = {
    "achieved": "achieved",
    "on_track": "on track",
    "off_track": "off track",
    "no_new_data": "no new data",
    "not_assessable": "not assessable",
}


def _num(value) -> str:
    from stoke_opendata.package.progress import format_number

    return "" if value is None else format_number(value)


def _signed(value) -> str:
    text = _num(value)
    return f"+{text}" if value is not None and value > 0 else text


def render_text(rows) -> str:
    """The progress rows as an aligned plain-text table with a one-line summary."""
    from stoke_opendata.package.progress import STATUSES

    show_area = len({r.area_code for r in rows}) > 1
    header = ["indicator"] + (["area"] if show_area else []) + [
        "baseline", "latest", "target", "change", "still needed", "status", "gap to comparator"]
    table = [header]
    for r in rows:
        baseline = f"{_num(r.baseline_value)} ({r.baseline_period})" if r.baseline_value is not None else "-"
        latest = f"{_num(r.latest_value)} ({r.latest_period})" if r.latest_value is not None else "-"
        level = _num(r.target_level) if r.target_level is not None else r.target_type.replace("_", " ")
        gap = (f"{_signed(r.gap_to_comparator)} vs {r.comparator_area_code} ({r.comparator_period}, {r.versus_comparator})"
               if r.gap_to_comparator is not None else "-")
        table.append([r.indicator_id] + ([r.area_code] if show_area else []) + [
            baseline, latest, f"{level} by {r.target_period}", _signed(r.change_since_baseline) or "-",
            _signed(r.change_still_needed) or "-", STATUS_WORDS.get(r.status, r.status), gap])
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in table]
    counts = ", ".join(f"{sum(1 for r in rows if r.status == s)} {STATUS_WORDS[s]}" for s in STATUSES)
    lines += ["", f"{len(rows)} target(s): {counts}.",
              "Method: straight line from baseline to target, respecting higher_is_better (docs/packaging.md)."]
    from stoke_opendata.package.progress_measure import CATEGORIES, WORDS

    assessed = [r for r in rows if r.measure_status != "unable_to_assess"]
    counts = ", ".join(f"{sum(1 for r in rows if r.measure_status == c)} {WORDS[c]}" for c in CATEGORIES)
    lines += ["", f"Growth measure (Open SDG / Statistics Canada: compound annual growth against the growth needed): {counts}."]
    lines += [f"  {r.indicator_id}{' ' + r.area_code if show_area else ''}: {r.measure_reason}" for r in assessed]
    return "\n".join(lines)


@click.command("progress")
@click.argument("datasets", metavar="[DATASET]...", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: an aligned table per dataset; json: the rows of the published progress tables.")
def command(datasets, fmt):
    """Print progress towards every target: baseline, latest value, target, change so far, change
    still needed, status and the latest gap to the comparator.

    \b
    Status, by the straight line from (baseline period, baseline) to (target period, target level):
      achieved        the latest value is at or better than the target level
      on track        at or better than the line's value at the latest period
      off track       worse than that
      no new data     nothing observed after the baseline period
      not assessable  no data, no computable target level, or no known direction
    "Better" respects the indicator's higher_is_better.

    Each DATASET (default: every bundled dataset with targets) is assessed on its own observations,
    exactly as its published package is: figures from different documents and data releases are
    never mixed into one series.
    """
    from stoke_opendata.catalogue.dataset_tables import bundled_dataset_names, read_dataset
    from stoke_opendata.package.progress_inputs import read_progress_inputs
    from stoke_opendata.package.progress import progress_table

    names = list(datasets) or [n for n in bundled_dataset_names() if "targets" in read_dataset(n).tables]
    results = []
    for name in names:
        targets, observations, catalogue = read_progress_inputs([name])
        results.append((name, progress_table(targets, observations, catalogue)))
    if fmt == "json":
        rows = [{"dataset": name, **r.as_dict()} for name, table in results for r in table]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        click.echo("\n\n".join(f"{name}\n{render_text(table)}" for name, table in results))
    return 0
