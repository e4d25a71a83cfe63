"""A place name as a steward writes it ("Stoke-on-Trent", "stoke on trent", "England") -> its ONS area code.

The areas table (schemas/areas.csv) names every area the catalogue knows; a name matches when it is the same
apart from case, spaces, hyphens and punctuation, and names no other area. Used by the message for a place
name in the area_code column and by `validate --fix`. Standard library only.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from stoke_opendata.catalogue import paths


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower().replace("&", "and"))


@lru_cache(maxsize=8)
def _names(base: str) -> dict[str, tuple[str, str] | None]:
    found: dict[str, tuple[str, str] | None] = {}
    try:
        with open(Path(base) / "areas.csv", encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                code, name = (row.get("area_code") or "").strip(), (row.get("area_name") or "").strip()
                if code and name:
                    key = _key(name)
                    found[key] = None if key in found and found[key] != (code, name) else (code, name)  # ambiguous: no answer
    except OSError:
        return {}
    return found


def area_for_name(name: str | None, schemas_dir: Path | None = None) -> tuple[str, str] | None:
    """(code, name as the areas table writes it) for a place name, or None (unknown or ambiguous)."""
    if not name or not _key(name):
        return None
    return _names(str(schemas_dir or paths.schemas_dir())).get(_key(name))
