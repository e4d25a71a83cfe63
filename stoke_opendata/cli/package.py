"""`stoke-opendata package [NAME...] --out DIR [--zip]`: validated datasets -> Frictionless Data Packages.

A thin shell over stoke_opendata.package.manifests (what to build) and stoke_opendata.package.build (validate, build).
"""

from __future__ import annotations

import json

import click


@click.command("package")
@click.argument("names", metavar="[DATASET|PACKAGE]...", nargs=-1)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str),
              help="Folder to write the packages into (out/<package>/, and out/<package>.zip with --zip).")
@click.option("--zip", "make_zip", is_flag=True, help="Also write each package as a reproducible zip file.")
@click.option("--manifests", "manifest_dir", type=click.Path(file_okay=False, exists=True, path_type=str), default=None,
              help="Folder of publication manifests (default: publish/).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="How to report what was built (or why it was refused).")
def command(names, out_dir, make_zip, manifest_dir, fmt):
    """Validate, then package datasets as Frictionless Data Packages, as publish/*.yaml declares.

    Each NAME is a bundled dataset (every package holding it is built) or a package name from a
    manifest; with no NAME every package is built. Every source dataset is validated first: if any
    has an error, the report is printed, nothing is built, and the exit code is 1.

    A package holds its data, the derived progress table, the indicator definitions and areas it
    uses, one chart per indicator with data, a README.md, and a datapackage.json with inline Table
    Schemas and the bytes and sha256 of every file. Builds are reproducible: `created` comes from
    SOURCE_DATE_EPOCH when set, otherwise from the data's own latest date, never the clock.
    """
    from pathlib import Path

    from stoke_opendata.errors import UsageError
    from stoke_opendata.package.manifests import load_manifests, select
    from stoke_opendata.package.build import build_package
    from stoke_opendata.package.gate import check_datasets

    manifests = load_manifests(Path(manifest_dir) if manifest_dir else None)
    if not manifests:
        raise UsageError("there are no manifests to build from (publish/*.yaml)")
    chosen = select(manifests, list(names))
    datasets = sorted({d for m in chosen for d in m.datasets})

    outcomes = check_datasets(datasets)
    invalid = [o for o in outcomes if not o.valid]
    if invalid:
        if fmt == "json":
            click.echo(json.dumps({"valid": False, "refused": [m.name for m in chosen],
                                   "datasets": [{"name": o.name, "path": str(o.path), "valid": o.valid,
                                                 "report": o.data or o.text} for o in outcomes]}, indent=2))
        else:
            for outcome in invalid:
                click.echo(outcome.text)
            click.echo(
                f"refused: {len(invalid)} of {len(outcomes)} dataset(s) failed validation "
                f"({', '.join(o.name for o in invalid)}); nothing was packaged",
                err=True,
            )
        raise click.exceptions.Exit(1)

    built = [build_package(m, Path(out_dir), make_zip=make_zip) for m in chosen]
    if fmt == "json":
        click.echo(json.dumps({"valid": True, "packages": [
            {"name": b.name, "path": str(b.directory), "zip": str(b.zip_path) if b.zip_path else None,
             "resources": len(b.descriptor["resources"]), "charts": len(b.charts),
             "progress": {s: sum(1 for r in b.progress if r.status == s) for s in sorted({r.status for r in b.progress})}}
            for b in built]}, indent=2))
        return 0
    click.echo(f"validated {len(outcomes)} dataset(s): no errors")
    for b in built:
        tables = sum(1 for r in b.descriptor["resources"] if r.get("format") == "csv")
        extra = f", {b.zip_path}" if b.zip_path else ""
        click.echo(f"built {b.directory}{extra}: {tables} table(s), {len(b.charts)} chart(s), {len(b.progress)} progress row(s)")
    return 0
