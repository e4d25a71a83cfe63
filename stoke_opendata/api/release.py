"""One release: package, publish, build the residents' site, in that order, as one function.

Why one function: the unattended job, `make run`, the CLI's `release` command and (later) the portal's
approval job must all do exactly the same steps, so that "what was released" means one thing. Each step is
the API function its own command calls; this module only chains them and reports what each did.

Idempotent by construction: packages are reproducible (same data, same bytes), publish compares by sha256 and
metadata and uploads nothing unchanged, and the site is swapped in whole. A second run publishes 0 bytes.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class SiteBuilt:
    """What `build_residents_site` wrote: the site result and the portal it linked to (None: its own copies)."""

    result: object
    portal: str | None


@dataclass
class Released:
    """What `release_datasets` did, step by step (a step not run is None)."""

    packaged: object
    published: object | None = None
    site: SiteBuilt | None = None
    seconds: float = 0.0
    datasets: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.packaged.valid

    @property
    def bytes_uploaded(self) -> int:
        outcome = self.published.outcome if self.published else None
        return outcome.bytes_uploaded if outcome else 0

    @property
    def api_calls(self) -> int:
        outcome = self.published.outcome if self.published else None
        return outcome.api_calls if outcome else 0

    def to_dict(self) -> dict:
        published = None
        if self.published is not None:
            outcome = self.published.outcome
            published = {"portal": self.published.portal, "plan": self.published.plan.to_dict(),
                         "result": outcome.to_dict() if outcome else None}
        site = None
        if self.site is not None:
            r = self.site.result
            site = {"directory": str(r.directory), "pages": r.pages, "indicators": r.indicators,
                    "portal": self.site.portal}
        return {"valid": self.valid, "datasets": self.datasets,
                "refused": list(self.packaged.refused),
                "packages": [str(b.directory) for b in self.packaged.built],
                "published": published, "site": site,
                "bytes_uploaded": self.bytes_uploaded, "api_calls": self.api_calls,
                "seconds": round(self.seconds, 3)}


def portal_datasets(portal: str | None, names: list[str]) -> tuple[str | None, dict]:
    """The portal's package_show for each package name (None where not published there), read anonymously.
    With no portal given or configured anywhere: (None, {}), and the site links to its own copies."""
    from stoke_opendata.errors import PortalError
    from stoke_opendata.portal import client as portal_client
    from stoke_opendata.portal.credentials import resolve_settings

    if not portal and not os.environ.get("CKAN_URL"):
        try:
            resolve_settings(None, anonymous=True)
        except PortalError:
            return None, {}
    settings = resolve_settings(portal, anonymous=True)
    found: dict = {}
    with portal_client.PortalClient(settings) as client:
        for name in names:
            try:
                found[name] = client.action("package_show", id=name)
            except (portal_client.PortalNotFound, portal_client.PortalAuthError):
                found[name] = None  # not published there (or private): the site links to its own copy
    return settings.url, found


def build_residents_site(package_dirs=(), out="site", *, portal: str | None = None) -> SiteBuilt:
    """Build the residents' static site from built package folders (none: the bundled datasets, validated and
    packaged afresh into a temporary folder). With a portal, pages link to the dataset's files there."""
    import os
    import tempfile
    from datetime import date

    from stoke_opendata.catalogue import paths
    from stoke_opendata.errors import InvalidDataError
    from stoke_opendata.site.build import build_site
    from stoke_opendata.catalogue.package_model import read_datapackage

    with tempfile.TemporaryDirectory(prefix="stoke-site-packages-") as work:
        dirs = [str(d) for d in package_dirs]
        if not dirs:
            from stoke_opendata.api import build_packages

            packaged = build_packages((), work)
            if not packaged.valid:
                bad = [o.name for o in packaged.outcomes if not o.valid]
                raise InvalidDataError(f"refused: dataset(s) {', '.join(bad)} fail validation; run "
                                       "`stoke-opendata validate`", where="datasets/")
            dirs = [str(b.directory) for b in packaged.built]
        names = [read_datapackage(d, self_contained=True).name for d in dirs]
        portal_url, datasets = portal_datasets(portal, names)
        result = build_site([Path(d) for d in dirs], Path(out), portal_url=portal_url, portal_datasets=datasets,
                            disagreements=paths.home() / "docs" / "disagreements.md", as_of=date.today(),
                            site_url=os.environ.get("STOKE_OPENDATA_SITE_URL", "").strip())
    return SiteBuilt(result=result, portal=portal_url)


def release_datasets(names=(), *, out_dir="out", site_dir=None, portal: str | None = None, prune: bool = True,
                     publish: bool = True, progress: bool = False, log=None) -> Released:
    """Package `names` (bundled datasets or package names; none: every package publish/*.yaml declares) into
    `out_dir`, publish them to the portal (token from the environment or config file only; `prune` drops files
    an older build published), then build the site into `site_dir` (None: no site). Invalid data stops the
    release before anything is sent (`.valid` is False). Portal errors raise as publish_packages raises them."""
    from stoke_opendata.api import build_packages, publish_packages

    started = time.perf_counter()
    packaged = build_packages(names, out_dir)
    released = Released(packaged=packaged, datasets=[b.name for b in packaged.built])
    if not packaged.valid:
        released.seconds = time.perf_counter() - started
        return released
    dirs = [str(b.directory) for b in packaged.built]
    if publish:
        released.published = publish_packages(dirs, portal=portal, prune=prune, progress=progress, log=log)
    if site_dir is not None:
        site_from = dirs
        if names:  # a site of some datasets only would drop the others' pages: build it from every package
            site_from = [str(b.directory) for b in build_packages((), out_dir).built]
        released.site = build_residents_site(site_from, site_dir,
                                             portal=released.published.portal if released.published else portal)
    released.seconds = time.perf_counter() - started
    return released
