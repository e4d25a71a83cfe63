"""`stoke-opendata release [DATASET...]`: package, publish and build the residents' site in one run.

A thin shell over stoke_opendata.api.release_datasets, the function `make run` and the portal's approval job
share. Prints what each step did; --format json gives the whole record for jobs.
"""

from __future__ import annotations

import json

import click


@click.command("release")
@click.argument("names", metavar="[DATASET|PACKAGE]...", nargs=-1)
@click.option("--out", "out_dir", default="out", show_default=True, type=click.Path(file_okay=False, path_type=str),
              help="Folder to build the packages into.")
@click.option("--site", "site_dir", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Folder to build the residents' site into (omit: no site).")
@click.option("--portal", metavar="URL", help="The CKAN portal (default: CKAN_URL, then the config file).")
@click.option("--no-prune", "no_prune", is_flag=True,
              help="Keep files stoke-opendata published earlier that the package no longer has.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: what each step did as one JSON document on stdout (for jobs).")
def command(names, out_dir, site_dir, portal, no_prune, fmt):
    """Release: validate and package the datasets, publish them to the portal, then build the site.

    \b
    Each NAME is a bundled dataset or a package name (none: every package publish/*.yaml declares).
    Idempotent: a second run with nothing changed uploads 0 bytes and says so. Invalid data stops
    the release before anything is sent (exit 1); a portal error stops it with one line (exit 2),
    and the next run completes it. The API token comes from CKAN_API_TOKEN or the config file.
    """
    from stoke_opendata.api import release_datasets

    text = fmt == "text"
    released = release_datasets(list(names), out_dir=out_dir, site_dir=site_dir, portal=portal, prune=not no_prune,
                                progress=text, log=(lambda s: click.echo(s, err=True)) if text else None)
    if not text:
        record = released.to_dict()
        if not released.valid:
            record["reports"] = {o.name: o.data or o.text for o in released.packaged.outcomes if not o.valid}
        click.echo(json.dumps(record, indent=2))
        return 0 if released.valid else 1
    if not released.valid:
        for outcome in released.packaged.outcomes:
            if not outcome.valid:
                click.echo(outcome.text)
        click.echo(f"refused: {', '.join(released.packaged.refused)} failed validation; nothing was released", err=True)
        raise click.exceptions.Exit(1)
    click.echo(f"packaged {len(released.datasets)} package(s) into {out_dir}")
    outcome = released.published.outcome if released.published else None
    if outcome is not None:
        if outcome.bytes_uploaded == 0 and outcome.created == 0 and outcome.updated == 0:
            click.echo(f"published: nothing changed, 0 bytes uploaded ({outcome.api_calls} API calls)")
        else:
            click.echo(f"published: {outcome.created} created, {outcome.updated} updated, {outcome.unchanged} unchanged; "
                       f"{outcome.bytes_uploaded} bytes uploaded in {outcome.files_uploaded} file(s); "
                       f"{outcome.api_calls} API calls")
        for url in outcome.urls.values():
            click.echo(f"  {url}")
    if released.site is not None:
        click.echo(f"site: {released.site.result.pages} pages in {released.site.result.directory}")
    click.echo(f"released in {released.seconds:.1f} s")
    return 0
