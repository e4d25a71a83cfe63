"""Validation first: a dataset that fails validation is never packaged.

Uses the shared validator (stoke_opendata.validate.validator) when present, frictionless otherwise, and
keeps the report to show a steward when a dataset is refused.
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
    descriptor_path = dataset.descriptor_path
    try:
        from stoke_opendata.validate import validator as shared
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
        from stoke_opendata.validate import report as report_module
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
        from stoke_opendata.validate import report as report_module
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

