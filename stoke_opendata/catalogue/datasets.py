"""Discovery of the bundled source datasets: the folders of datasets/ that hold a datapackage.json.

Every command that works on "the bundled datasets" (validate, package, progress, indicators show) starts
here, so a dataset added as a folder is picked up everywhere and an unknown name fails the same way.
Standard library only: it runs on the CLI's start-up path.
"""

from __future__ import annotations

from pathlib import Path

from stoke_opendata.catalogue import paths
from stoke_opendata.catalogue.package_model import DESCRIPTOR
from stoke_opendata.errors import UsageError


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
    """The datapackage.json of the bundled dataset `name`, as a dict (read through the package model)."""
    from stoke_opendata.catalogue.package_model import read_datapackage

    return read_datapackage(dataset_dir(name)).descriptor
