"""Discovery of the bundled source datasets: the folders of datasets/ that hold a datapackage.json.

Every command that works on "the bundled datasets" (validate, package, progress, indicators show) starts
here, so a dataset added as a folder is picked up everywhere and an unknown name fails the same way.
Standard library only: it runs on the CLI's start-up path.
"""

from __future__ import annotations

import json
from pathlib import Path

from stoke_opendata.catalogue import paths
from stoke_opendata.errors import InputError, UsageError

DESCRIPTOR = "datapackage.json"


def list_datasets() -> list[str]:
    """Names of the bundled datasets, sorted."""
    root = paths.datasets_dir()
    if not root.is_dir():
        return []
    return sorted(p.parent.name for p in root.glob(f"*/{DESCRIPTOR}") if p.is_file())


def dataset_dir(name: str) -> Path:
    """The folder of the bundled dataset `name`; an unknown name is a usage error naming the known ones."""
    folder = paths.datasets_dir() / name
    if "/" in name or "\\" in name or name in ("", ".", "..") or not (folder / DESCRIPTOR).is_file():
        known = ", ".join(list_datasets()) or "none"
        raise UsageError(f"unknown dataset {name!r}; bundled datasets: {known}")
    return folder


def load_descriptor(name: str) -> dict:
    """The datapackage.json of the bundled dataset `name`, as a dict."""
    return read_json_object(dataset_dir(name) / DESCRIPTOR)


def read_json_object(path: Path) -> dict:
    """A JSON file that must hold an object (a descriptor or a Table Schema), with one-line errors."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("file not found", where=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot be read ({exc})", where=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg})", where=f"{path}: line {exc.lineno}") from None
    if not isinstance(data, dict):
        raise InputError("must hold a JSON object", where=str(path))
    return data
