"""`stoke-opendata publish PACKAGE_DIR...`: plan, then publish data packages to a CKAN portal.

A thin shell over stoke_opendata.api.publish_packages: reads and validates the packages, prints the plan, applies
it unless --dry-run, prints a summary. The API token comes from CKAN_API_TOKEN or the config file only.
"""

from __future__ import annotations

import json

import click


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


SYMBOL = {"create": "+", "update": "~", "unchanged": "=", "delete": "-", "stale": "!"}


def _print_plan(plan) -> None:
    click.echo(f"plan for {plan.portal}:")
    for d in plan.datasets:
        extra = f" ({', '.join(d.all_changes)})" if d.all_changes and d.action == "update" else ""
        click.echo(f"  {d.name}: {d.action}{extra}")
        for w in d.warnings:  # DCAT properties left out for want of an authority IRI
            click.echo(f"    ! warning: {w}")
        for r in d.resources:
            if d.action == "unchanged":
                break
            notes = []
            if r.upload:
                notes.append(f"upload {_size(r.bytes)}")
            if r.datastore:
                notes.append("DataStore")
            notes.extend(x for x in r.reasons if x not in ("new", "new file", "content changed (sha256)"))
            click.echo(f"    {SYMBOL[r.action]} {r.path}: {r.action}" + (f" ({'; '.join(notes)})" if notes else ""))
    s = plan.summary()
    click.echo(f"to do: {s['created']} to create, {s['updated']} to update, {s['unchanged']} unchanged; "
               f"{s['uploads']} file(s), {_size(s['upload_bytes'])} to upload")
    if plan.token is not None:
        click.echo(f"token: {plan.token['message']}" if plan.token["ok"] else f"token: the real run would fail: {plan.token['message']}")


@click.command("publish")
@click.argument("package_dirs", metavar="PACKAGE_DIR...", nargs=-1, required=True,
                type=click.Path(path_type=str))
@click.option("--portal", metavar="URL", help="The CKAN portal (default: CKAN_URL, then the config file).")
@click.option("--dry-run", is_flag=True, help="Print the plan and change nothing.")
@click.option("--prune", is_flag=True,
              help="Delete files that stoke-opendata published earlier and the package no longer has "
                   "(never files others added).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: the plan and the result as one JSON document on stdout (for jobs).")
def command(package_dirs, portal, dry_run, prune, fmt):
    """Publish data packages (folders built by `stoke-opendata package`) to a CKAN portal.

    \b
    First a plan: for each dataset and each file, create / update / unchanged, compared by sha256
    and metadata. Then (unless --dry-run) one package_revise per changed dataset, pinned to the
    dataset's metadata_modified so a racing publisher cannot be overwritten unseen, streamed
    uploads of changed files only, and the tables loaded into the DataStore.
    A package that fails validation is refused (exit 1) before anything is sent.
    The API token is read from CKAN_API_TOKEN or ~/.config/stoke-opendata/portal.toml, never
    from the command line. Exit codes: 0 done, 1 refused (invalid package), 2 portal or usage error.
    """
    from stoke_opendata.api import publish_packages

    text = fmt == "text"
    result = publish_packages(list(package_dirs), portal=portal, dry_run=dry_run, prune=prune, progress=text,
                              log=(lambda s: click.echo(s, err=True)) if text else None,
                              on_plan=_print_plan if text else None)
    plan, outcome = result.plan, result.outcome
    if dry_run:
        if not text:
            click.echo(json.dumps({"dry_run": True, "plan": plan.to_dict(), "result": None}, indent=2))
        else:
            click.echo("dry run: nothing was changed")
        if plan.token is not None and not plan.token["ok"]:  # the plan is shown, and the real run would fail: exit 2
            from stoke_opendata.errors import PortalError

            raise PortalError(f"dry run: the real run would fail: {plan.token['message']}", where=result.portal)
        return 0
    if not text:
        click.echo(json.dumps({"dry_run": False, "plan": plan.to_dict(), "result": outcome.to_dict()}, indent=2))
        return 0
    click.echo(f"published: {outcome.created} created, {outcome.updated} updated, {outcome.unchanged} unchanged; "
               f"{outcome.files_uploaded} file(s), {_size(outcome.bytes_uploaded)} uploaded; "
               f"{outcome.rows_loaded} rows loaded into the DataStore; {outcome.api_calls} API calls; "
               f"{outcome.seconds:.1f} s")
    for name, url in outcome.urls.items():
        click.echo(f"  {url}")
    if outcome.urls:
        first = next(iter(outcome.urls))
        click.echo(f"download with: stoke-opendata download {first} --portal {result.portal} --out DIR")
    return 0
