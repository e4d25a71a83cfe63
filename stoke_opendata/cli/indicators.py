"""`stoke-opendata indicators [--theme T] [--mission N] [--format text|json]` lists the catalogue;
`stoke-opendata indicators show ID` prints one definition with its latest value, comparator and targets.

A thin shell over stoke_opendata.catalogue.definitions and stoke_opendata.catalogue.indicator_summary: parses options, prints.
"""

from __future__ import annotations

import json

import click

FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                      help="text: for people; json: for jobs.")


def _catalogue():
    from stoke_opendata.catalogue import paths
    from stoke_opendata.catalogue.definitions import load_catalogue

    return load_catalogue(paths.schemas_dir())


def _mission(text: str | None) -> int | None:
    from stoke_opendata.errors import UsageError

    if text is None:
        return None
    if not text.strip().isdigit():
        raise UsageError(f"unknown mission {text!r}; missions are numbered 1 to 5")
    return int(text)


@click.group("indicators", invoke_without_command=True)
@click.option("--theme", metavar="THEME", help="Only this Corporate Strategy priority: healthier, wealthier, "
              "safer, greener, cleaner or fairer.")
@click.option("--mission", metavar="N", help="Only this growth prospectus mission (1 to 5).")
@FORMAT
@click.pass_context
def command(ctx, theme, mission, fmt):
    """List the published indicator definitions (schemas/indicators.csv).

    \b
    Text: one line per indicator (id, theme, mission, unit, status, title).
    JSON: the full definitions. `indicators show ID` prints one indicator with its
    latest Stoke-on-Trent value, its comparator's value and its targets.
    """
    if ctx.invoked_subcommand is not None:
        return
    chosen = _catalogue().select(theme=theme, mission=_mission(mission))
    if fmt == "json":
        from dataclasses import asdict

        click.echo(json.dumps([asdict(ind) for ind in chosen], indent=2, ensure_ascii=False))
        return
    from stoke_opendata.catalogue.indicator_text import catalogue_table

    click.echo(catalogue_table(chosen))


@command.command("show")
@click.argument("indicator_id", metavar="ID")
@FORMAT
def show(indicator_id, fmt):
    """Print one indicator: its definition, its latest Stoke-on-Trent value across the bundled
    datasets (with source), the comparator's value for the same period, and its targets."""
    from stoke_opendata.catalogue.indicator_summary import summarise

    catalogue = _catalogue()
    summary = summarise(catalogue, indicator_id)
    if fmt == "json":
        click.echo(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False))
        return
    from stoke_opendata.catalogue.indicator_text import summary_text

    click.echo(summary_text(summary, catalogue))
