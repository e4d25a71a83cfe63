"""An area's bounding box and centroid (WGS 84), read from schemas/area-extents.csv, which tools/area_extents.py
derives from the ONS boundaries the project cites. DCAT-AP asks for them (dcat:bbox, dcat:centroid); an area
the file does not list gets neither: an extent is measured, never guessed."""

from __future__ import annotations

import csv
import json

from stoke_opendata.catalogue import paths


def area_extent(area_code: str) -> dict[str, str]:
    """`spatial_bbox` and `spatial_centroid` as GeoJSON texts (the form ckanext-dcat reads), or {}."""
    path = paths.schemas_dir() / "area-extents.csv"
    if not area_code or not path.is_file():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        row = next((r for r in csv.DictReader(fh) if r["area_code"] == area_code), None)
    if row is None:
        return {}
    w, s, e, n = (float(row[k]) for k in ("west", "south", "east", "north"))
    box = {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}
    centre = {"type": "Point", "coordinates": [float(row["centroid_lon"]), float(row["centroid_lat"])]}
    return {"spatial_bbox": json.dumps(box, separators=(",", ":")),
            "spatial_centroid": json.dumps(centre, separators=(",", ":"))}
