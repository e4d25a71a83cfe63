"""Builds small, real data packages for the publish/download tests: real CSV files, real sha256 hashes,
the project's own observations Table Schema, a `ckan` block as `stoke-opendata package` writes it,
a README and a chart-like binary file. Indicator ids and area codes come from the real catalogue, so
the project's validator accepts the data."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from pathlib import Path

from stoke_opendata.catalogue import paths
from stoke_opendata.catalogue.definitions import load_catalogue

# Test packages hold made-up figures: they go into an organisation of their own, never the council's,
# so after `make test` the council's organisation on the portal holds only its real datasets.
ORG = {"name": "stoke-opendata-tests", "title": "stoke-opendata test fixtures (made-up figures)"}
COLUMNS = ["indicator_id", "area_code", "area_name", "period", "value", "lower_ci", "upper_ci",
           "numerator", "denominator", "status", "source", "notes"]


def unique_name(prefix: str = "test") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def annual_indicator_ids(count: int = 2) -> list[str]:
    """Ids of real catalogue indicators measured yearly as counts (whole numbers, no upper bound)."""
    catalogue = load_catalogue()
    picked = [i for i, ind in sorted(catalogue.indicators.items())
              if ind.frequency == "annual" and ind.unit == "count"]
    return picked[:count]


def observation_rows(indicators: list[str], years=range(2019, 2023), base: float = 50.0) -> list[list[str]]:
    rows = []
    for n, indicator in enumerate(indicators):
        for year in years:
            for area, area_name in (("E06000021", "Stoke-on-Trent"), ("E92000001", "England")):
                value = int(base) + n * 3 + (year - 2019) * 2 + (2 if area == "E06000021" else 0)
                rows.append([indicator, area, area_name, str(year), str(value), "", "", "", "",
                             "final", "Test source", ""])
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def make_package(root: Path, name: str | None = None, *, rows: list[list[str]] | None = None,
                 second_table: bool = True, groups=("healthier", "fairer"), title: str | None = None) -> Path:
    """Write a package folder under `root` and return it. Two CSV tables, a PNG-like chart, a README."""
    name = name or unique_name()
    folder = root / name
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "charts").mkdir(exist_ok=True)
    schema = json.loads((paths.schemas_dir() / "observations.schema.json").read_text(encoding="utf-8"))
    schema.pop("foreignKeys", None)
    schema.pop("$schema", None)
    indicators = annual_indicator_ids(2)
    write_csv(folder / "data" / "observations.csv", rows if rows is not None else observation_rows(indicators[:1]))
    tables = [("observations", "data/observations.csv")]
    if second_table:
        write_csv(folder / "data" / "comparators.csv", observation_rows(indicators[1:], base=20.0))
        tables.append(("comparators", "data/comparators.csv"))
    chart = folder / "charts" / "trend.png"
    chart.write_bytes(b"\x89PNG\r\n\x1a\n" + hashlib.sha256(name.encode()).digest() * 64)
    (folder / "README.md").write_text(f"# {name}\n\nA test package.\n", encoding="utf-8")

    resources = []
    for table, rel in tables:
        path = folder / rel
        resources.append({
            "name": table, "title": table.capitalize(), "description": f"The {table} table.",
            "path": rel, "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "bytes": path.stat().st_size, "hash": f"sha256:{_sha(path)}", "schema": schema,
        })
    resources.append({"name": "chart-trend", "title": "Trend chart", "description": "A chart.",
                      "path": "charts/trend.png", "format": "png", "mediatype": "image/png",
                      "bytes": chart.stat().st_size, "hash": f"sha256:{_sha(chart)}"})
    descriptor = {
        "name": name,
        "title": title or f"Test package {name}",
        "description": "Small package built by the stoke-opendata tests.",
        "version": "1.0.0",
        "licenses": [{"name": "OGL-UK-3.0", "title": "Open Government Licence v3.0",
                      "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}],
        "keywords": ["test", "health", "Stoke-on-Trent"],
        "resources": resources,
        "ckan": {
            "name": name,
            "organization": ORG,
            "groups": list(groups),
            "maintainer": "Open data team",
            "maintainer_email": "opendata@example.org",
            "license_id": "OGL-UK-3.0",
            "extras": {"frequency": "annual", "spatial_coverage": "E06000021", "temporal_coverage": "2019 to 2022"},
        },
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")  # as `package` writes it
    return folder


def rewrite_descriptor(folder: Path) -> None:
    """Recompute bytes and hashes in datapackage.json after a test edited a file (as `package` would)."""
    descriptor_path = folder / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        path = folder / res["path"]
        res["bytes"] = path.stat().st_size
        res["hash"] = f"sha256:{_sha(path)}"
    descriptor_path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")  # as `package` writes it
