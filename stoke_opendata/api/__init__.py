"""The Python API for analysts and jobs: the functions the CLI commands are thin shells over.

Stable names (exported lazily from `stoke_opendata`, documented in docs/python.md): validate_data,
build_packages, publish_packages, download_dataset, pandera_schema, problems_from_pandera, Report, Problem
(the verbs carry a noun: `stoke_opendata.validate` and `stoke_opendata.package` are the sub-packages). Everything else in the package is
internal. The heavy libraries (polars, pandas, pandera, matplotlib, ckanapi) are imported inside the
functions, so `import stoke_opendata` stays light.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from stoke_opendata.validate.problems import Problem, Report

__all__ = ["validate_data", "accept_submission", "build_packages", "publish_packages", "download_dataset", "pandera_schema", "problems_from_pandera", "Report", "Problem",
           "Packaged", "Published", "release_datasets", "build_residents_site", "Released", "due_figures"]


def validate_data(source, *, schema=None, sheet: str | None = None, catalogue=None, history: bool = True,
                  name: str | None = None, engine: str = "auto", spark_master: str | None = None, checks=()) -> Report:
    """Validate `source` against the published definitions and return the Report the CLI prints.

    `source`: a pandas or polars DataFrame (or LazyFrame), a CSV/XLSX file, a datapackage.json, or a list of
    files. `schema`: observations (default), targets, indicators, areas, a path to a Table Schema or a dict.
    `catalogue`: a folder with indicators.csv and areas.csv (default: the bundled catalogue).
    `history`: compare values with the bundled datasets (outlier and gap warnings). `name`: what the report
    calls a DataFrame (default "DataFrame"). Rows are numbered as in a CSV of the frame: the header is row 1.
    `engine` (files only): auto, memory, batched (out of core) or spark, with `spark_master` for a cluster
    (docs/scale.md). `checks`: checks of your own (subclasses of stoke_opendata.validate.checks.Check or
    RowCheck, classes or instances), run with the registered ones by every engine; checks installed by other
    packages (entry-point group `stoke_opendata.checks`) always run (docs/validation.md, "Adding a check").
    Unreadable input raises stoke_opendata.errors.InputError (the CLI's exit 2), with a one-line message; a
    check plugin that cannot be loaded, or a code two checks declare, a UsageError naming it.
    """
    from stoke_opendata.api.frames import NAME, frame_to_table, is_dataframe
    from stoke_opendata.validate.checks import declared
    from stoke_opendata.validate.validator import load_schema, validate_table

    checks = declared(checks)  # (importing the checks registers the installed plugins, or says which one fails)

    if is_dataframe(source):
        table_schema, _label = load_schema(schema)
        names = {f.get("name") for f in table_schema["fields"] if isinstance(f, dict)}
        table = frame_to_table(source, names, name or NAME)
        return validate_table(table, schema=schema, catalogue_dir=catalogue, history=history, checks=checks)
    paths = [source] if isinstance(source, (str, Path)) else source
    if not isinstance(paths, (list, tuple)) or not all(isinstance(p, (str, Path)) for p in paths):
        from stoke_opendata.errors import UsageError

        raise UsageError(f"validate_data takes a pandas or polars DataFrame, a path or a list of paths, not {type(source).__name__}")
    from stoke_opendata.engines import validate as validate_with_engine

    return validate_with_engine(list(paths), engine=engine, sheet=sheet, schema=schema, catalogue_dir=catalogue,
                                history=history, spark_master=spark_master, checks=checks)


def pandera_schema(*, catalogue=None, backend: str = "polars", schema="observations", history: bool = True, checks=()):
    """A pandera DataFrameSchema of the published definitions: typed columns from the Table Schema and one
    named Check per meaning rule (per rule and indicator where the rule reads the indicator's definition).
    `backend`: "polars" (pandera.polars) or "pandas" (pandera.pandas). Use `schema.validate(df, lazy=True)`;
    `problems_from_pandera(exc)` turns its SchemaErrors into Problems with the CLI's codes. `history`: the
    plausibility warning compares each value with the bundled figures of its series, as `validate` does.
    `checks`: row checks of your own, added to the registered ones (as validate_data's)."""
    from stoke_opendata.validate.checks.pandera_adapter import build_schema
    from stoke_opendata.validate.pipeline import Catalogue, bundled_history, load_schema

    table_schema, label = load_schema(schema)
    source = Catalogue(catalogue)
    return build_schema(table_schema, source.definitions(), source.reference, backend=backend, name=label,
                        history=bundled_history(set()) if history else None, checks=checks)


def problems_from_pandera(error, file: str = "DataFrame") -> list[Problem]:
    """The failure cases of a pandera SchemaErrors (from `pandera_schema().validate(df, lazy=True)`) as Problems:
    code (the CLI's: type-error, constraint-error, primary-key, out-of-bounds, ...), row, column, value."""
    from stoke_opendata.validate.checks.pandera_adapter import problems_from_failures

    return problems_from_failures(error, file)


@dataclass
class Packaged:
    """What `build_packages` did: every source dataset's validation outcome, and the packages built (none if refused)."""

    outcomes: list
    built: list = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return all(o.valid for o in self.outcomes)


def build_packages(names=(), out_dir="out", *, make_zip: bool = False, manifests=None) -> Packaged:
    """Validate the source datasets, then build the data packages publish/*.yaml declares into `out_dir`.
    `names`: bundled datasets or package names (none: every package). If any source dataset has an error,
    nothing is built: the result lists the outcomes and the refused packages (`.valid` is False)."""
    from stoke_opendata.errors import UsageError
    from stoke_opendata.package.manifests import load_manifests, select
    from stoke_opendata.package.build import build_package
    from stoke_opendata.package.gate import check_datasets

    found = load_manifests(Path(manifests) if manifests else None)
    if not found:
        raise UsageError("there are no manifests to build from (publish/*.yaml)")
    chosen = select(found, [names] if isinstance(names, str) else list(names))
    outcomes = check_datasets(sorted({d for m in chosen for d in m.datasets}))
    if not all(o.valid for o in outcomes):
        return Packaged(outcomes=outcomes, refused=[m.name for m in chosen])
    return Packaged(outcomes=outcomes, built=[build_package(m, Path(out_dir), make_zip=make_zip) for m in chosen])


@dataclass
class Published:
    """What `publish_packages` planned and (unless a dry run) did; `portal` is the URL it spoke to."""

    plan: object
    outcome: object | None
    portal: str


def publish_packages(package_dirs, *, portal: str | None = None, dry_run: bool = False, prune: bool = False,
            progress: bool = False, log=None, on_plan=None) -> Published:
    """Plan, then publish built packages to a CKAN portal (token from CKAN_API_TOKEN or the config file only).
    Every package is read and checked first: an invalid one raises InvalidDataError before anything is sent.
    `on_plan(plan)` is called before anything changes; `dry_run` stops there."""
    from stoke_opendata.portal import client as portal_client
    from stoke_opendata.portal.credentials import resolve_settings
    from stoke_opendata.portal import publishing
    from stoke_opendata.portal.local_package import read_package
    from stoke_opendata.portal.publish_gate import check_package
    from stoke_opendata.errors import UsageError

    dirs = [package_dirs] if isinstance(package_dirs, (str, Path)) else list(package_dirs)
    packages = [read_package(d) for d in dirs]
    names = [p.name for p in packages]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise UsageError(f"the dataset {dupes[0]} is given twice")
    for one in packages:
        check_package(one)
    settings = resolve_settings(portal)
    with portal_client.PortalClient(settings) as client:
        publisher = publishing.Publisher(client, prune=prune, progress=progress, log=log or (lambda s: None))
        plan = publisher.plan(packages)
        if dry_run:  # say whether the real run could publish, rather than plan as if it could
            plan.token = publisher.token_verdict({p.organisation["name"] for p in packages})
        if on_plan is not None:
            on_plan(plan)
        outcome = None if dry_run else publisher.apply(plan)
        return Published(plan=plan, outcome=outcome, portal=client.url)


def download_dataset(dataset: str, out, *, portal: str | None = None, progress: bool = False, log=None):
    """Fetch a published dataset into `out` as a data package, verify every file's sha256 and validate the
    tables before the folder is moved into place. Anonymous (no token is sent)."""
    from stoke_opendata.portal import download as downloading
    from stoke_opendata.portal import client as portal_client
    from stoke_opendata.portal.credentials import resolve_settings

    settings = resolve_settings(portal, anonymous=True)
    with portal_client.PortalClient(settings) as client:
        return downloading.download_dataset(client, dataset, Path(out), progress=progress, log=log or (lambda s: None))


def accept_submission(files, into: str, *, sheet: str | None = None, dry_run: bool = False, by: str | None = None,
                      reason: str | None = None):
    """Bring a steward's validated figures into bundled dataset `into` (docs/cli.md `accept`): validate first
    (with errors nothing is written), plan added / revised / unchanged rows, then apply atomically under the
    dataset's lock, keeping every superseded value in its revisions table. Returns the AcceptResult (`report`,
    `plan`, `applied`, `revisions`, `exit_code`). `by` defaults to STOKE_OPENDATA_STEWARD."""
    from stoke_opendata.accept.run import accept

    paths = [files] if isinstance(files, (str, Path)) else list(files)
    return accept(paths, into, sheet=sheet, dry_run=dry_run, by=by, reason=reason)


def release_datasets(names=(), **options):
    """Package, publish and build the site as one release (stoke_opendata.api.release: the function the
    `release` command, `make run` and jobs share). Options: out_dir, site_dir, portal, prune, publish,
    progress, log. Returns a Released (`.valid`, `.bytes_uploaded`, `.to_dict()`)."""
    from stoke_opendata.api.release import release_datasets as release

    return release(names, **options)


def due_figures(as_of=None, datasets=None):
    """What is due and overdue (docs/cli.md `due`): every indicator of the bundled datasets with its next
    expected period, the month its publisher usually releases it, and its state on `as_of` (a date;
    default today): overdue, due, expected or unknown, with the reason. Returns a list of package.due.Due."""
    from datetime import date

    from stoke_opendata.package.due import due_report

    return due_report(as_of or date.today(), list(datasets) if datasets else None)


def build_residents_site(package_dirs=(), out="site", *, portal: str | None = None):
    """Build the residents' static site from built package folders (none: the bundled datasets packaged
    afresh), linked to the portal's copies where they are published. Returns a SiteBuilt."""
    from stoke_opendata.api.release import build_residents_site as build

    return build(package_dirs, out, portal=portal)


def __getattr__(name):
    if name == "Released":
        from stoke_opendata.api.release import Released

        return Released
    raise AttributeError(name)
