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
@click.option("--log-json", "log_json", metavar="FILE", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Append one JSON line per run to FILE: start, end, datasets, API calls and bytes uploaded, "
                   "outcome, the error line on failure, the alert sent.")
@click.option("--if-running", "if_running", type=click.Choice(["exit", "wait"]), default="exit", show_default=True,
              help="When another release holds the lock on --out: exit 0 at once saying so, or wait for it "
                   "(up to STOKE_OPENDATA_RELEASE_WAIT seconds, default 900).")
def command(names, out_dir, site_dir, portal, no_prune, fmt, log_json, if_running):
    """Release: validate and package the datasets, publish them to the portal, then build the site.

    \b
    Each NAME is a bundled dataset or a package name (none: every package publish/*.yaml declares).
    Idempotent: a second run with nothing changed uploads 0 bytes and says so. Invalid data stops
    the release before anything is sent (exit 1); a portal error stops it with one line (exit 2),
    and the next run completes it. The API token comes from CKAN_API_TOKEN or the config file.
    A failed run POSTs one alert to STOKE_OPENDATA_ALERT_URL (or [alert] url in the config file).
    """
    from stoke_opendata.api.release_job import release_job

    text = fmt == "text"
    run = release_job(list(names), out_dir=out_dir, site_dir=site_dir, portal=portal, prune=not no_prune,
                      log_json=log_json, if_running=if_running,
                      progress=text, log=(lambda s: click.echo(s, err=True)) if text else None)
    released = run.released
    if released is None:  # another job held the lock, or the portal, the log or the settings failed
        if not text:
            click.echo(json.dumps({"valid": None, "job": run.record}, indent=2))
        for line in run.lines:
            click.echo(line, err=True)
        raise click.exceptions.Exit(run.exit_code)
    for line in run.lines:  # the alert's line, a run log that failed at the end (the refusal is said below)
        if line != run.record["error"]:
            click.echo(line, err=True)
    if not text:
        record = released.to_dict()
        record["job"] = run.record
        if not released.valid:
            record["reports"] = {o.name: o.data or o.text for o in released.packaged.outcomes if not o.valid}
        click.echo(json.dumps(record, indent=2))
        return run.exit_code
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
    return run.exit_code
