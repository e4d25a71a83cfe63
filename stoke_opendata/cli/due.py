"""`stoke-opendata due [DATASET...] [--as-of DATE] [--format text|json]`: what is due and overdue.

A thin shell over stoke_opendata.api.due_figures (the logic is stoke_opendata.package.due): parses the
options, groups the answer by publisher and by steward for the council's performance team, prints.
"""

from __future__ import annotations

import json
from datetime import date

import click


def _as_of(text: str | None) -> date:
    from stoke_opendata.errors import UsageError

    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--as-of: {text!r} is not a date; write it as YYYY-MM-DD") from None


def _line(d) -> str:
    if d.state == "unknown":
        return f"  {d.indicator_id}: unknown ({d.reason})"
    latest = f"latest {d.latest_period}, next {d.next_period} expected {d.expected}"
    return f"  {d.indicator_id}: {d.state} ({latest}; {d.reason})"


def render_text(dues, as_of: date) -> str:
    counts = {s: sum(1 for d in dues if d.state == s) for s in ("overdue", "due", "expected", "unknown")}
    lines = [f"As of {as_of.isoformat()}: {counts['overdue']} overdue, {counts['due']} due this month, "
             f"{counts['expected']} expected later, {counts['unknown']} unknown (no release timing or period recorded)."]
    for heading, key in (("By publisher", lambda d: [d.publisher]), ("By steward", lambda d: d.stewards)):
        lines += ["", heading]
        groups: dict[str, list] = {}
        for d in dues:
            if d.state in ("overdue", "due"):
                for name in key(d):
                    groups.setdefault(name, []).append(d)
        if not groups:
            lines.append("  nothing is due or overdue")
        for name in sorted(groups):
            lines.append(f"{name}:")
            lines += [_line(d) for d in sorted(groups[name], key=lambda d: (d.state != "overdue", d.indicator_id))]
    later = [_line(d) for d in dues if d.state == "expected"]
    lines += ["", "Expected later:"] + (later or ["  none"])
    return "\n".join(lines)


@click.command("due")
@click.argument("datasets", nargs=-1, metavar="[DATASET]...")
@click.option("--as-of", "as_of", metavar="DATE", help="Judge on this date (YYYY-MM-DD) instead of today.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: for people; json: for jobs.")
def command(datasets, as_of, fmt):
    """List the figures that are due or overdue, by publisher and by steward.

    \b
    For each indicator of the bundled datasets (or the DATASETs named): its latest
    period, the next period, the month the publisher usually releases it
    (schemas/indicator-sources.csv, with where that timing comes from) and its
    state on the date: overdue (the release month has passed), due (this month),
    expected (later) or unknown (no timing or no period in the series' form:
    never guessed). Stewards are the maintainers in publish/*.yaml.
    """
    from stoke_opendata.api import due_figures

    when = _as_of(as_of)
    dues = due_figures(when, datasets)
    if fmt == "json":
        data = {"as_of": when.isoformat(), "indicators": [d.as_dict() for d in dues]}
        for name, key in (("by_publisher", lambda d: [d.publisher]), ("by_steward", lambda d: d.stewards)):
            groups: dict[str, dict[str, list[str]]] = {}
            for d in dues:
                if d.state in ("overdue", "due"):
                    for who in key(d):
                        groups.setdefault(who, {"overdue": [], "due": []})[d.state].append(d.indicator_id)
            data[name] = groups
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(dues, when))
