"""Where a resident downloads the data: the portal's resources and DataStore queries, and the site's copy.

The portal's answers (package_show per dataset) are fetched by the caller through the portal client
(the only module that speaks HTTP) and passed in; this module only turns them into links. Every
package is also copied into the site (downloads/<package>/), so the site stays useful where no
portal is given or a dataset is not yet published there. Pure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode, urlsplit

DOWNLOADS = "downloads"
COPIED = ("datapackage.json", "README.md", "charts.zip")  # besides every data/*.csv


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    note: str = ""


@dataclass
class PackageLinks:
    """The links of one package: on the portal (when published there) and in the site's copy."""

    name: str
    dataset_page: str | None = None
    resources: dict[str, Link] = field(default_factory=dict)  # package path -> portal resource
    resource_ids: dict[str, str] = field(default_factory=dict)
    datastore: set[str] = field(default_factory=set)  # package paths loaded in the DataStore
    api: str | None = None
    refused: list[str] = field(default_factory=list)  # resources whose URL is not http(s): never linked

    def datastore_query(self, path: str, indicator_id: str) -> Link | None:
        """The DataStore API query for one indicator's rows of one table, or None when not loaded."""
        rid = self.resource_ids.get(path)
        if not self.api or rid is None or path not in self.datastore:
            return None
        query = urlencode({"resource_id": rid, "filters": json.dumps({"indicator_id": indicator_id})}, quote_via=quote)
        return Link(f"DataStore API: {path.rsplit('/', 1)[-1].removesuffix('.csv')} rows for this indicator",
                    f"{self.api}/action/datastore_search?{query}", "JSON, for programs")


def from_portal(portal_url: str | None, name: str, dataset: dict | None) -> PackageLinks:
    """Links from the portal's package_show answer (None: the dataset is not on the portal)."""
    links = PackageLinks(name)
    if not portal_url or not dataset:
        return links
    base = portal_url.rstrip("/")
    links.dataset_page = f"{base}/dataset/{quote(str(dataset.get('name') or name))}"
    links.api = f"{base}/api/3"
    for resource in dataset.get("resources") or []:
        path = resource.get("package_path") or resource.get("name")
        url = resource.get("url")
        if not path or not url:
            continue
        scheme = urlsplit(str(url).strip()).scheme.lower()
        if scheme not in ("http", "https"):  # javascript:, data:, file: ... from the portal never become links
            links.refused.append(f"{name}: resource {resource.get('name') or path!r} (id {resource.get('id')}) has a "
                                 f"{scheme or 'relative'}: URL, not http(s); it is not linked")
            continue
        links.resources[path] = Link(str(resource.get("name") or path), str(url), str(resource.get("format") or ""))
        links.resource_ids[path] = str(resource.get("id"))
        if resource.get("datastore_active"):
            links.datastore.add(path)
    return links


def local(name: str, files: list[str], root: str) -> list[Link]:
    """Links to the site's own copy of a package, relative to a page `root` ('' or '../')."""
    out = []
    for rel in files:
        base = rel.rsplit("/", 1)[-1]
        label = {"datapackage.json": "Data package descriptor (datapackage.json)", "README.md": "README",
                 "charts.zip": "All charts of this dataset (PNG images, zip)"}.get(rel, base)
        if base.endswith(".xlsx"):
            label = f"{base} (for Excel: £ and – shown as written)"
        elif base.endswith(".parquet"):
            label = f"{base} (typed, for pandas, polars, DuckDB)"
        elif rel.endswith(".csv-metadata.json"):  # W3C CSVW metadata (package/csvw_metadata.py)
            label = f"{rel.rsplit('/', 1)[-1].removesuffix('-metadata.json')}: CSV on the Web metadata (CSVW)"
        out.append(Link(label, f"{root}{DOWNLOADS}/{quote(name)}/{quote(rel)}"))
    return out


ARCHIVES = (".zip", ".gz", ".bz2", ".xz")


def served_descriptor(path) -> bytes:
    """A package's datapackage.json as the site serves it: frictionless 5 unpacks a remote archive
    (charts.zip) and then counts no bytes ("byte-count: expected is 886830 and actual is None"), so an
    archive resource keeps its size and sha256 as `archive_bytes` and `archive_hash` instead of `bytes`
    and `hash` (the rule the portal's descriptor follows, portal/finishing.py). Tables keep both."""
    from stoke_opendata.catalogue.package_model import read_datapackage

    descriptor = read_datapackage(path, self_contained=True).descriptor
    for resource in descriptor.get("resources") or []:
        if str(resource.get("path", "")).lower().endswith(ARCHIVES):
            for key in ("bytes", "hash"):
                if key in resource:
                    resource[f"archive_{key}"] = resource.pop(key)
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


SITE_URL_ENV = "STOKE_OPENDATA_SITE_URL"


def site_page_url(name: str) -> str:
    """A dataset's page on the site published at $STOKE_OPENDATA_SITE_URL ('' when it is not set), for
    the portal to link back to the site."""
    import os

    from stoke_opendata.errors import UsageError

    base = os.environ.get(SITE_URL_ENV, "").strip()
    if not base:
        return ""
    if not base.startswith(("http://", "https://", "file://")):
        raise UsageError(f"{SITE_URL_ENV} must start with http://, https:// or file://, not {base!r}")
    return f"{base.rstrip('/')}/datasets/{quote(name)}.html"
