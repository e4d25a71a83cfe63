"""Validation first: a dataset that fails validation is never packaged.

Runs the validator (stoke_opendata.validate.validator) on each dataset's descriptor and keeps the report to
show a steward when a dataset is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from stoke_opendata.catalogue.dataset_tables import (
    SourceDataset,
    read_dataset,
)


@dataclass
class ValidationOutcome:
    """Whether one source dataset passed validation, with the report to show when it did not."""

    name: str
    path: Path
    valid: bool
    text: str
    data: dict = field(default_factory=dict)


def check_datasets(names: list[str]) -> list[ValidationOutcome]:
    """Validate each source dataset (its datapackage.json) before anything is packaged."""
    return [_validate_one(read_dataset(name)) for name in names]


def _validate_one(dataset: SourceDataset) -> ValidationOutcome:
    """The validator's report on a dataset's descriptor (every resource, foreign keys resolved against the
    dataset's own indicators and areas, which for bundled datasets are the catalogue)."""
    from stoke_opendata.validate.report import to_dict, to_text
    from stoke_opendata.validate.validator import validate_package

    report = validate_package(dataset.descriptor_path)
    return ValidationOutcome(dataset.name, dataset.descriptor_path, report.valid, to_text(report), to_dict(report))
