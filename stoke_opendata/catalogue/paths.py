"""Where the bundled definitions, datasets and manifests live.

They sit at the repository root (schemas/, datasets/, publish/), beside the package; set
STOKE_OPENDATA_HOME to point at another copy. Installed from a wheel, the package carries its own copy in
stoke_opendata/_home/ (setup.py puts it there), used when the package does not run from a checkout.
"""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    env = os.environ.get("STOKE_OPENDATA_HOME")
    if env:
        return Path(env).resolve()
    package = Path(__file__).resolve().parents[1]
    if (package / "_home").is_dir():
        return package / "_home"  # an installed wheel
    return package.parent  # a checkout (or an editable install of one)


def schemas_dir() -> Path:
    return home() / "schemas"


def datasets_dir() -> Path:
    return home() / "datasets"


def publish_dir() -> Path:
    return home() / "publish"


def schema_path(table: str) -> Path:
    """The Table Schema of one published table (indicators, observations, targets, areas, progress)."""
    return schemas_dir() / f"{table}.schema.json"
