"""The desired state on the portal: the CKAN dataset and resource fields stoke-opendata owns, and which of
them differ from the portal's copy. Pure.
"""

from __future__ import annotations

import json
from typing import Iterable, Optional

from stoke_opendata.portal.dcat import AVAILABILITY, file_type_iri, frequency_iri, licence_iri, media_type_iri
from stoke_opendata.portal.local_package import CREATED_BY, LocalFile, LocalPackage

LICENCE_ALIASES = {
    "OGL-UK-3.0": ("uk-ogl", "OGL-UK-3.0", "ogl-uk-3.0", "OGL-3.0"),
    "CC-BY-4.0": ("cc-by", "CC-BY-4.0", "cc-by-4.0"),
    "CC0-1.0": ("cc-zero", "CC0-1.0", "cc0-1.0"),
    "ODC-BY-1.0": ("odc-by", "ODC-BY-1.0"),
    "ODbL-1.0": ("odc-odbl", "ODbL-1.0"),
    "PDDL-1.0": ("odc-pddl", "PDDL-1.0"),
}


RESOURCE_KEYS = ("name", "description", "format", "mimetype", "sha256", "hash", "hash_algorithm", "package_path",
                 "created_by", "schema", "license", "access_url", "availability", "conforms_to")
# the SPDX term ckanext-dcat and DCAT-AP use for a SHA-256 checksum
HASH_ALGORITHM = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"


DATASET_KEYS = ("title", "notes", "version", "license_id", "maintainer", "maintainer_email", "private", "url")


def resolve_licence(licence: str, portal_ids: Optional[Iterable[str]]) -> str:
    """The portal's own id for a licence (OGL-UK-3.0 -> uk-ogl on a stock CKAN)."""
    candidates = LICENCE_ALIASES.get(licence, (licence,))
    if portal_ids is None:
        return candidates[0]
    ids = list(portal_ids)
    lower = {i.lower(): i for i in ids}
    for candidate in candidates:
        if candidate in ids:
            return candidate
        if candidate.lower() in lower:
            return lower[candidate.lower()]
    return licence


def licence_matches(licence: str, remote_id: Optional[str]) -> bool:
    return bool(remote_id) and remote_id.lower() in {c.lower() for c in LICENCE_ALIASES.get(licence, (licence,))}


def _tag(keyword: str) -> str:
    allowed = "".join(c if (c.isalnum() or c in " -_.") else " " for c in keyword)
    return " ".join(allowed.split())[:100]


def dataset_fields(package: LocalPackage, licence_id: str, remote: Optional[dict] = None) -> dict:
    """The dataset-level fields stoke-opendata sets (keeps other publishers' extras on the portal)."""
    extras = {}
    if remote:
        extras.update({e["key"]: e["value"] for e in remote.get("extras") or []})
    extras.update(dcat_extras(package))
    return {
        "name": package.name,
        "title": package.title,
        "notes": package.notes,
        "version": package.version,
        "license_id": licence_id,
        "maintainer": package.maintainer,
        "maintainer_email": package.maintainer_email,
        "private": False,
        "url": site_page_url(package.name),
        "owner_org": package.organisation["name"],
        "tags": [{"name": t} for t in sorted({_tag(k) for k in package.keywords if _tag(k)})],
        "groups": [{"name": g} for g in sorted(set(package.groups))],
        "extras": [{"key": k, "value": v} for k, v in sorted(extras.items())],
    }


def dcat_extras(package: LocalPackage) -> dict[str, str]:
    """The package's extras as the portal gets them: the update frequency as the EU frequency authority's IRI
    (ckanext-dcat's `frequency`), left out when the value has none (dcat.authority_warnings says so)."""
    extras = dict(package.extras)
    if "frequency" in extras:
        iri = frequency_iri(extras.pop("frequency"))
        if iri:
            extras["frequency"] = iri
    return extras


