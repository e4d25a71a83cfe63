"""A temporary copy of the bundled schemas/, datasets/ and publish/ (STOKE_OPENDATA_HOME), so that accept tests
write into a copy and never into the repository's datasets/."""

import csv
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["indicator_id", "area_code", "area_name", "period", "value", "lower_ci", "upper_ci", "numerator",
          "denominator", "status", "source", "notes"]
CORPORATE = "corporate-strategy-2024-28"


def copy_home(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in ("schemas", "datasets", "publish"):
        shutil.copytree(ROOT / name, target / name)
    return target


def write_submission(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, HEADER, lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow({"area_name": "", "status": "final", "source": "Example release (test)", **row})
    return path


def obs(indicator_id, period, value, area_code="E06000021", **extra) -> dict:
    return {"indicator_id": indicator_id, "area_code": area_code, "period": period, "value": value, **extra}


def read_rows(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a dataset folder and its bytes (to prove a refused accept changed nothing)."""
    return {p.name: p.read_bytes() for p in sorted(Path(folder).iterdir()) if p.is_file()}
