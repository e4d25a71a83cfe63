"""Publish benchmark against the local CKAN portal (run `make portal` first).

    .venv/bin/python bench/publish_bench.py [--packages DIR] [--keep]

Builds the bundled catalogue's packages with `stoke-opendata package` (or takes the built package folders
under --packages), copies them under fresh dataset names so the first publish really is a first publish,
then measures three runs of the real publisher: the first publish of the whole catalogue, a no-op
republish, and a republish after one value in one table changed. Prints wall time, API calls, bytes and
files uploaded, and rows loaded into the DataStore for each, and checks the targets: the no-op republish
uploads 0 bytes and makes at most 2 API calls per dataset; the one-value change re-uploads only the
changed table and the descriptor that lists its hash.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stoke_opendata.portal.client import PortalClient  # noqa: E402
from stoke_opendata.portal.credentials import resolve_settings  # noqa: E402
from stoke_opendata.portal.local_package import read_package, sha256_file  # noqa: E402
from stoke_opendata.portal.publishing import Publisher


def load_env_file() -> None:
    import os

    env = ROOT / ".portal" / "env"
    if env.exists() and not (os.environ.get("CKAN_URL") and os.environ.get("CKAN_API_TOKEN")):
        for line in env.read_text().splitlines():
            if line.startswith("export ") and "=" in line:
                key, value = line[len("export "):].split("=", 1)
                os.environ.setdefault(key, value)


def build_packages(work: Path) -> list[Path]:
    out = work / "built"
    started = time.perf_counter()
    subprocess.run([str(ROOT / ".venv" / "bin" / "stoke-opendata"), "package", "--out", str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    print(f"built the catalogue's packages in {time.perf_counter() - started:.1f} s (not part of the timings)")
    return sorted(p for p in out.iterdir() if (p / "datapackage.json").exists())


def renamed_copies(folders: list[Path], work: Path, suffix: str) -> list[Path]:
    """Copies under new dataset names (name and ckan.name), so each bench run starts from nothing."""
    copies = []
    for folder in folders:
        target = work / "run" / f"{folder.name}-{suffix}"
        shutil.copytree(folder, target)
        descriptor = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
        descriptor["name"] = f"{descriptor['name']}-{suffix}"
        if isinstance(descriptor.get("ckan"), dict):
            descriptor["ckan"]["name"] = descriptor["name"]
        (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
        copies.append(target)
    return copies


def change_one_value(folder: Path) -> str:
    """Change one number in the package's first table with a `value` column; refresh its bytes/hash."""
    descriptor_path = folder / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        fields = [f["name"] for f in (res.get("schema") or {}).get("fields", [])]
        if "value" not in fields:
            continue
        path = folder / res["path"]
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        col = rows[0].index("value")
        for row in rows[1:]:
            cell = row[col]
            if cell and cell.replace(".", "", 1).isdigit():
                row[col] = str(int(cell) + 1) if cell.isdigit() else f"{float(cell) + 0.1:.{len(cell.split('.')[1])}f}"
                buf = io.StringIO()
                csv.writer(buf, lineterminator="\n").writerows(rows)
                path.write_text(buf.getvalue(), encoding="utf-8")
                res["bytes"] = path.stat().st_size
                res["hash"] = f"sha256:{sha256_file(path)}"
                descriptor_path.write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
                return res["path"]
    raise SystemExit(f"no table with a numeric `value` cell in {folder}")


def run(label: str, folders: list[Path]) -> dict:
    with PortalClient(resolve_settings()) as client:
        started = time.perf_counter()
        publisher = Publisher(client, progress=False)
        plan = publisher.plan([read_package(f) for f in folders])
        outcome = publisher.apply(plan)
        wall = time.perf_counter() - started
        uploads = {f"{d.name}:{r.path}" for d in plan.datasets for r in d.resources if r.upload}
        # the portal's datapackage.json (resources by portal URL) is sent by publish's last step
        uploads |= {f"{d.name}:datapackage.json" for d in plan.datasets if d.touches and d.touches.descriptor is not None}
        uploads = sorted(uploads)
        result = {"phase": label, "datasets": len(folders), "seconds": round(wall, 2), "api_calls": client.calls,
                  "calls_per_dataset": round(client.calls / len(folders), 2), "bytes_uploaded": client.bytes_uploaded,
                  "files_uploaded": outcome.files_uploaded, "rows_loaded": outcome.rows_loaded,
                  "created": outcome.created, "updated": outcome.updated, "unchanged": outcome.unchanged,
                  "uploads": uploads}
    print(f"{label:<18} {wall:7.2f} s  {client.calls:4d} API calls ({result['calls_per_dataset']:.2f}/dataset)  "
          f"{client.bytes_uploaded:10d} bytes in {outcome.files_uploaded:3d} files  {outcome.rows_loaded:6d} rows  "
          f"created {outcome.created} updated {outcome.updated} unchanged {outcome.unchanged}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=Path, help="a folder of built packages (default: build the catalogue)")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep bench/_work/publish-<id>/ afterwards")
    args = parser.parse_args()
    load_env_file()

    suffix = f"bench-{uuid.uuid4().hex[:6]}"
    work = ROOT / "bench" / "_work" / f"publish-{suffix}"
    work.mkdir(parents=True)
    try:
        if args.packages:
            sources = sorted(p for p in args.packages.iterdir() if (p / "datapackage.json").exists())
        else:
            sources = build_packages(work)
        folders = renamed_copies(sources, work, suffix)
        total = sum(read_package(f).total_bytes for f in folders)
        print(f"{len(folders)} packages, {total} bytes, portal {resolve_settings().url}")
        first = run("first publish", folders)
        noop = run("no-op republish", folders)
        changed_path = change_one_value(folders[0])
        changed_name = read_package(folders[0]).name
        change = run("one-value change", folders)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    expected = {f"{changed_name}:{changed_path}", f"{changed_name}:datapackage.json"}
    checks = {
        "no-op uploads 0 bytes": noop["bytes_uploaded"] == 0,
        "no-op makes <= 2 API calls per dataset": noop["api_calls"] <= 2 * noop["datasets"],
        "one-value change re-uploads only the changed table and the descriptor": set(change["uploads"]) == expected,
    }
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    if args.json:
        print(json.dumps({"first": first, "noop": noop, "change": change, "checks": checks}, indent=2))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
