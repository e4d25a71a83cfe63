"""`stoke-opendata site [PACKAGE_DIR...] --out DIR [--portal URL]`: the residents' static progress site.

A thin shell over stoke_opendata.site.build: finds the packages (given folders, or the bundled datasets
packaged afresh), asks the portal (anonymously, through the portal client) where each one's files
are, builds the site and prints where it is.
"""

from __future__ import annotations

import json
import os

import click


def _portal_datasets(portal: str | None, names: list[str]) -> tuple[str | None, dict]:
    """The portal's package_show for each package (None when not published there); no portal: {}."""
    from stoke_opendata.portal import client as portal_client
    from stoke_opendata.errors import PortalError

    if not portal and not os.environ.get("CKAN_URL"):
        try:
            portal_client.resolve_settings(None, anonymous=True)
        except PortalError:
            return None, {}  # no portal configured anywhere: the site links to its own copies
    settings = portal_client.resolve_settings(portal, anonymous=True)
    found = {}
    with portal_client.PortalClient(settings) as client:
        for name in names:
            try:
                found[name] = client.action("package_show", id=name)
            except (portal_client.PortalNotFound, portal_client.PortalAuthError):
                found[name] = None  # not published there (or private): the site links to its own copy
    return settings.url, found


def _bundled_packages(work: str) -> list[str]:
    from pathlib import Path

    from stoke_opendata.errors import InvalidDataError
    from stoke_opendata.package.manifests import load_manifests
    from stoke_opendata.package.build import build_package, check_datasets

    manifests = load_manifests()
    outcomes = check_datasets(sorted({d for m in manifests for d in m.datasets}))
    bad = [o.name for o in outcomes if not o.valid]
    if bad:
        raise InvalidDataError(f"refused: dataset(s) {', '.join(bad)} fail validation; run `stoke-opendata validate`",
                               where="datasets/")
    return [str(build_package(m, Path(work)).directory) for m in manifests]


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
    JavaScript: open DIR/index.html, or copy DIR to any web server, object store or the portal's
    static folder (docs/site.md). Pages: home, one per priority, mission, indicator and dataset,
    reporting status and methodology; each indicator also as JSON beside its page.
    With a portal, each page links to the dataset's files there and to DataStore API queries.
    """
    import tempfile
    from pathlib import Path

    from stoke_opendata.catalogue import paths
    from stoke_opendata.site.build import build_site
    from stoke_opendata.site.model import read_package

    with tempfile.TemporaryDirectory(prefix="stoke-site-packages-") as work:
        dirs = list(package_dirs) or _bundled_packages(work)
        names = [read_package(Path(d)).name for d in dirs]
        portal_url, datasets = _portal_datasets(portal, names)
        result = build_site([Path(d) for d in dirs], Path(out_dir), portal_url=portal_url, portal_datasets=datasets,
                            disagreements=paths.home() / "docs" / "disagreements.md")
    index = result.directory / "index.html"
    if fmt == "json":
        click.echo(json.dumps({"site": str(result.directory), "index": str(index), "pages": result.pages,
                               "indicators": result.indicators, "largest_page": result.largest_page,
                               "largest_page_bytes": result.bytes_largest_page, "portal": portal_url,
                               "linked_to_portal": result.linked_to_portal}, indent=2))
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
