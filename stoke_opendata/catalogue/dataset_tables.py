"""A source dataset's tables, read as text: observations, targets and the catalogue its descriptor points at.

Packaging and the progress report both need a bundled dataset's rows and schemas, resolved the way its
datapackage.json says (`../../schemas/indicators.csv`, `../../schemas/observations.schema.json`), through the
package model (package_model), whose guard allows those shared schemas and nothing else outside the folder.
Reading is standard library only (csv, json): the values are copied, not reinterpreted, so nothing is lost
between the source and the package.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from stoke_opendata.catalogue import paths
from stoke_opendata.catalogue.package_model import DESCRIPTOR, load_json, read_datapackage
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
        return self.directory / DESCRIPTOR

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
    if candidate.name == DESCRIPTOR and candidate.is_file():
        return candidate.parent.resolve()
    if (candidate / DESCRIPTOR).is_file() and ("/" in name or candidate.is_absolute()):
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


def read_dataset(name: str) -> SourceDataset:
    """Read a dataset through the package model and the CSV tables it names: paths resolved against its
    folder, or the home's shared schemas/, by the model's guard (nothing else on the machine is opened)."""
    directory = dataset_dir(name)
    package = read_datapackage(directory)
    tables: dict[str, Table] = {}
    for resource in package.resources:
        table = resource.raw.get("name")
        if table not in TABLE_NAMES:
            continue
        if not isinstance(resource.path, str):
            raise InputError("path must be one relative file path", where=resource.where)
        schema = resource.schema()
        if schema is None:
            schema = load_json(paths.schema_path(table), str(paths.schema_path(table)), "the Table Schema")
        if not isinstance(schema, dict):
            raise InputError("schema must be a path or an object", where=resource.where)
        path = resource.file()
        header, rows = read_csv(path)
        tables[table] = Table(table, path, schema, header, rows)
    for required in ("indicators", "areas"):
        if required not in tables:
            raise InputError(f"has no {required!r} resource", where=package.shown)
    return SourceDataset(directory.name, directory, package.descriptor, tables)
