"""A package's descriptor metadata: titles and descriptions of its resources, its sources by council
document, its temporal coverage, and the datapackage.json fields a portal reads.
"""

from __future__ import annotations

import json

from stoke_opendata.catalogue.documents import citations, document_details
from stoke_opendata.catalogue.periods import parse
from stoke_opendata.package.extents import area_extent
from stoke_opendata.package.files import _iso

RESOURCE_DESCRIPTIONS = {
    "observations": "Indicator values, one row per indicator, area and period (long format). "
    "Comparators such as England are rows with their own area codes.",
    "targets": "Baselines and targets per indicator, as the council's documents state them.",
    "progress": "Derived: for each target, the baseline, the latest value, the change so far, the change "
    "still needed, the status (achieved, on_track, off_track, no_new_data, not_assessable) by the "
    "straight-line method described in the README and the schema, and the latest gap to the comparator.",
    "revisions": "History of the observations: every value a later release superseded, with the old and new "
    "value and status, when, who, why and the submission's file name and sha256 (empty until the first revision).",
    "indicators": "The definitions of the indicators this package uses (from the council's published catalogue).",
    "areas": "The geographies this package uses, by ONS GSS code.",
}


RESOURCE_TITLES = {
    "observations": "Observations",
    "targets": "Targets and baselines",
    "progress": "Progress towards targets",
    "revisions": "Revisions",
    "indicators": "Indicator definitions",
    "areas": "Areas",
}


PUBLISHER = "publisher"
GSS_URI = "http://statistics.data.gov.uk/id/statistical-geography/"
# the council's priorities -> the EU data-theme vocabulary DCAT-AP uses for dcat:theme
_EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
DATA_THEMES = {
    "healthier": _EU_THEME + "HEAL",
    "wealthier": _EU_THEME + "ECON",
    "safer": _EU_THEME + "JUST",
    "greener": _EU_THEME + "ENVI",
    "cleaner": _EU_THEME + "ENVI",
    "fairer": _EU_THEME + "SOCI",
}


def _sources(catalogue, indicator_ids: list[str]) -> list[dict]:
    """One source per council document the package's indicators come from, with the sections cited."""
    sections: dict[str, set[str]] = {}
    for indicator_id in indicator_ids:
        ind = catalogue.indicators.get(indicator_id)
        if ind is None:
            continue
        for title, section in citations(ind.document, ind.section):
            sections.setdefault(title, set())
            if section:
                sections[title].add(section)
    out = []
    for title in sorted(sections):
        entry = {"title": title}
        if sections[title]:
            entry["section"] = "; ".join(sorted(sections[title]))
        details = document_details(title)
        if details.get("url"):
            entry["path"] = details["url"]
        entry.update({k: details[k] for k in ("publisher", "year") if details.get(k)})
        out.append(entry)
    return out


def observed_span(rows: list[dict[str, str]], catalogue) -> tuple[str, str]:
    """(first day, last day) as ISO dates of the periods with observed data: rows marked `estimated` are left
    out, as they include forecasts ("by 2050") that no one has observed. ('', '') when there are none."""
    spans = []
    for row in rows:
        if (row.get("status") or "").strip() == "estimated":
            continue
        ind = catalogue.indicators.get(row.get("indicator_id"))
        frequency = ind.frequency if ind else None
        try:
            period = parse(row.get("period") or "", frequency)
        except (ValueError, TypeError):
            continue
        spans.append((period.start, period.end))
    if not spans:
        return "", ""
    return min(s for s, _ in spans).isoformat(), max(e for _, e in spans).isoformat()


def _temporal_coverage(rows: list[dict[str, str]], catalogue) -> str:
    """An ISO 8601 interval of the observed data (`2019-01-01/2024-12-31`)."""
    start, end = observed_span(rows, catalogue)
    return f"{start}/{end}" if start else ""


def _descriptor(manifest, datasets, catalogue, created, resources, observations_rows) -> dict:
    indicator_ids = sorted({r.get("indicator_id") for r in observations_rows if r.get("indicator_id")})
    for dataset in datasets:
        if "targets" in dataset.tables:
            indicator_ids = sorted(set(indicator_ids) | {r.get("indicator_id") for r in dataset.tables["targets"].rows})
    if manifest.catalogue == "full" and "indicators" in manifest.tables:
        indicator_ids = sorted(catalogue.indicators)
    area = catalogue.areas.get(manifest.spatial_coverage)
    extras = {
        "frequency": manifest.update_frequency,
        "spatial_coverage": manifest.spatial_coverage,
        "spatial_coverage_name": area.area_name if area else "",
        "temporal_coverage": _temporal_coverage(observations_rows, catalogue),
        "temporal_start": observed_span(observations_rows, catalogue)[0],
        "temporal_end": observed_span(observations_rows, catalogue)[1],
        # read by ckanext-dcat (DCAT-AP): spatial coverage as the ONS statistical-geography URI of the area,
        # themes from the EU data-theme vocabulary, the publisher and contact point by name
        "spatial_uri": f"{GSS_URI}{manifest.spatial_coverage}" if manifest.spatial_coverage else "",
        "spatial_text": area.area_name if area else "",
        **area_extent(manifest.spatial_coverage),
        "theme": json.dumps(sorted({DATA_THEMES[g] for g in manifest.groups if g in DATA_THEMES})),
        "publisher_name": manifest.organisation.title,
        # DCAT-AP's publisher type, from the ADMS publisher-type vocabulary: the council is a local authority
        "publisher_type": "http://purl.org/adms/publishertype/LocalAuthority",
        "contact_name": manifest.maintainer,
        "contact_email": manifest.maintainer_email,
        "themes": ",".join(manifest.groups),
        "source_datasets": ",".join(manifest.datasets),
        "indicator_count": str(len(indicator_ids)),
        "progress_method": "straight line from baseline to target, respecting higher_is_better (see README)",
        **manifest.extras,
    }
    return {
        "name": manifest.name,
        "title": manifest.title,
        "description": manifest.description,
        "version": manifest.version,
        "created": _iso(created),
        "licenses": [{"name": manifest.licence, "title": manifest.licence_title, "path": manifest.licence_url}],
        "sources": _sources(catalogue, indicator_ids),
        "contributors": [
            {"title": manifest.organisation.title, "role": PUBLISHER, "organization": manifest.organisation.title},
            {"title": manifest.maintainer, "email": manifest.maintainer_email, "role": "maintainer",
             "organization": manifest.organisation.title},
        ],
        "keywords": list(manifest.keywords),
        "resources": resources,
        # Read by `stoke-opendata publish`: where the dataset goes on the CKAN portal.
        "ckan": {
            "name": manifest.name,
            "organization": {"name": manifest.organisation.name, "title": manifest.organisation.title},
            "groups": list(manifest.groups),
            "maintainer": manifest.maintainer,
            "maintainer_email": manifest.maintainer_email,
            "license_id": manifest.licence,
            "extras": dict(sorted(extras.items())),
        },
    }

