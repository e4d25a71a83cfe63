"""The inputs of the progress table, read from bundled source datasets: their targets, observations and catalogue.

Kept beside progress (not in catalogue/) because it turns catalogue rows into progress's own records:
the catalogue layer must not import the packaging layer above it.
"""

from __future__ import annotations

from stoke_opendata.catalogue import paths
from stoke_opendata.catalogue.dataset_tables import bundled_dataset_names, read_dataset
from stoke_opendata.errors import UsageError


def read_progress_inputs(names: list[str]):
    """(targets, observations, catalogue) of the named datasets (all bundled ones when empty), ready for
    progress.progress_table. Datasets without a targets table contribute observations only."""
    from stoke_opendata.catalogue.definitions import load_catalogue
    from stoke_opendata.package.progress import observations_from_rows, targets_from_rows

    names = list(names) or bundled_dataset_names()
    if not names:
        raise UsageError(f"there are no datasets in {paths.datasets_dir()}")
    datasets = [read_dataset(name) for name in names]
    targets, observations = [], []
    for dataset in datasets:
        if "observations" in dataset.tables:
            observations += observations_from_rows(dataset.tables["observations"].rows, where=str(dataset.tables["observations"].path))
        if "targets" in dataset.tables:
            targets += targets_from_rows(dataset.tables["targets"].rows, where=str(dataset.tables["targets"].path))
    return targets, observations, load_catalogue(datasets[0].catalogue_dir)
