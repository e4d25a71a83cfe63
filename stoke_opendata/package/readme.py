"""The README of a built package, rendered from templates/package_readme.md.j2.
"""

from __future__ import annotations

import functools
from pathlib import Path

from stoke_opendata.catalogue.dataset_tables import (
    read_csv,
)


@functools.lru_cache(maxsize=1)
def _environment():
    """One Jinja2 environment per process: compiling the template took ~17% of an unchanged `package` run
    (once per package) once charts came from the cache."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from stoke_opendata.package.progress import format_number

    env = Environment(
        loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = lambda v: "" if v is None else format_number(v)
    env.filters["cell"] = lambda v: ("" if v is None else str(v)).replace("|", "\\|").replace("\n", " ")
    return env


def _write_readme(work: Path, manifest, descriptor, progress_rows, chart_entries, catalogue) -> None:
    from stoke_opendata.package.progress import METHOD_STEPS

    env = _environment()
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

