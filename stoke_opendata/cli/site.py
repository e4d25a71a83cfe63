"""`stoke-opendata site [PACKAGE_DIR...] --out DIR [--portal URL]`: the residents' static progress site.

A thin shell over stoke_opendata.api.build_residents_site (given folders, or the bundled datasets packaged
afresh; the portal asked anonymously where each one's files are): builds the site and prints where it is.
"""

from __future__ import annotations

import json

import click


@click.command("site")
@click.argument("package_dirs", metavar="[PACKAGE_DIR]...", nargs=-1, type=click.Path(file_okay=False, path_type=str))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str),
              help="Folder to write the site into (replaced only if empty or a site built before).")
@click.option("--portal", metavar="URL",
              help="The CKAN portal the packages are published on (default: CKAN_URL, then the config file; "
                   "none: the site links to its own copies of the files).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="How to report what was built.")
def command(package_dirs, out_dir, portal, fmt):
    """Build the residents' progress site: static, accessible HTML from built data packages.

    \b
    PACKAGE_DIR... are folders built by `stoke-opendata package` (for example out/*/); with none,
    the bundled datasets are validated and packaged first. The site needs no server and no
    JavaScript (one script narrows the A-Z list from a prebuilt index): open DIR/index.html, or copy
    DIR to any web server, object store or the portal's static folder (docs/site.md). Pages: home,
    one per priority, mission, indicator and dataset, A to Z, reporting status and methodology; each
    indicator also as JSON beside its page. A portal resource whose URL is not http(s) is not linked
    (a warning names it).
    With a portal, each page links to the dataset's files there and to DataStore API queries.
    """
    from stoke_opendata.api import build_residents_site

    built = build_residents_site(list(package_dirs), out_dir, portal=portal)
    result, portal_url = built.result, built.portal
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    index = result.directory / "index.html"
    if fmt == "json":
        click.echo(json.dumps({"site": str(result.directory), "index": str(index), "pages": result.pages,
                               "indicators": result.indicators, "largest_page": result.largest_page,
                               "largest_page_bytes": result.bytes_largest_page, "portal": portal_url,
                               "linked_to_portal": result.linked_to_portal, "warnings": result.warnings}, indent=2))
        return 0
    click.echo(f"built {result.pages} pages ({result.indicators} indicators, each with a JSON twin) in {result.directory}")
    click.echo(f"largest page: {result.largest_page}, {result.bytes_largest_page / 1024:.1f} KB")
    if portal_url:
        linked = ", ".join(result.linked_to_portal) or "none (publish them first)"
        click.echo(f"linked to the portal {portal_url}: {linked}")
    else:
        click.echo("no portal given: download links point at the site's own copies of the packages")
    click.echo(f"open: {index.resolve().as_uri()}")
    return 0
