"""`stoke-opendata suppress IN OUT`: apply statistical disclosure control to an observations CSV.

A thin shell over stoke_opendata.safety.suppression: parses options, prints every changed cell, exits.
"""

from __future__ import annotations

import json

import click


@click.command("suppress")
@click.argument("source", metavar="IN", type=click.Path(dir_okay=False, path_type=str))
@click.argument("target", metavar="OUT", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--threshold",
    type=click.IntRange(min=1),
    default=None,
    help="Suppress counts below N (default: each indicator's disclosure_threshold, else 10; "
    "env STOKE_OPENDATA_DISCLOSURE_THRESHOLD). Raises a threshold the definitions set, never lowers it.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="How to list the changed cells on stdout.")
def command(source, target, threshold, fmt):
    """Suppress small counts of people in IN and write the result to OUT.

    For indicators marked disclosive, counts and numerators below the threshold in areas smaller than
    the city (wards, LSOAs, MSOAs) are blanked and their status set to `suppressed` (primary
    suppression); where a total and its parts are published, the next-smallest part is suppressed too,
    so no suppressed figure can be worked out by subtraction (secondary suppression). Every changed
    cell is listed. OUT is written whole or not at all; IN may equal OUT.
    """
    from stoke_opendata.safety import disclosure, suppression
    from stoke_opendata.catalogue.definitions import load_catalogue
    from stoke_opendata.catalogue import paths

    override = disclosure.threshold_override(threshold)
    catalogue = load_catalogue(paths.schemas_dir())
    result = suppression.suppress_file(source, target, catalogue, threshold=override)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
        return 0
    for change in result.changes:
        item = change.to_dict()
        old = item["old"] if item["old"] != "" else "(blank)"
        new = item["new"] if item["new"] != "" else "(blank)"
        click.echo(
            f"row {item['row']}, {item['column']}: {old} -> {new}  [{item['reason']}] "
            f"{item['indicator_id']} {item['area_code']} {item['period']}: {item['why']}"
        )
    counts = result.counts()
    click.echo(
        f"{counts['cells_changed']} cell(s) changed in {counts['rows_changed']} of {counts['rows']} row(s) "
        f"({counts['primary_rows']} primary, {counts['secondary_rows']} secondary); wrote {target}"
    )
    return 0
