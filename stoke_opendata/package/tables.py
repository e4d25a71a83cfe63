"""Assembling a package's tables from several source datasets: one schema per table, rows merged on the
primary key, inline schemas, and the part of the catalogue and areas the package refers to.
"""

from __future__ import annotations

from stoke_opendata.catalogue.dataset_tables import (
    SourceDataset,
    Table,
)
from stoke_opendata.errors import InputError
from stoke_opendata.package.manifests import Manifest


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


def _revisions_file(datasets: list[SourceDataset], target, manifest: Manifest) -> tuple:
    """data/revisions.csv of a package: the datasets' revisions tables (header only when none has one yet)."""
    import json
    import shutil

    from stoke_opendata.catalogue import paths
    from stoke_opendata.package.files import _write_csv

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

