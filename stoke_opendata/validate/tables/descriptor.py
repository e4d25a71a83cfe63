"""The resources of a data package descriptor: where each one's data and Table Schema are, checked to stay inside the package."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from stoke_opendata.errors import InputError
from stoke_opendata.safety.guards import is_remote, resolve_resource_path
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
class Package:
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
    """The resources of a data package we validate (read_package also says which are skipped and why)."""
    package = read_package(path)
    return package.specs


def read_package(path: str | Path) -> Package:
    """The resources of a data package descriptor: those we validate, schemas resolved (inline or by relative
    path), and those we skip with the reason. Paths that leave the package folder, `file:` URLs and unreadable
    descriptors raise InputError (nothing is read); so does a package with nothing we can validate."""
    path = Path(path)
    shown = str(path)
    descriptor = _load_json_or_yaml(path, shown)
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise InputError("not a data package descriptor (no 'resources' list)", where=shown)
    if not descriptor["resources"]:
        raise InputError("the data package has no resources", where=shown)
    base = path.parent
    specs, skipped = [], []
    for index, resource in enumerate(descriptor["resources"]):
        where = f"{shown}: resources[{index}]"
        if not isinstance(resource, dict):
            raise InputError("a resource must be an object", where=where)
        name = str(resource.get("name") or f"resource{index + 1}")
        if any(name == known.name for known in [*specs, *skipped]):
            raise InputError(f"two resources are named {name!r}; each resource needs its own name", where=where)
        data_path = resource.get("path")
        data_shown = os.path.normpath(str(base / data_path)) if isinstance(data_path, str) and "://" not in data_path else f"{shown}: {name}"
        reason = _unsupported(resource)
        if reason is None and isinstance(data_path, str) and is_remote(data_path) and not data_path.lower().startswith("file:"):
            reason = f"its data is at a URL ({data_path[:80]}); validate reads local files only and made no request: download the file and name the copy in 'path'"
        if reason is None and isinstance(data_path, str):
            resolved = _data_path(base, data_path, where)  # raises for paths that leave the folder
            schema = resource.get("schema")
            schema_ref = None
            if isinstance(schema, str):
                schema_ref = schema
                schema = _load_json_or_yaml(_schema_path(base, schema, where), f"{where}: schema {schema}")
            if schema is None:
                reason = "it has no Table Schema (frictionless would infer one; validate checks declared contracts only): add a 'schema'"
            else:
                dialect, reason = _dialect(base, resource.get("dialect"), where)
                if reason is None:
                    declared = {k: resource[k] for k in ("hash", "bytes", "encoding") if k in resource}
                    if dialect.get("delimiter"):
                        declared["delimiter"] = dialect["delimiter"]
                    specs.append(ResourceSpec(name=name, path=resolved, shown=data_shown, schema=schema, schema_ref=schema_ref, declared=declared))
                    continue
        # named with the resource: several resources may share one file, and the report groups by file
        skipped.append(Skipped(name=name, shown=f"{data_shown} (resource {name})" if not data_shown.endswith(f": {name}") else data_shown, reason=reason))
    if not specs:
        reasons = "; ".join(f"{s.name}: {s.reason}" for s in skipped)
        raise InputError(f"no resource of the data package can be validated ({reasons})", where=shown)
    return Package(specs=specs, skipped=skipped)


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


def _dialect(base: Path, dialect, where: str) -> tuple[dict, str | None]:
    """(the dialect's CSV properties, None), or ({}, why the layout is one we do not read)."""
    if dialect is None:
        return {}, None
    if isinstance(dialect, str):
        dialect = _load_json_or_yaml(_schema_path(base, dialect, where), f"{where}: dialect {dialect}")
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


def _data_path(base: Path, relative: str, where: str) -> Path:
    """A resource's data: inside the package folder (safety.resolve_resource_path), or one of the project's
    published tables (bundled datasets share ../../schemas/indicators.csv); nothing else is read."""
    from stoke_opendata.catalogue.paths import schemas_dir

    try:
        return resolve_resource_path(base, relative, where=where)
    except InputError:
        if "://" not in relative and not os.path.isabs(relative):
            target = (base / relative).resolve()
            if schemas_dir().resolve() in target.parents:
                return target
        raise


def _schema_path(base: Path, relative: str, where: str) -> Path:
    """A schema referenced by path: inside the package's folder, or one of the project's published schemas
    (bundled datasets say ../../schemas/observations.schema.json); nothing else is read."""
    from stoke_opendata.catalogue.paths import schemas_dir

    if "://" in relative or os.path.isabs(relative):
        raise InputError(f"schema {relative} must be a relative path", where=where)
    target = (base / relative).resolve()
    for allowed in (base.resolve(), schemas_dir().resolve()):
        if target == allowed or allowed in target.parents:
            return target
    raise InputError(f"schema {relative} is outside the package folder and the project's schemas/", where=where)


def _load_json_or_yaml(path: Path, shown: str):
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", where=shown) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot be read ({exc})", where=shown) from None
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            return yaml.safe_load(text)
        return json.loads(text)
    except ValueError as exc:
        raise InputError(f"is not valid JSON/YAML ({' '.join(str(exc).split())[:160]})", where=shown) from None
    except Exception as exc:  # yaml.YAMLError
        raise InputError(f"is not valid YAML ({type(exc).__name__})", where=shown) from None
