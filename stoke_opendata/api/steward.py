"""What a steward starts from: a template to fill, and the list of datasets (the CLI and the steward portal
call these; the wording and the rows live in the core: validate/template.py, catalogue/template_rows.py)."""

from __future__ import annotations

from pathlib import Path


def make_template(out: str | Path, dataset: str | None = None, indicators: list[str] | None = None) -> int:
    """Write a template (.xlsx or .csv) for a bundled dataset or a list of indicator ids; returns its row count."""
    from stoke_opendata.catalogue.dataset_tables import read_dataset
    from stoke_opendata.catalogue.definitions import load_catalogue
    from stoke_opendata.catalogue.template_rows import template_rows
    from stoke_opendata.errors import UsageError
    from stoke_opendata.validate.template import write_template
    from stoke_opendata.validate.validator import load_schema

    if not dataset and not indicators:
        raise UsageError("name a dataset or give --indicator ID (`stoke-opendata datasets` lists the datasets)")
    catalogue = load_catalogue()
    from stoke_opendata.catalogue.datasets import list_datasets

    observations = []
    for name in [dataset] if dataset else list_datasets():  # the latest figure of each series sets the next period
        source = read_dataset(name)
        observations += source.tables["observations"].rows if "observations" in source.tables else []
    rows = template_rows(catalogue, observations, list(indicators or []) or None)
    ids = sorted(catalogue.indicators) if not dataset else sorted({r.indicator_id for r in rows} | {o["indicator_id"] for o in observations})
    areas = _areas(catalogue)
    schema, _ = load_schema("observations")
    write_template(rows, schema, out, ids, areas)
    return len(rows)


def _areas(catalogue) -> list[str]:
    """Every area code the catalogue knows, the city first, then the others the documents use, then the LSOAs."""
    from stoke_opendata.catalogue.vocabulary import STOKE

    return sorted(catalogue.areas, key=lambda code: (code != STOKE, catalogue.areas[code].area_type == "lsoa", code))


def dataset_listing() -> list[dict]:
    """One entry per bundled dataset: name, title, indicator count, observation count and last release."""
    from stoke_opendata.catalogue.dataset_listing import listing

    return listing()
