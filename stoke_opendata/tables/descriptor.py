"""The resources of a data package descriptor: where each one's data and Table Schema are, checked to stay inside the package."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from stoke_opendata.errors import InputError
from stoke_opendata.safety import resolve_resource_path


@dataclass
class ResourceSpec:
    """One tabular resource of a data package: its name, data file and Table Schema."""

    name: str
    path: Path
    shown: str
    schema: dict
    schema_ref: str | None = None


def is_descriptor(path: str | Path) -> bool:
    """A .json/.yaml file is taken as a data package descriptor (read_descriptor says so if it is not one)."""
    return Path(path).suffix.lower() in (".json", ".yaml", ".yml")


def read_descriptor(path: str | Path) -> list[ResourceSpec]:
    """The tabular resources of a data package descriptor, schemas resolved (inline or by relative path)."""
    path = Path(path)
    shown = str(path)
    descriptor = _load_json_or_yaml(path, shown)
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise InputError("not a data package descriptor (no 'resources' list)", where=shown)
    base = path.parent
    specs = []
    for index, resource in enumerate(descriptor["resources"]):
        where = f"{shown}: resources[{index}]"
        if not isinstance(resource, dict):
            raise InputError("a resource must be an object", where=where)
        name = str(resource.get("name") or f"resource{index + 1}")
        data_path = resource.get("path")
        if isinstance(data_path, list):
            raise InputError("multipart resources are not supported", where=where)
        if not isinstance(data_path, str) or not data_path:
            raise InputError("the resource has no 'path' (inline data is not validated)", where=where)
        resolved = _data_path(base, data_path, where)
        schema = resource.get("schema")
        schema_ref = None
        if isinstance(schema, str):
            schema_ref = schema
            schema = _load_json_or_yaml(_schema_path(base, schema, where), f"{where}: schema {schema}")
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
            raise InputError("the resource has no Table Schema with 'fields'", where=where)
        specs.append(ResourceSpec(name=name, path=resolved, shown=os.path.normpath(str(base / data_path)), schema=schema, schema_ref=schema_ref))
    if not specs:
        raise InputError("the data package has no resources", where=shown)
    return specs


def _data_path(base: Path, relative: str, where: str) -> Path:
    """A resource's data: inside the package folder (safety.resolve_resource_path), or one of the project's
    published tables (bundled datasets share ../../schemas/indicators.csv); nothing else is read."""
    from stoke_opendata.paths import schemas_dir

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
    from stoke_opendata.paths import schemas_dir

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
