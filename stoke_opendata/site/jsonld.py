"""schema.org markup for dataset search engines, as JSON-LD in each page's <head>: a `Dataset` per indicator
page with what Google's dataset search requires and recommends (name, a 50 to 5,000 character description,
licence, creator, temporal and spatial coverage, variableMeasured, dateModified, a DataDownload per CSV and
the catalogue it is part of), and a `DataCatalog` on the home page. Pure."""

from __future__ import annotations

import json
from types import SimpleNamespace
from urllib.parse import quote

from stoke_opendata.package.extents import area_extent
from stoke_opendata.package.metadata import GSS_URI, observed_span
from stoke_opendata.site import words

CONTEXT = "https://schema.org/"
CSV_TABLES = ("data/observations.csv", "data/progress.csv", "data/targets.csv")
COUNCIL = {"@type": "GovernmentOrganization", "name": "Stoke-on-Trent City Council",
           "url": "https://www.stoke.gov.uk/"}


def script(document: dict) -> str:
    """The JSON text for a <script type="application/ld+json"> (no `</` can close the element early)."""
    return json.dumps(document, ensure_ascii=False, indent=1).replace("</", "<\\/")


def _licence(package) -> str:
    licences = package.descriptor.get("licenses") or [{}]
    return str(licences[0].get("path") or "")


def _place(code: str, name: str) -> dict:
    place = {"@type": "Place", "name": name, "identifier": f"{GSS_URI}{code}"}
    extent = area_extent(code)
    if extent:  # the box measured from the ONS boundaries (south west north east), never guessed
        ring = json.loads(extent["spatial_bbox"])["coordinates"][0]
        (west, south), (east, north) = ring[0], ring[2]
        place["geo"] = {"@type": "GeoShape", "box": f"{south} {west} {north} {east}"}
    return place


def _catalogue(site_base: str, portal_url: str | None) -> dict:
    return {"@type": "DataCatalog", "name": "Stoke-on-Trent City Council open data",
            "url": (portal_url or site_base or "").rstrip("/") or None}


def indicator_dataset(context: dict, site_base: str, page_url: str, portal_url: str | None) -> dict:
    """The `Dataset` of one indicator page."""
    ind = context["ind"]
    record = context["facts"]["record"]
    packages = [v.package for v in record.views]
    # an indicator with no figures yet: the definitions package, which holds its row, is what can be had
    defined = [] if packages else [p for p in context.get("packages") or [] if "indicators" in p.tables]
    said = words.clean(ind.description)
    description = (f"{ind.title} for Stoke-on-Trent ({words.clean(ind.unit)}), as Stoke-on-Trent City Council "
                   f"publishes it to show where the city starts from and whether it is making progress"
                   + (f": {said}" if said else "") + ". The figures, the targets and the progress judged "
                   f"against them, with the sources they come from, as open data (CSV).")[:5000]
    rows = [r for v in record.views for r in v.observations]
    start, end = observed_span(rows, SimpleNamespace(indicators={ind.id: ind}))
    downloads = []
    for view in context["views"]:
        portal = {link.href.rsplit("/", 1)[-1]: link.href for link in view["portal"]}
        for rel in CSV_TABLES:
            if rel not in {link.href.split(f"/{quote(view['package'].name)}/", 1)[-1] for link in view["local"]}:
                continue
            url = portal.get(rel.rsplit("/", 1)[-1]) or (
                f"{site_base.rstrip('/')}/downloads/{quote(view['package'].name)}/{rel}" if site_base else "")
            if url:
                downloads.append({"@type": "DataDownload", "encodingFormat": "text/csv", "contentUrl": url,
                                  "name": f"{view['package'].name}: {rel.rsplit('/', 1)[-1]}"})
    for package in defined:
        if site_base:
            downloads.append({"@type": "DataDownload", "encodingFormat": "text/csv",
                              "contentUrl": f"{site_base.rstrip('/')}/downloads/{quote(package.name)}/data/indicators.csv",
                              "name": f"{package.name}: indicators.csv"})
    packages = packages or defined
    document = {
        "@context": CONTEXT, "@type": "Dataset", "name": ind.title, "description": description,
        "identifier": ind.id, "url": page_url or None, "license": _licence(packages[0]) if packages else None,
        "creator": COUNCIL, "publisher": COUNCIL, "isAccessibleForFree": True,
        "keywords": [k for k in ("Stoke-on-Trent", context.get("priority"), context.get("mission")) if k],
        "temporalCoverage": f"{start}/{end}" if start else None,
        "spatialCoverage": _place("E06000021", "Stoke-on-Trent"),
        "variableMeasured": {"@type": "PropertyValue", "name": ind.title, "unitText": words.clean(ind.unit),
                             **({"description": said} if said else {})},
        "dateModified": max((str(p.descriptor.get("created") or "")[:10] for p in packages), default="") or None,
        "distribution": downloads,
        "isPartOf": _catalogue(site_base, portal_url),
    }
    return {k: v for k, v in document.items() if v not in (None, "", [])}


def home_catalogue(packages: list, site_base: str, portal_url: str | None, description: str) -> dict:
    """The `DataCatalog` of the home page: the council's published datasets."""
    base = site_base.rstrip("/")
    catalogue = {**_catalogue(site_base, portal_url), "@context": CONTEXT, "description": description,
                 "publisher": COUNCIL,
                 "dataset": [{"@type": "Dataset", "name": p.descriptor.get("title") or p.name,
                              "url": f"{base}/datasets/{quote(p.name)}.html" if base else None,
                              "license": _licence(p) or None} for p in packages]}
    catalogue["dataset"] = [{k: v for k, v in d.items() if v} for d in catalogue["dataset"]]
    return {k: v for k, v in catalogue.items() if v}
