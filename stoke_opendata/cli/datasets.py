"""`stoke-opendata datasets [--format text|json]`: the bundled datasets a steward can submit figures to."""

from __future__ import annotations

import json

import click


@click.command("datasets")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format.")
def command(fmt):
    """List the bundled datasets: name, title, indicators, figures, latest period and last revision."""
    from stoke_opendata.api.steward import dataset_listing
    from stoke_opendata.catalogue.dataset_listing import listing_text

    entries = dataset_listing()
    click.echo(json.dumps(entries, indent=2) if fmt == "json" else listing_text(entries))
