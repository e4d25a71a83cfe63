"""Build a self-contained, reproducible Frictionless Data Package from validated datasets and a manifest.

A built package holds its data (observations, targets), the derived progress table, the part of the
indicator catalogue and areas table it refers to, a chart per indicator, a README, and a
datapackage.json with inline Table Schemas, foreign keys between its own resources, and the bytes and
sha256 of every file. Same inputs give byte-identical output: rows and resources in a fixed order, JSON
written the same way, charts drawn deterministically, `created` from SOURCE_DATE_EPOCH or the data's own
latest date (never the clock), zip entries sorted with fixed timestamps. A package is built in a
temporary folder and moved into place only when complete, so a failure leaves nothing half-written.

The caller validates first (`package.gate.check_datasets`). The build itself is assembled from one module
per part: `tables` (merging), `metadata` (the descriptor), `chart_files`, `readme` and `files` (deterministic
writing and the zip).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from stoke_opendata.catalogue import paths
from stoke_opendata.catalogue.dataset_tables import (
    read_csv,
    read_dataset,
)
from stoke_opendata.errors import InputError
from stoke_opendata.hashing import sha256_file
from stoke_opendata.package.chart_files import _draw_charts, chart_bundle
from stoke_opendata.package.files import (
    _write_csv,
    created_timestamp,
    write_json,
    write_zip,
)
from stoke_opendata.package import period_basis
from stoke_opendata.package.manifests import Manifest
from stoke_opendata.safety.atomic import swap_dir, temp_dir_beside
from stoke_opendata.package.parquet_files import write_parquet
from stoke_opendata.package.excel_files import write_xlsx
from stoke_opendata.package.metadata import (
    RESOURCE_DESCRIPTIONS,
    RESOURCE_TITLES,
    _descriptor,
)
from stoke_opendata.package.csvw_metadata import write_csvw
from stoke_opendata.package.readme import _write_readme
from stoke_opendata.package.tables import (
    _inline_schema,
    _merged_rows,
    _revisions_file,
    _same_schema,
    _subset_catalogue,
)

TABLE_ORDER = ("observations", "targets", "progress", "revisions", "indicators", "areas")


@dataclass
class BuiltPackage:
    name: str
    directory: Path
    descriptor: dict
    zip_path: Path | None
    charts: list[str]
    progress: list


def build_package(
    manifest: Manifest,
    out_dir: Path,
    *,
    make_zip: bool = False,
    source_date_epoch: str | None = None,
) -> BuiltPackage:
    """Build the package `manifest` declares into out_dir/<name> (and out_dir/<name>.zip with make_zip).

    The caller validates first (check_datasets); this function trusts its inputs are valid data but still
    refuses inconsistent packaging (differing schemas, missing tables) with an InputError.
    """
    from stoke_opendata.catalogue.definitions import load_catalogue
    from stoke_opendata.package.progress import (
        FIELD_NAMES,
        csv_cells,
        observations_from_rows,
        progress_table,
        targets_from_rows,
    )

    out_dir = Path(out_dir)
    datasets = [read_dataset(name) for name in manifest.datasets]
    catalogue_dirs = {d.catalogue_dir for d in datasets}
    if len(catalogue_dirs) > 1:
        raise InputError("the datasets of this package refer to different catalogues", where=str(manifest.path))
    catalogue_dir = catalogue_dirs.pop() if catalogue_dirs else paths.schemas_dir()
    catalogue = load_catalogue(catalogue_dir)
    created = created_timestamp(datasets, source_date_epoch)

    tables = [t for t in TABLE_ORDER if t in manifest.tables]
    for table in ("observations", "targets"):
        if table in tables and not any(table in d.tables for d in datasets):
            raise InputError(f"lists {table}, but none of its datasets has an {table} table".replace("an t", "a t"),
                             where=f"{manifest.path}: tables")

    out_dir.mkdir(parents=True, exist_ok=True)
    work = temp_dir_beside(out_dir / manifest.name)
    try:
        (work / "data").mkdir()
        files: dict[str, tuple[Path, dict]] = {}  # table -> (file, schema)
        observations_rows: list[dict[str, str]] = [
            row for d in datasets if "observations" in d.tables for row in d.tables["observations"].rows
        ]
        target_rows = [row for d in datasets if "targets" in d.tables for row in d.tables["targets"].rows]
        used_indicators = {r.get("indicator_id") for r in observations_rows + target_rows}
        used_areas = {r.get("area_code") for r in observations_rows + target_rows}
        used_areas |= {r.get("comparator_area_code") for r in target_rows if r.get("comparator_area_code")}

        for table in ("observations", "targets"):
            if table not in tables:
                continue
            sources = [d.tables[table] for d in datasets if table in d.tables]
            schema = _same_schema(datasets, table, manifest)
            target = work / "data" / f"{table}.csv"
            if table == "observations":  # every figure says what its period rests on (package/period_basis.py)
                schema = period_basis.observations_schema(schema)
                fields = [f["name"] for f in schema.get("fields", [])]
                key = schema.get("primaryKey") or []
                key = [key] if isinstance(key, str) else list(key)
                rows = [period_basis.filled(t, f"{t.path}") for t in sources]
                _write_csv(target, fields, _merged_rows(rows, fields, key, str(manifest.path)))
            elif len(sources) == 1:
                shutil.copyfile(sources[0].path, target)  # one source: its bytes, unchanged
            else:
                fields = [f["name"] for f in schema.get("fields", [])]
                key = schema.get("primaryKey") or []
                key = [key] if isinstance(key, str) else list(key)
                _write_csv(target, fields, _merged_rows(sources, fields, key, str(manifest.path)))
            files[table] = (target, schema)
        if "revisions" in tables:  # the history (accept/revisions.py); header only until the first revision
            files["revisions"] = _revisions_file(datasets, work / "data" / "revisions.csv", manifest)

        progress_rows = []
        if "progress" in tables:
            observations = observations_from_rows(observations_rows, where="observations")
            targets = targets_from_rows(target_rows, where="targets")
            progress_rows = progress_table(targets, observations, catalogue)
            target = work / "data" / "progress.csv"
            _write_csv(target, list(FIELD_NAMES), [csv_cells(r) for r in progress_rows])
            files["progress"] = (target, json.loads(paths.schema_path("progress").read_text(encoding="utf-8")))

        indicator_table = datasets[0].tables["indicators"] if datasets else None
        area_table = datasets[0].tables["areas"] if datasets else None
        indicators_path = indicator_table.path if indicator_table else catalogue_dir / "indicators.csv"
        areas_path = area_table.path if area_table else catalogue_dir / "areas.csv"
        indicator_schema = indicator_table.schema if indicator_table else json.loads(paths.schema_path("indicators").read_text())
        area_schema = area_table.schema if area_table else json.loads(paths.schema_path("areas").read_text())
        if manifest.catalogue == "full" or not datasets:
            for table, source, schema in (("indicators", indicators_path, indicator_schema), ("areas", areas_path, area_schema)):
                if table in tables:
                    shutil.copyfile(source, work / "data" / f"{table}.csv")
                    files[table] = (work / "data" / f"{table}.csv", schema)
        else:
            ind_header, ind_rows = read_csv(indicators_path)
            area_header, area_rows = read_csv(areas_path)
            ind_subset, area_subset = _subset_catalogue(ind_rows, area_rows, used_indicators, used_areas)
            if "indicators" in tables:
                _write_csv(work / "data" / "indicators.csv", ind_header, [[r.get(h) or "" for h in ind_header] for r in ind_subset])
                files["indicators"] = (work / "data" / "indicators.csv", indicator_schema)
            if "areas" in tables:
                _write_csv(work / "data" / "areas.csv", area_header, [[r.get(h) or "" for h in area_header] for r in area_subset])
                files["areas"] = (work / "data" / "areas.csv", area_schema)

        # formula-like text a steward chose to keep is published as text (leading apostrophe, OWASP);
        # number fields are never touched, and a table with none keeps its bytes (docs/safety.md)
        from stoke_opendata.safety.injection import neutralise_file

        for path, schema in files.values():
            neutralise_file(path, schema)
            write_parquet(path, schema)  # the typed twin beside the CSV (package/parquet_files.py)
            write_xlsx(path, schema, created)  # and one Excel reads "£" and "–" in (package/excel_files.py)

        resources = []
        names = set(files)
        for table in tables:
            path, schema = files[table]
            resources.append(
                {
                    "name": table,
                    "title": RESOURCE_TITLES[table],
                    "description": RESOURCE_DESCRIPTIONS[table],
                    "path": f"data/{table}.csv",
                    "profile": "tabular-data-resource",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "bytes": path.stat().st_size,
                    "hash": f"sha256:{sha256_file(path)}",
                    "schema": _inline_schema(schema, names, f"{manifest.path}: {table}"),
                }
            )

        # W3C CSV on the Web metadata for every table, generated from the same Table Schema
        resources += [write_csvw(files[r["name"]][0], r["path"], r["schema"], r["title"], r["description"])
                      for r in list(resources)]

        chart_entries = []
        if manifest.charts:
            chart_entries = _draw_charts(manifest, work, observations_rows, progress_rows, catalogue)
            if chart_entries:
                resources.append(chart_bundle(work, chart_entries, created))

        descriptor = _descriptor(manifest, datasets, catalogue, created, resources, observations_rows)
        write_json(work / "datapackage.json", descriptor)
        _write_readme(work, manifest, descriptor, progress_rows, chart_entries, catalogue)

        final = out_dir / manifest.name
        swap_dir(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise

    zip_path = None
    if make_zip:
        zip_path = write_zip(final, out_dir / f"{manifest.name}.zip", created)
    return BuiltPackage(manifest.name, final, descriptor, zip_path, [c["path"] for c in chart_entries], progress_rows)

