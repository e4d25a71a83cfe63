"""The finishing touches of a publication, made once every file is on the portal: what needs the portal's
own resource URLs, which exist only after the files are uploaded.

* The `datapackage.json` resource on the portal names each resource by its portal URL, so standard clients
  read the package where it is published: `frictionless validate <its URL>` and frictionless's CKAN adapter
  (`Package("<portal>/dataset/<name>")`) would otherwise resolve `data/observations.csv` against the
  descriptor's own download URL and get 404s. The built package keeps relative paths: it is the offline,
  self-contained copy; `download` turns the portal's descriptor back into it, byte for byte.
* Each resource's `download_url` (DCAT's downloadURL) is its upload URL.
* The dataset's `schema` extra points at the descriptor resource.

Pure: computed from the local package and the portal's dataset, so planning can tell without a request
whether a republish would change anything (a no-op republish uploads nothing).
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from typing import Optional

from stoke_opendata.portal.local_package import CREATED_BY, DESCRIPTOR, LocalPackage


ARCHIVE_SUFFIXES = (".zip", ".gz", ".bz2", ".xz")


def descriptor_text(descriptor: dict) -> bytes:
    """A descriptor serialised exactly as `stoke-opendata package` writes datapackage.json."""
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def portal_descriptor(descriptor: dict, url_of: dict[str, str]) -> Optional[bytes]:
    """The descriptor with each resource path replaced by its portal URL (None while a file has none)."""
    published = copy.deepcopy(descriptor)
    for resource in published.get("resources") or []:
        url = url_of.get(resource.get("path"))
        if not url:
            return None
        resource["path"] = url
        if str(resource.get("path", "")).lower().endswith(ARCHIVE_SUFFIXES):
            # frictionless 5 unpacks a remote archive and then counts no bytes ("actual is None"), failing
            # byte-count and hash checks on a good file: the archive's size and sha256 stay on the CKAN
            # resource (`size`, `hash`), where harvesters read them
            resource.pop("bytes", None)
            resource.pop("hash", None)
    return descriptor_text(published)


def offline_descriptor(descriptor: dict, path_of_url: dict[str, str], records: dict[str, dict]) -> dict:
    """The reverse of portal_descriptor: portal URLs back to the package's relative paths, and an archive's
    bytes and hash back from the portal's record of it (`records`: package path -> CKAN resource)."""
    local = copy.deepcopy(descriptor)
    for resource in local.get("resources") or []:
        path = resource.get("path")
        if isinstance(path, str) and path in path_of_url:
            archive = path.lower().endswith(ARCHIVE_SUFFIXES) and "bytes" not in resource
            resource["path"] = path_of_url[path]
            record = records.get(resource["path"]) or {}
            if archive and record.get("size") not in (None, "") and record.get("sha256"):
                resource["bytes"] = int(record["size"])  # last, as the package writes them
                resource["hash"] = f"sha256:{record['sha256']}"
    return local


@dataclass
class Finishing:
    """What the last step of a publication must still change (empty when the portal is finished)."""

    descriptor_id: Optional[str] = None
    descriptor: Optional[bytes] = None  # the portal descriptor to upload, when the portal's copy differs
    resource_updates: dict[str, dict] = field(default_factory=dict)  # resource id -> fields to set
    schema_link: Optional[str] = None  # new value of the dataset's `schema` extra

    def __bool__(self) -> bool:
        return bool(self.descriptor is not None or self.resource_updates or self.schema_link)

    def reasons(self) -> list[str]:
        out = []
        if self.descriptor is not None:
            out.append("datapackage.json: portal URLs")
        if any("download_url" in u for u in self.resource_updates.values()):
            out.append("download URLs")
        if self.schema_link:
            out.append("extras: schema link")
        return out


def finishing(package: LocalPackage, remote: dict) -> Finishing:
    """Compare the portal's dataset with what it must hold once every file is uploaded."""
    ours: dict[str, dict] = {}
    for res in remote.get("resources") or []:
        if res.get("created_by") == CREATED_BY and res.get("package_path"):
            ours.setdefault(res["package_path"], res)
    result = Finishing()
    for res in ours.values():
        if res.get("url") and res.get("download_url") != res["url"]:
            result.resource_updates.setdefault(res["id"], {})["download_url"] = res["url"]
    desc = ours.get(DESCRIPTOR)
    if desc is None:
        return result
    result.descriptor_id = desc["id"]
    content = portal_descriptor(package.descriptor, {path: res.get("url") for path, res in ours.items()})
    if content is not None:
        digest = hashlib.sha256(content).hexdigest()
        if desc.get("sha256") != digest or desc.get("hash") != digest or desc.get("url_type") != "upload":
            result.descriptor = content
            result.resource_updates.setdefault(desc["id"], {}).update({"sha256": digest, "hash": digest})
    extras = {e["key"]: e["value"] for e in remote.get("extras") or []}
    if desc.get("url") and extras.get("schema") != desc["url"]:
        result.schema_link = desc["url"]
    return result
