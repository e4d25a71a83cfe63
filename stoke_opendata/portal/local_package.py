"""A built package folder as the portal will see it: its files (CKAN resources) hashed, its descriptor read,
and where it goes (organisation, groups, licence) from its `ckan` block or its publish/ manifest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from stoke_opendata.errors import InputError, InvalidDataError
from stoke_opendata.hashing import sha256_file

CREATED_BY = "stoke-opendata"


DESCRIPTOR = "datapackage.json"


@dataclass
class LocalFile:
    """One file of a package as it will appear on the portal (a CKAN resource)."""

    path: str  # relative to the package folder, '/'-separated; the resource's identity
    file: Path
    name: str
    description: str
    format: str
    mediatype: str
    bytes: int
    sha256: str
    schema: Optional[dict] = None  # Table Schema for tabular data (loaded into the DataStore)
    encoding: str = "utf-8"

    @property
    def tabular(self) -> bool:
        return bool(self.schema) and self.format.lower() == "csv"


@dataclass
class LocalPackage:
    """A built data package folder and the CKAN dataset it becomes."""

    directory: Path
    descriptor: dict
    name: str
    title: str
    notes: str
    version: str
    licence: str
    keywords: list[str]
    organisation: dict  # {"name", "title"}
    groups: list[str]
    maintainer: str
    maintainer_email: str
    extras: dict[str, str]
    files: list[LocalFile]

    @property
    def total_bytes(self) -> int:
        return sum(f.bytes for f in self.files)




def _inside(directory: Path, rel: str, where: str) -> Path:
    if not isinstance(rel, str) or not rel or rel.startswith("/") or "\\" in rel or ".." in rel.split("/"):
        raise InvalidDataError(f"resource path {rel!r} must be a relative path inside the package", where=where)
    path = (directory / rel).resolve()
    if directory.resolve() not in path.parents:
        raise InvalidDataError(f"resource path {rel!r} leaves the package folder", where=where)
    return path


def _publish_info(descriptor: dict, where: str) -> dict:
    """Where the dataset goes: the descriptor's `ckan` block (written by `stoke-opendata package`), else
    the publish/ manifest of the same name."""
    block = descriptor.get("ckan")
    if isinstance(block, dict) and block.get("organization"):
        return block
    from stoke_opendata.package.manifests import load_manifests

    try:
        manifests = {m.name: m for m in load_manifests()}
    except InputError:
        manifests = {}
    manifest = manifests.get(descriptor.get("name"))
    if manifest is None:
        raise InvalidDataError(
            "has no `ckan` block and no manifest in publish/ has its name; rebuild it with `stoke-opendata package`",
            where=where,
        )
    return {
        "organization": {"name": manifest.organisation.name, "title": manifest.organisation.title},
        "groups": list(manifest.groups),
        "maintainer": manifest.maintainer,
        "maintainer_email": manifest.maintainer_email,
        "license_id": manifest.licence,
        "extras": {"frequency": manifest.update_frequency, "spatial_coverage": manifest.spatial_coverage,
                   **manifest.extras},
    }


def read_package(directory: Path | str) -> LocalPackage:
    """Read a package folder (or its datapackage.json) and hash its files; raises on a malformed package."""
    directory = Path(directory)
    if directory.name == DESCRIPTOR:
        directory = directory.parent
    descriptor_path = directory / DESCRIPTOR
    where = str(descriptor_path)
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("no datapackage.json here; pass a folder built by `stoke-opendata package`",
                         where=str(directory)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidDataError(f"not a readable JSON descriptor ({exc})", where=where) from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise InvalidDataError("a data package descriptor needs a list of resources", where=where)
    name = descriptor.get("name")
    if not isinstance(name, str) or not name:
        raise InvalidDataError("the package has no name", where=f"{where}: name")
    info = _publish_info(descriptor, where)
    licences = descriptor.get("licenses") or []
    licence = info.get("license_id") or (licences[0].get("name") if licences else "") or "notspecified"

    files: list[LocalFile] = []
    for i, res in enumerate(descriptor["resources"]):
        rwhere = f"{where}: resources[{i}]"
        if not isinstance(res, dict):
            raise InvalidDataError("a resource must be an object", where=rwhere)
        rel = res.get("path")
        path = _inside(directory, rel, rwhere)
        if not path.is_file():
            raise InvalidDataError(f"the file {rel} is missing", where=rwhere)
        fmt = str(res.get("format") or Path(rel).suffix.lstrip(".")).lower()
        files.append(LocalFile(
            path=rel, file=path, name=str(res.get("title") or res.get("name") or rel),
            description=str(res.get("description") or ""), format=fmt.upper(),
            mediatype=str(res.get("mediatype") or "application/octet-stream"),
            bytes=path.stat().st_size, sha256=sha256_file(path),
            schema=res.get("schema") if isinstance(res.get("schema"), dict) else None,
            encoding=str(res.get("encoding") or "utf-8"),
        ))
    extra_files = [(DESCRIPTOR, "Data package descriptor (Frictionless): the files, their sha256 and their "
                                "Table Schemas", "JSON", "application/json")]
    if (directory / "README.md").is_file():
        extra_files.append(("README.md", "What the package holds and how it was made", "Markdown", "text/markdown"))
    for rel, description, fmt, mediatype in extra_files:
        path = directory / rel
        files.append(LocalFile(path=rel, file=path, name=rel, description=description, format=fmt,
                               mediatype=mediatype, bytes=path.stat().st_size, sha256=sha256_file(path)))
    paths = [f.path for f in files]
    dupes = sorted({p for p in paths if paths.count(p) > 1})
    if dupes:
        raise InvalidDataError(f"two resources share the path {dupes[0]}", where=where)

    org = info.get("organization") or {}
    extras = {str(k): str(v) for k, v in (info.get("extras") or {}).items() if v not in (None, "")}
    return LocalPackage(
        directory=directory, descriptor=descriptor, name=str(info.get("name") or name),
        title=str(descriptor.get("title") or name), notes=str(descriptor.get("description") or ""),
        version=str(descriptor.get("version") or ""), licence=str(licence),
        keywords=[str(k) for k in descriptor.get("keywords") or []],
        organisation={"name": str(org.get("name")), "title": str(org.get("title") or org.get("name"))},
        groups=[str(g) for g in info.get("groups") or []],
        maintainer=str(info.get("maintainer") or ""), maintainer_email=str(info.get("maintainer_email") or ""),
        extras=extras, files=files,
    )