def site_page_url(name: str) -> str:
    """The dataset's page on the residents' progress site, set as the CKAN dataset's `url` so the portal
    links to it ('' when STOKE_OPENDATA_SITE_URL, the site's base address, is not set)."""
    from stoke_opendata.site.links import site_page_url as page_url

    return page_url(name)


def resource_fields(local: LocalFile, package: Optional[LocalPackage] = None, portal: str = "") -> dict:
    """The resource fields stoke-opendata owns. Besides its own (`sha256`, `package_path`, `created_by`), the
    standard ones CKAN tools read: `hash` with `hash_algorithm` (harvesters, ckanext-dcat's spdx:checksum),
    `mimetype`, and for a table its Table Schema in `schema` (ckanext-validation validates against it,
    ckanapi's datapackage dump exports it). CKAN itself sets `size` and `last_modified` on upload.
    For DCAT-AP (ckanext-dcat reads these resource fields): `format` and `mimetype` as the EU file-type and
    IANA IRIs, `license` as the licence's IRI (typed dct:LicenseDocument), `access_url` the dataset's page on
    the portal, `availability` the EU planned-availability IRI, and for a table `conforms_to` the address of its
    Table Schema (a JSON list, as ckanext-dcat stores dct:conformsTo); a value with no IRI is left out."""
    fields = {
        "name": local.name,
        "description": local.description,
        # a format with no EU IRI falls back to the IANA media type, which ckanext-dcat then writes as
        # dcat:mediaType alone (no dct:format); with neither, nothing (dcat.authority_warnings says so)
        "format": file_type_iri(local.format) or media_type_iri(local.mediatype) or "",
        "mimetype": media_type_iri(local.mediatype) or "",
        "sha256": local.sha256,
        "hash": local.sha256,
        "hash_algorithm": HASH_ALGORITHM,
        "package_path": local.path,
        "created_by": CREATED_BY,
        "schema": "",
        "license": (licence_iri(package.descriptor) if package else None) or "",
        "access_url": f"{portal.rstrip('/')}/dataset/{package.name}" if package and portal else "",
        "availability": AVAILABILITY,
        "conforms_to": "",
    }
    if local.tabular:
        fields["schema"] = json.dumps(local.schema, ensure_ascii=False, separators=(",", ":"))
        if package and portal:
            fields["conforms_to"] = json.dumps([table_schema_url(portal, package.name, local.path)])
    return fields


def table_schema_url(portal: str, dataset: str, path: str) -> str:
    """Where the portal serves a table's Table Schema (ckanext-stoke's route, from the resource's `schema`):
    the distribution's dct:conformsTo, which ckanext-dcat writes and its harvester keeps (`schema` it drops)."""
    return f"{portal.rstrip('/')}/dataset/{dataset}/table-schema/{table_schema_name(path)}.json"


def table_schema_name(path: str) -> str:
    """A table's name in its schema's address: its file's name without the extension (`data/targets.csv` ->
    `targets`), which stays when a title is reworded. ckanext-stoke's route finds the table by it."""
    return path.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def dataset_changes(package: LocalPackage, remote: dict) -> list[str]:
    """Names of the dataset-level fields whose portal value differs from the package's."""
    want = dataset_fields(package, remote.get("license_id") or "", remote)
    changes = []
    for key in DATASET_KEYS:
        if key == "license_id":
            if not licence_matches(package.licence, remote.get("license_id")):
                changes.append(key)
            continue
        if (remote.get(key) or "") != (want[key] or "") and not (key == "private" and remote.get(key) is False):
            changes.append(key)
    org = (remote.get("organization") or {}).get("name")
    if org != package.organisation["name"]:
        changes.append("organization")
    if sorted(t["name"] for t in remote.get("tags") or []) != [t["name"] for t in want["tags"]]:
        changes.append("tags")
    if sorted(g["name"] for g in remote.get("groups") or []) != [g["name"] for g in want["groups"]]:
        changes.append("groups")
    remote_extras = {e["key"]: e["value"] for e in remote.get("extras") or []}
    if any(remote_extras.get(k) != v for k, v in dcat_extras(package).items()):
        changes.append("extras")
    return changes

