"""A source dataset's tables, read as text: observations, targets and the catalogue its descriptor points at.

Packaging and the progress report both need a bundled dataset's rows and schemas, resolved the way its
datapackage.json says (`../../schemas/indicators.csv`, `../../schemas/observations.schema.json`).
Reading is standard library only (csv, json): the values are copied, not reinterpreted, so nothing is
lost between the source and the package.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from stoke_opendata.catalogue import paths
from stoke_opendata.catalogue.datasets import read_json_object
from stoke_opendata.errors import InputError

TABLE_NAMES = ("observations", "targets", "revisions", "indicators", "areas")


@dataclass
class Table:
    """One CSV resource of a dataset: where it is, its Table Schema (loaded) and its rows as text."""

    name: str
    path: Path
    schema: dict
    header: list[str] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)


@dataclass
class SourceDataset:
    name: str
    directory: Path
    descriptor: dict
    tables: dict[str, Table]

    @property
    def descriptor_path(self) -> Path:
        return self.directory / "datapackage.json"

    @property
    def catalogue_dir(self) -> Path:
        """The folder holding the catalogue this dataset refers to (indicators.csv and areas.csv)."""
        return self.tables["indicators"].path.parent


def bundled_dataset_names() -> list[str]:
    """Names of the bundled datasets (folders of datasets/ with a datapackage.json), sorted."""
    from stoke_opendata.catalogue.datasets import list_datasets

    return list_datasets()


def dataset_dir(name: str) -> Path:
    """The folder of a bundled dataset, or of a dataset given by its folder or datapackage.json path."""
    from stoke_opendata.catalogue.datasets import dataset_dir as bundled_dir

    candidate = Path(name)
    if candidate.name == "datapackage.json" and candidate.is_file():
        return candidate.parent.resolve()
    if (candidate / "datapackage.json").is_file() and ("/" in name or candidate.is_absolute()):
        return candidate.resolve()
    return bundled_dir(name).resolve()


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a UTF-8 CSV (a byte-order mark is tolerated)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            return list(reader.fieldnames or []), rows
    except FileNotFoundError:
        raise InputError("file not found", where=str(path)) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot be read as UTF-8 CSV ({exc})", where=str(path)) from None


def _inside(directory: Path, rel: str, where: str, *also: Path) -> Path:
    """`rel` resolved against the dataset's folder, refused when it leaves it (an absolute path, `..`, or a link
    pointing out): a descriptor names files of its own package, never others on the machine. (The validator's
    guard, safety.guards.resolve_resource_path, sits above this layer; issue 23 asks for one package reader.)"""
    path = (directory / rel).resolve()
    if not any(folder.resolve() in path.parents for folder in (directory, *also)):
        raise InputError(f"resource path {rel!r} leaves the dataset's folder", where=where)
    return path


def read_dataset(name: str) -> SourceDataset:
    """Read a dataset's descriptor and the CSV tables it names, resolving paths against its folder."""
    directory = dataset_dir(name)
    descriptor_path = directory / "datapackage.json"
    descriptor = read_json_object(descriptor_path)
    resources = descriptor.get("resources")
    if not isinstance(resources, list):
        raise InputError("has no resources list", where=str(descriptor_path))
    tables: dict[str, Table] = {}
    shared = paths.home() / "schemas"  # bundled datasets share the catalogue tables and Table Schemas there
    for index, resource in enumerate(resources):
        where = f"{descriptor_path}: resources[{index}]"
        if not isinstance(resource, dict) or resource.get("name") not in TABLE_NAMES:
            continue
        rel = resource.get("path")
        if not isinstance(rel, str):
            raise InputError("path must be one relative file path", where=where)
        schema = resource.get("schema")
        if isinstance(schema, str):
            schema = read_json_object(_inside(directory, schema, where, shared))
        elif schema is None:
            schema = read_json_object(paths.schema_path(resource["name"]))
        if not isinstance(schema, dict):
            raise InputError("schema must be a path or an object", where=where)
        path = _inside(directory, rel, where, shared)
        header, rows = read_csv(path)
        tables[resource["name"]] = Table(resource["name"], path, schema, header, rows)
    for required in ("indicators", "areas"):
        if required not in tables:
            raise InputError(f"has no {required!r} resource", where=str(descriptor_path))
    return SourceDataset(directory.name, directory, descriptor, tables)
