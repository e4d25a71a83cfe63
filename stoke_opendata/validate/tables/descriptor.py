"""The resources of a data package descriptor as validate sees them: which it checks (data file, Table Schema,
what the descriptor declares) and which it skips, and why. Read through the package model, whose guard keeps
every path inside the package (or the home's shared schemas/)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from stoke_opendata.catalogue.package_model import is_remote, read_datapackage
from stoke_opendata.errors import InputError
from stoke_opendata.validate.tables.sniff import DELIMITERS


@dataclass
class ResourceSpec:
    """One tabular resource of a data package that we validate: its name, data file, Table Schema (as written:
    tableschema.schema_errors says whether it is valid) and what the descriptor declares about the file."""

    name: str
    path: Path
    shown: str
    schema: object
    schema_ref: str | None = None
    declared: dict = field(default_factory=dict)  # hash, bytes, encoding, delimiter, as the descriptor gives them


@dataclass
class Skipped:
    """A resource we do not validate, and why (reported as a resource-skipped warning)."""

    name: str
    shown: str
    reason: str


@dataclass
class Resources:
    """A package's resources as validate sees them: those it checks and those it skips."""

    specs: list[ResourceSpec]
    skipped: list[Skipped]


TABLE_FORMATS = {"csv": "csv", "tsv": "csv", "txt": "csv", "xlsx": "xlsx", "xlsm": "xlsx"}
COMPRESSED = (".gz", ".zip", ".bz2", ".xz", ".zst")
# dialect properties whose default is all we read; any other value means the file is laid out otherwise
DIALECT_DEFAULTS = {"header": True, "headerRows": [1], "quoteChar": '"', "doubleQuote": True, "skipInitialSpace": False, "skipBlankRows": False}
DIALECT_HARMLESS = {"delimiter", "lineTerminator", "caseSensitiveHeader", "csvddfVersion", "$schema", "escapeChar", "nullSequence"}


def is_descriptor(path: str | Path) -> bool:
    """A .json/.yaml file is taken as a data package descriptor (read_descriptor says so if it is not one)."""
    return Path(path).suffix.lower() in (".json", ".yaml", ".yml")


def read_descriptor(path: str | Path) -> list[ResourceSpec]:
    """The resources of a data package we validate (read_resources also says which are skipped and why)."""
    return read_resources(path).specs


def read_resources(path: str | Path) -> Resources:
    """The resources of a data package descriptor (read through the package model, catalogue/package_model):
    those we validate, schemas resolved (inline or by relative path), and those we skip with the reason.
    Paths the model's guard refuses, `file:` URLs and unreadable descriptors raise InputError (nothing is
    read); so does a package with nothing we can validate. A resource at an http(s) URL is skipped, never
    fetched."""
    package = read_datapackage(path)
    shown = package.shown
    if not package.resources:
        raise InputError("the data package has no resources", where=shown)
    base = package.directory
    specs, skipped = [], []
    for resource in package.resources:
        name, data_path = resource.name, resource.path
        if any(name == known.name for known in [*specs, *skipped]):
            raise InputError(f"two resources are named {name!r}; each resource needs its own name", where=resource.where)
        data_shown = os.path.normpath(str(base / data_path)) if isinstance(data_path, str) and "://" not in data_path else f"{shown}: {name}"
        reason = _unsupported(resource.raw)
        if reason is None and resource.remote and not data_path.lower().startswith("file:"):
            reason = f"its data is at a URL ({data_path[:80]}); validate reads local files only and made no request: download the file and name the copy in 'path'"
        if reason is None:
            resolved = resource.file()  # the guard: raises for paths that leave the folder
            schema = resource.schema()
            schema_ref = resource.raw["schema"] if isinstance(resource.raw.get("schema"), str) else None
            if schema is None:
                reason = "it has no Table Schema (frictionless would infer one; validate checks declared contracts only): add a 'schema'"
            else:
                dialect, reason = _dialect(resource.dialect())
                if reason is None:
                    raw = resource.raw
                    declared = {k: raw[k] for k in ("hash", "bytes", "encoding") if k in raw}
                    if dialect.get("delimiter"):
                        declared["delimiter"] = dialect["delimiter"]
                    specs.append(ResourceSpec(name=name, path=resolved, shown=data_shown, schema=schema, schema_ref=schema_ref, declared=declared))
                    continue
        # named with the resource: several resources may share one file, and the report groups by file
        skipped.append(Skipped(name=name, shown=f"{data_shown} (resource {name})" if not data_shown.endswith(f": {name}") else data_shown, reason=reason))
    if not specs:
        reasons = "; ".join(f"{s.name}: {s.reason}" for s in skipped)
        raise InputError(f"no resource of the data package can be validated ({reasons})", where=shown)
    return Resources(specs=specs, skipped=skipped)


def _unsupported(resource: dict) -> str | None:
    """Why we do not validate this resource, or None when we can."""
    data_path = resource.get("path")
    if "data" in resource:
        return "its rows are inline ('data'); validate reads CSV and XLSX files: write the rows to a CSV and name it in 'path'"
    if isinstance(data_path, list):
        return "it is split across several files ('path' is a list); join them into one CSV"
    if not isinstance(data_path, str) or not data_path.strip():
        return "it has no 'path' to a data file"
    if is_remote(data_path) and not data_path.lower().startswith(("file:", "http:", "https:")):
        return f"its data is not a file ({data_path.split(':', 1)[0]}: URL); export the table to CSV"
    lowered = data_path.lower()
    compression = resource.get("compression")
    if compression or lowered.endswith(COMPRESSED):
        kind = compression or lowered.rsplit(".", 1)[-1]
        return f"the file is compressed ({kind}); decompress it and name the CSV in 'path'"
    fmt = str(resource.get("format") or Path(lowered.split("?", 1)[0]).suffix.lstrip(".")).lower()
    if fmt and fmt not in TABLE_FORMATS:
        return f"its format is {fmt}; validate reads CSV and Excel (.xlsx) tables only"
    return None


def _dialect(dialect) -> tuple[dict, str | None]:
    """(the dialect's CSV properties, None), or ({}, why the layout is one we do not read)."""
    if dialect is None:
        return {}, None
    if not isinstance(dialect, dict):
        return {}, "its 'dialect' is not an object"
    flat = dict(dialect.get("csv") or {}) if isinstance(dialect.get("csv"), dict) else {}
    flat.update({k: v for k, v in dialect.items() if k not in ("csv", "json", "excel", "sql", "ods", "inline")})
    for key, value in flat.items():
        if key in DIALECT_HARMLESS:
            continue
        if key in DIALECT_DEFAULTS and value == DIALECT_DEFAULTS[key]:
            continue
        return {}, f"its dialect sets {key}: {json.dumps(value)}, a layout validate does not read (it reads one header row, then records)"
    delimiter = flat.get("delimiter")
    if delimiter is not None and delimiter not in DELIMITERS:
        return {}, f"its dialect's delimiter {delimiter!r} is not one validate reads (comma, semicolon, tab, pipe)"
    return flat, None
