"""`stoke-opendata template [DATASET] [--indicator ID...] --out FILE`: a submission to fill in (.xlsx or .csv)."""

from __future__ import annotations

import click


@click.command("template")
@click.argument("dataset", required=False)
@click.option("--indicator", "indicators", multiple=True, metavar="ID", help="An indicator to include (repeatable); instead of, or besides, a dataset's.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="The file to write: .xlsx (drop-down lists, input messages, a sheet explaining each column) or .csv.")
def command(dataset, indicators, out):
    """Write a template for a dataset's next figures (or for some indicators): the header, one row per
    indicator and area expected next with its period, drop-down lists for indicator, area and status, the
    period form and unit as each cell's input message. Fill in value, status and source, then validate it."""
    from stoke_opendata.api.steward import make_template

    count = make_template(out, dataset=dataset, indicators=list(indicators))
    click.echo(f"wrote {out}: {count} row(s) to fill in (value, status, source); then `stoke-opendata validate {out}`")
