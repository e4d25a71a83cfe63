"""Build a self-contained, reproducible Frictionless Data Package from validated datasets and a manifest.

A built package holds its data (observations, targets), the derived progress table, the part of the
indicator catalogue and areas table it refers to, a chart per indicator, a README, and a
datapackage.json with inline Table Schemas, foreign keys between its own resources, and the bytes and
sha256 of every file. Same inputs give byte-identical output: rows and resources in a fixed order, JSON
written the same way, charts drawn deterministically, `created` from SOURCE_DATE_EPOCH or the data's own
latest date (never the clock), zip entries sorted with fixed timestamps. A package is built in a
temporary folder and moved into place only when complete, so a failure leaves nothing half-written.

Packaging refuses data that fails validation (`check_datasets`): it uses the shared validator
(stoke_opendata.validation) when it is present, frictionless otherwise.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from stoke_opendata import paths
from stoke_opendata.dataset_tables import SourceDataset, Table, read_csv, read_dataset
from stoke_opendata.documents import citations, document_title
from stoke_opendata.errors import InputError, UsageError
from stoke_opendata.manifests import Manifest
from stoke_opendata.periods import period_end, sort_key

RESOURCE_DESCRIPTIONS = {
    "observations": "Indicator values, one row per indicator, area and period (long format). "
    "Comparators such as England are rows with their own area codes.",
    "targets": "Baselines and targets per indicator, as the council's documents state them.",
    "progress": "Derived: for each target, the baseline, the latest value, the change so far, the change "
    "still needed, the status (achieved, on_track, off_track, no_new_data, not_assessable) by the "
    "straight-line method described in the README and the schema, and the latest gap to the comparator.",
    "revisions": "History of the observations: every value a later release superseded, with the old and new "
    "value and status, when, who, why and the submission's file name and sha256 (empty until the first revision).",
    "indicators": "The definitions of the indicators this package uses (from the council's published catalogue).",
    "areas": "The geographies this package uses, by ONS GSS code.",
}
RESOURCE_TITLES = {
    "observations": "Observations",
    "targets": "Targets and baselines",
    "progress": "Progress towards targets",
    "revisions": "Revisions",
    "indicators": "Indicator definitions",
    "areas": "Areas",
}
TABLE_ORDER = ("observations", "targets", "progress", "revisions", "indicators", "areas")
CHART_MEDIATYPES = {"png": "image/png", "svg": "image/svg+xml"}
PUBLISHER = "publisher"


@dataclass
class ValidationOutcome:
    """Whether one source dataset passed validation, with the report to show when it did not."""

    name: str
    path: Path
    valid: bool
    text: str
    data: dict = field(default_factory=dict)


@dataclass
class BuiltPackage:
    name: str
    directory: Path
    descriptor: dict
    zip_path: Path | None
    charts: list[str]
    progress: list


# --------------------------------------------------------------------------- validation first


def check_datasets(names: list[str]) -> list[ValidationOutcome]:
    """Validate each source dataset (its datapackage.json) before anything is packaged."""
    return [_validate_one(read_dataset(name)) for name in names]


def _validate_one(dataset: SourceDataset) -> ValidationOutcome:
    descriptor_path = dataset.descriptor_path
    try:
        from stoke_opendata import validation as shared
    except ImportError:
        shared = None
    if shared is not None and hasattr(shared, "validate_package"):
        report = _validate_shared(shared, dataset)
        return ValidationOutcome(dataset.name, descriptor_path, bool(report.valid), _render_shared(report), _report_data(report))
    return _validate_with_frictionless(dataset.name, descriptor_path)


def _validate_shared(shared, dataset: SourceDataset):
    """The shared validator's report on a dataset's descriptor (every resource, foreign keys resolved
    against the dataset's own indicators and areas, which for bundled datasets are the catalogue)."""
    return shared.validate_package(dataset.descriptor_path)


def _render_shared(report) -> str:
    try:
        from stoke_opendata import report as report_module
    except ImportError:
        report_module = None
    for candidate in ("render_text", "to_text", "text"):
        renderer = getattr(report_module, candidate, None) if report_module else None
        if callable(renderer):
            return str(renderer(report))
    for candidate in ("to_text", "render_text", "text"):
        method = getattr(report, candidate, None)
        if callable(method):
            return str(method())
        if isinstance(method, str):
            return method
    lines = []
    problems = report.sorted_problems() if hasattr(report, "sorted_problems") else list(getattr(report, "problems", []))
    for p in problems:
        where = ", ".join(x for x in (f"row {p.row}" if p.row else "", f"column {p.column}" if p.column else "") if x)
        hint = f" ({p.hint})" if getattr(p, "hint", "") else ""
        lines.append(f"{p.file}{': ' + where if where else ''}: {p.severity} {p.code}: {p.message}{hint}")
    return "\n".join(lines) or ("valid" if report.valid else "invalid")


def _report_data(report) -> dict:
    try:
        from stoke_opendata import report as report_module
    except ImportError:
        report_module = None
    if report_module is not None and callable(getattr(report_module, "to_dict", None)):
        return dict(report_module.to_dict(report))
    for candidate in ("to_dict", "as_dict"):
        method = getattr(report, candidate, None)
        if callable(method):
            try:
                return dict(method())
            except Exception:  # the report's own rendering is shown anyway
                return {}
    return {}


def _validate_with_frictionless(name: str, descriptor_path: Path) -> ValidationOutcome:
    """Fallback used until the shared validator exists: frictionless on the dataset's descriptor.

    Source descriptors point at ../../schemas (the shared catalogue), which frictionless treats as unsafe
    unless trusted; these are our own bundled files, so they are trusted here.
    """
    from frictionless import Package, system

    with system.use_context(trusted=True):
        try:
            report = Package(str(descriptor_path)).validate()
        except Exception as exc:  # frictionless raises on a descriptor it cannot load
            return ValidationOutcome(name, descriptor_path, False, f"{descriptor_path}: {' '.join(str(exc).split())}")
    lines = []
    for task in report.tasks:
        for error in task.errors:
            where = [task.name or ""]
            if getattr(error, "row_number", None):
                where.append(f"row {error.row_number}")
            if getattr(error, "field_name", None):
                where.append(f"column {error.field_name}")
            lines.append(f"{descriptor_path.parent.name}/{' '.join(w for w in where if w)}: {error.type}: {error.message}")
    for error in report.errors:
        lines.append(f"{descriptor_path}: {error.type}: {error.message}")
    header = f"{name}: {'valid' if report.valid else f'{len(lines)} error(s)'}"
    return ValidationOutcome(name, descriptor_path, bool(report.valid), "\n".join([header, *lines]))


# --------------------------------------------------------------------------- deterministic helpers


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def created_timestamp(datasets: list[SourceDataset], source_date_epoch: str | None = None) -> datetime:
    """When the package was made, reproducibly: SOURCE_DATE_EPOCH when set, otherwise the latest of the
    source descriptors' own `created` dates and the end of the latest observed period. Never the clock.
    Rows with status `estimated` are left out: they include forecasts ("by 2050"), which are not data
    the package could have been made after."""
    epoch = source_date_epoch if source_date_epoch is not None else os.environ.get("SOURCE_DATE_EPOCH")
    if epoch not in (None, ""):
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch!r}") from None
    latest: date | None = None
    for dataset in datasets:
        stated = dataset.descriptor.get("created")
        if isinstance(stated, str):
            try:
                when = datetime.fromisoformat(stated.replace("Z", "+00:00")).date()
                latest = max(latest, when) if latest else when
            except ValueError:
                pass
        observations = dataset.tables.get("observations")
        for row in observations.rows if observations else []:
            if (row.get("status") or "").strip() == "estimated":
                continue
            try:
                when = period_end(row.get("period") or "")
            except ValueError:
                continue
            latest = max(latest, when) if latest else when
    latest = latest or date(1980, 1, 1)
    return datetime(latest.year, latest.month, latest.day, tzinfo=timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- assembling tables


def _same_schema(datasets: list[SourceDataset], table: str, manifest: Manifest) -> dict:
    schemas = [d.tables[table].schema for d in datasets if table in d.tables]
    first = schemas[0]
    for dataset, schema in zip([d for d in datasets if table in d.tables], schemas):
        if schema != first:
            raise InputError(
                f"the {table} schema of dataset {dataset.name!r} differs from the others in this package",
                where=str(manifest.path),
            )
    return first


def _merged_rows(tables: list[Table], fields: list[str], key: list[str], where: str) -> list[list[str]]:
    """Rows of several datasets' copies of one table, in dataset order; a primary key given by two
    datasets is refused (the package would contradict itself)."""
    rows, seen = [], {}
    for table in tables:
        for line, row in enumerate(table.rows, start=2):
            if key:
                k = tuple(row.get(name) or "" for name in key)
                if k in seen:
                    raise InputError(
                        f"{'/'.join(k)} is in both {seen[k]} and {table.path}, row {line}; "
                        "a package cannot hold two values for one key: package these datasets separately",
                        where=where,
                    )
                seen[k] = table.path
            rows.append([row.get(name) or "" for name in fields])
    return rows


def _revisions_file(datasets: list[SourceDataset], target: Path, manifest: Manifest) -> tuple[Path, dict]:
    sources = [d.tables["revisions"] for d in datasets if "revisions" in d.tables]
    schema = _same_schema(datasets, "revisions", manifest) if sources else json.loads(paths.schema_path("revisions").read_text(encoding="utf-8"))
    fields = [f["name"] for f in schema.get("fields", [])]
    if len(sources) == 1:
        shutil.copyfile(sources[0].path, target)
    else:
        _write_csv(target, fields, _merged_rows(sources, fields, [], str(manifest.path)))
    return target, schema


def _inline_schema(schema: dict, resource_names: set[str], where: str) -> dict:
    """The schema to embed: no $schema pointer, foreign keys checked to point inside the package."""
    schema = {k: v for k, v in schema.items() if k != "$schema"}
    for fk in schema.get("foreignKeys", []):
        target = fk.get("reference", {}).get("resource", "")
        if target not in ("", *resource_names):
            raise InputError(f"a foreign key refers to resource {target!r}, which this package does not hold", where=where)
    return schema


def _subset_catalogue(indicator_rows, area_rows, used_indicators: set[str], used_areas: set[str]):
    indicators = [row for row in indicator_rows if row.get("id") in used_indicators]
    for row in indicators:
        if row.get("comparator_area_code"):
            used_areas.add(row["comparator_area_code"])
    parents = {row.get("area_code"): row.get("parent_code") for row in area_rows}
    frontier = list(used_areas)
    while frontier:  # keep enclosing areas so the geography reads whole
        parent = parents.get(frontier.pop())
        if parent and parent not in used_areas and parent in parents:
            used_areas.add(parent)
            frontier.append(parent)
    areas = [row for row in area_rows if row.get("area_code") in used_areas]
    return indicators, areas


# --------------------------------------------------------------------------- the build


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
    from stoke_opendata.definitions import load_catalogue
    from stoke_opendata.progress import FIELD_NAMES, csv_cells, observations_from_rows, progress_table, targets_from_rows

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
    work = Path(tempfile.mkdtemp(prefix=f".{manifest.name}.", dir=out_dir))
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
            if len(sources) == 1:
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
        from stoke_opendata.injection import neutralise_file

        for path, schema in files.values():
            neutralise_file(path, schema)

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
                    "hash": f"sha256:{sha256_of(path)}",
                    "schema": _inline_schema(schema, names, f"{manifest.path}: {table}"),
                }
            )

        chart_entries = []
        if manifest.charts:
            chart_entries = _draw_charts(manifest, work, observations_rows, progress_rows, catalogue)
            for entry in chart_entries:
                path = work / entry["path"]
                resources.append(
                    {
                        "name": entry["name"],
                        "title": entry["title"],
                        "description": entry["description"],
                        "path": entry["path"],
                        "format": manifest.chart_format,
                        "mediatype": CHART_MEDIATYPES[manifest.chart_format],
                        "bytes": path.stat().st_size,
                        "hash": f"sha256:{sha256_of(path)}",
                    }
                )

        descriptor = _descriptor(manifest, datasets, catalogue, created, resources, observations_rows)
        write_json(work / "datapackage.json", descriptor)
        _write_readme(work, manifest, descriptor, progress_rows, chart_entries, catalogue)

        final = out_dir / manifest.name
        _replace_dir(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise

    zip_path = None
    if make_zip:
        zip_path = write_zip(final, out_dir / f"{manifest.name}.zip", created)
    return BuiltPackage(manifest.name, final, descriptor, zip_path, [c["path"] for c in chart_entries], progress_rows)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _replace_dir(new: Path, final: Path) -> None:
    os.chmod(new, 0o777 & ~_umask())  # mkdtemp made it private; a package is meant to be shared
    if final.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old.", dir=final.parent))
        os.replace(final, old / final.name)
        os.replace(new, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, final)


def write_zip(folder: Path, zip_path: Path, created: datetime) -> Path:
    """Zip a built package reproducibly: sorted entries, fixed timestamps and permissions."""
    stamp = max(created.astimezone(timezone.utc), datetime(1980, 1, 1, tzinfo=timezone.utc))
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second - stamp.second % 2)
    entries = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    fd, tmp = tempfile.mkstemp(prefix=f".{zip_path.name}.", dir=zip_path.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w") as archive:
            for entry in entries:
                info = zipfile.ZipInfo(entry, date_time=date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3
                info.external_attr = 0o100644 << 16
                archive.writestr(info, (folder / entry).read_bytes(), compresslevel=9)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, zip_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return zip_path


# --------------------------------------------------------------------------- metadata


def _sources(catalogue, indicator_ids: list[str]) -> list[dict]:
    """One source per council document the package's indicators come from, with the sections cited."""
    sections: dict[str, set[str]] = {}
    for indicator_id in indicator_ids:
        ind = catalogue.indicators.get(indicator_id)
        if ind is None:
            continue
        for title, section in citations(ind.document, ind.section):
            sections.setdefault(title, set())
            if section:
                sections[title].add(section)
    out = []
    for title in sorted(sections):
        entry = {"title": title}
        if sections[title]:
            entry["section"] = "; ".join(sorted(sections[title]))
        out.append(entry)
    return out


def _temporal_coverage(rows: list[dict[str, str]], catalogue) -> str:
    periods = []
    for row in rows:
        ind = catalogue.indicators.get(row.get("indicator_id"))
        periods.append((sort_key(row.get("period") or "", ind.frequency if ind else None), row.get("period") or ""))
    periods = [p for p in periods if p[0][0] != float("inf")]
    if not periods:
        return ""
    first, last = min(periods)[1], max(periods)[1]
    return first if first == last else f"{first} to {last}"


def _descriptor(manifest, datasets, catalogue, created, resources, observations_rows) -> dict:
    indicator_ids = sorted({r.get("indicator_id") for r in observations_rows if r.get("indicator_id")})
    for dataset in datasets:
        if "targets" in dataset.tables:
            indicator_ids = sorted(set(indicator_ids) | {r.get("indicator_id") for r in dataset.tables["targets"].rows})
    if manifest.catalogue == "full" and "indicators" in manifest.tables:
        indicator_ids = sorted(catalogue.indicators)
    area = catalogue.areas.get(manifest.spatial_coverage)
    extras = {
        "frequency": manifest.update_frequency,
        "spatial_coverage": manifest.spatial_coverage,
        "spatial_coverage_name": area.area_name if area else "",
        "temporal_coverage": _temporal_coverage(observations_rows, catalogue),
        "themes": ",".join(manifest.groups),
        "source_datasets": ",".join(manifest.datasets),
        "indicator_count": str(len(indicator_ids)),
        "progress_method": "straight line from baseline to target, respecting higher_is_better (see README)",
        **manifest.extras,
    }
    return {
        "name": manifest.name,
        "title": manifest.title,
        "description": manifest.description,
        "version": manifest.version,
        "created": _iso(created),
        "licenses": [{"name": manifest.licence, "title": manifest.licence_title, "path": manifest.licence_url}],
        "sources": _sources(catalogue, indicator_ids),
        "contributors": [
            {"title": manifest.organisation.title, "role": PUBLISHER, "organization": manifest.organisation.title},
            {"title": manifest.maintainer, "email": manifest.maintainer_email, "role": "maintainer",
             "organization": manifest.organisation.title},
        ],
        "keywords": list(manifest.keywords),
        "resources": resources,
        # Read by `stoke-opendata publish`: where the dataset goes on the CKAN portal.
        "ckan": {
            "name": manifest.name,
            "organization": {"name": manifest.organisation.name, "title": manifest.organisation.title},
            "groups": list(manifest.groups),
            "maintainer": manifest.maintainer,
            "maintainer_email": manifest.maintainer_email,
            "license_id": manifest.licence,
            "extras": dict(sorted(extras.items())),
        },
    }


# --------------------------------------------------------------------------- charts


def _draw_charts(manifest: Manifest, work: Path, observations_rows, progress_rows, catalogue) -> list[dict]:
    """One chart per indicator with data: the package's area (or, where it has no figure, the area with
    the most figures) against the indicator's comparator, with the straight line to its target."""
    from stoke_opendata.charts import ChartSpec, Series, draw
    from stoke_opendata.progress import format_number

    values: dict[tuple[str, str], dict[str, float]] = {}
    sources: dict[tuple[str, str], list[str]] = {}
    for row in observations_rows:
        value = (row.get("value") or "").strip()
        if not value:
            continue
        key = (row.get("indicator_id"), row.get("area_code"))
        values.setdefault(key, {})[row.get("period")] = float(value)  # a later dataset restates a period
        source = (row.get("source") or "").strip()
        if source and source not in sources.setdefault(key, []):
            sources[key].append(source)
    targets = {}
    for prow in progress_rows:
        if prow.target_level is not None and prow.baseline_value is not None and prow.baseline_period:
            targets[(prow.indicator_id, prow.area_code)] = prow  # in target-period order: the last one wins

    def name_of(code: str) -> str:
        area = catalogue.areas.get(code)
        return area.area_name if area else code

    entries = []
    for indicator_id in sorted({i for i, _ in values}):
        ind = catalogue.indicators.get(indicator_id)
        if ind is None:
            continue
        areas = {a: len(v) for (i, a), v in values.items() if i == indicator_id}
        if manifest.spatial_coverage in areas:
            main = manifest.spatial_coverage
        else:
            candidates = [a for a in areas if a != ind.comparator_area_code] or list(areas)
            main = sorted(candidates, key=lambda a: (-areas[a], a))[0]
        comparator = None
        comparator_code = ind.comparator_area_code if ind.comparator_area_code != main else None
        if comparator_code and (indicator_id, comparator_code) in values:
            comparator = Series(name_of(comparator_code), tuple(sorted(values[(indicator_id, comparator_code)].items())))
        target = None
        prow = targets.get((indicator_id, main))
        if prow is not None:
            sign = {True: 1, False: -1}.get(prow.higher_is_better)
            if sign is not None and (prow.target_level - prow.baseline_value) * sign <= 0:
                # the baseline already meets the target: show the target as the level to stay beyond
                start = (prow.baseline_period, prow.target_level)
            else:
                start = (prow.baseline_period, prow.baseline_value)
            target = Series(
                f"Target: {format_number(prow.target_level)} by {prow.target_period}",
                (start, (prow.target_period, prow.target_level)),
            )
        cited = sources.get((indicator_id, main), []) + (sources.get((indicator_id, comparator_code), []) if comparator else [])
        cited = list(dict.fromkeys(cited))
        if not cited:
            cited = [f"{title}, {section}" if section else title for title, section in citations(ind.document, ind.section)]
        source_text = "; ".join(cited[:3]) + ("; and others" if len(cited) > 3 else "")
        subtitle = f"{name_of(main)} ({main})" + (f" against {comparator.label} ({comparator_code})" if comparator else "")
        spec = ChartSpec(
            title=ind.title,
            unit=ind.unit,
            source=f"{source_text}. {manifest.organisation.title}, {manifest.licence_title}.",
            city=Series(name_of(main), tuple(sorted(values[(indicator_id, main)].items()))),
            comparator=comparator,
            target=target,
            frequency=ind.frequency,
            subtitle=subtitle,
        )
        rel = f"charts/{indicator_id}.{manifest.chart_format}"
        (work / "charts").mkdir(exist_ok=True)
        draw(spec, work / rel, manifest.chart_format)
        what = f"{name_of(main)} against {comparator.label}" if comparator else name_of(main)
        entries.append(
            {
                "name": f"chart-{indicator_id}",
                "title": f"Chart: {ind.title}",
                "description": f"{ind.title}: {what}" + (f", with the straight line to the target ({target.label[8:]})" if target else "") + ".",
                "path": rel,
                "indicator_id": indicator_id,
                "indicator_title": ind.title,
            }
        )
    return entries


# --------------------------------------------------------------------------- README


def _write_readme(work: Path, manifest, descriptor, progress_rows, chart_entries, catalogue) -> None:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from stoke_opendata.progress import METHOD_STEPS, format_number

    env = Environment(
        loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = lambda v: "" if v is None else format_number(v)
    env.filters["cell"] = lambda v: ("" if v is None else str(v)).replace("|", "\\|").replace("\n", " ")
    tables = []
    for resource in descriptor["resources"]:
        if resource.get("format") == "csv":
            _, rows = read_csv(work / resource["path"])
            tables.append({**resource, "rows": len(rows), "columns": [f["name"] for f in resource["schema"]["fields"]]})
    text = env.get_template("package_readme.md.j2").render(
        manifest=manifest,
        package=descriptor,
        tables=tables,
        progress=progress_rows,
        charts=chart_entries,
        method_steps=METHOD_STEPS,
        year=descriptor["created"][:4],
        area_name=lambda code: catalogue.areas[code].area_name if code in catalogue.areas else code,
    )
    (work / "README.md").write_text(text, encoding="utf-8")
