"""Where the bundled definitions, datasets and manifests live.

They sit at the repository root (schemas/, datasets/, publish/), beside the package; set
STOKE_OPENDATA_HOME to point at another copy.
"""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    env = os.environ.get("STOKE_OPENDATA_HOME")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[2]


def schemas_dir() -> Path:
    return home() / "schemas"


def datasets_dir() -> Path:
    return home() / "datasets"


def publish_dir() -> Path:
    return home() / "publish"


def schema_path(table: str) -> Path:
    """The Table Schema of one published table (indicators, observations, targets, areas, progress)."""
    return schemas_dir() / f"{table}.schema.json"
