"""A built package folder as the portal will see it: its files (CKAN resources) hashed, its descriptor read,
and where it goes (organisation, groups, licence) from its `ckan` block or its publish/ manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from stoke_opendata.catalogue.package_model import DESCRIPTOR, read_datapackage
from stoke_opendata.errors import InputError, InvalidDataError
from stoke_opendata.hashing import sha256_file

CREATED_BY = "stoke-opendata"


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
    """Read a package folder (or its datapackage.json) through the package model, self-contained (no path
    leaves the folder), and hash its files; raises on a malformed package."""
    package = read_datapackage(directory, self_contained=True)
    directory, descriptor, where = package.directory, package.descriptor, package.shown
    name = package.name
    if not name:
        raise InvalidDataError("the package has no name", where=f"{where}: name")
    info = _publish_info(descriptor, where)
    licences = descriptor.get("licenses") or []
    licence = info.get("license_id") or (licences[0].get("name") if licences else "") or "notspecified"

    files: list[LocalFile] = []
    for res in package.resources:
        rel = res.path
        path = res.file()  # the model's guard: a path outside the folder is refused
        if not path.is_file():
            raise InvalidDataError(f"the file {rel} is missing", where=res.where)
        raw = res.raw
        fmt = str(raw.get("format") or Path(rel).suffix.lstrip(".")).lower()
        files.append(LocalFile(
            path=rel, file=path, name=str(raw.get("title") or raw.get("name") or rel),
            description=str(raw.get("description") or ""), format=fmt.upper(),
            mediatype=str(raw.get("mediatype") or "application/octet-stream"),
            bytes=path.stat().st_size, sha256=sha256_file(path),
            schema=raw.get("schema") if isinstance(raw.get("schema"), dict) else None,
            encoding=str(raw.get("encoding") or "utf-8"),
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

