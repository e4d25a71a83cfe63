"""`stoke-opendata status`: whether the portal still matches the last release, and what is waiting.

A thin shell over stoke_opendata.api.status.portal_status. Exit 1 on drift (a dataset changed on the portal
behind the pipeline's back, or missing there), so a timer can alert on it; 0 when all is in step.
"""

from __future__ import annotations

import json

import click


@click.command("status")
@click.argument("names", metavar="[PACKAGE]...", nargs=-1)
@click.option("--out", "out_dir", default="out", show_default=True, type=click.Path(file_okay=False, path_type=str),
              help="The folder the release built its packages into (the record).")
@click.option("--portal", metavar="URL", help="The CKAN portal (default: CKAN_URL, then the config file).")
@click.option("--log-json", "log_json", metavar="FILE", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="The release's run log: when it last released.")
@click.option("--repair", is_flag=True,
              help="Mark each drifted file on the portal so that the next release uploads the released copy "
                   "again (needs the publishing token).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def command(names, out_dir, portal, log_json, repair, fmt):
    """Compare each released package with the portal: every file's sha256 fetched back, DataStore row
    counts, the publish plan; say when it was last released and what the next release would change.

    \b
    Exit 1 when any dataset has drifted from the record (or is missing from the portal), else 0.
    """
    from stoke_opendata.api.status import portal_status

    report = portal_status(list(names), out_dir=out_dir, portal=portal, run_log=log_json, repair=repair)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        for d in report.datasets:
            rows = ", ".join(f"{p} {a} rows" for p, (a, _b) in d.rows.items())
            click.echo(f"{d.name}: {d.state} ({d.files} files checked{'; ' + rows if rows else ''}; "
                       f"portal modified {d.modified or '-'})")
            for problem in d.problems:
                click.echo(f"  drift: {problem}")
        last = report.last_release
        click.echo(f"last released: {last['end']}" if last else "last released: (no run log given)")
        if report.waiting:
            for name, what in report.waiting.items():
                click.echo(f"waiting: {name}: {', '.join(what)}")
        else:
            click.echo("waiting: nothing (the next release would change no file)")
        for figure in report.overdue:
            click.echo(f"overdue: {figure['indicator_id']} ({figure['publisher']}): {figure['reason']}")
        if report.marked:
            click.echo(f"marked {report.marked} drifted file(s): the next release uploads the released copies again")
    raise click.exceptions.Exit(1 if report.drift else 0)
