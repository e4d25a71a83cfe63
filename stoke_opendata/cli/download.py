"""`stoke-opendata download DATASET --out DIR`: fetch a published dataset, verify and validate it.

A thin shell over stoke_opendata.portal.download. Anonymous: no API token is sent.
"""

from __future__ import annotations

import json

import click


@click.command("download")
@click.argument("dataset")
@click.option("--portal", metavar="URL", help="The CKAN portal (default: CKAN_URL, then the config file).")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=str),
              help="Folder to write the data package into (created, or replaced if it holds an earlier download).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def command(dataset, portal, out, fmt):
    """Download DATASET from a CKAN portal as a data package in DIR.

    \b
    Fetches datapackage.json and every file published with it, checks each file's sha256 against
    the descriptor, validates the tables against their Table Schemas, and only then moves the
    folder into place: the files are byte-identical to what was published.
    Exit codes: 0 done, 1 a file does not match its hash or fails validation, 2 no such dataset,
    portal unreachable, or a usage error.
    """
    from pathlib import Path

    from stoke_opendata.portal import download as downloading
    from stoke_opendata.portal import client as portal_client

    settings = portal_client.resolve_settings(portal, anonymous=True)
    text = fmt == "text"
    with portal_client.PortalClient(settings) as client:
        result = downloading.download_dataset(client, dataset, Path(out), progress=text,
                                              log=(lambda s: click.echo(s, err=True)) if text else (lambda s: None))
    if text:
        click.echo(f"downloaded {dataset}: {len(result.files)} file(s), {result.bytes} bytes, sha256 verified, "
                   f"tables valid -> {result.directory}")
    else:
        click.echo(json.dumps(result.to_dict(), indent=2))
    return 0
