"""`stoke-opendata validate PATH...`: check submissions and packages; print text, JSON or write HTML.

A thin shell over stoke_opendata.api.validate_data (the function analysts call on files and DataFrames).

Exit codes: 0 valid (warnings allowed), 1 invalid, 2 usage error or unreadable input.
"""

from __future__ import annotations

import click


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str))
@click.option("--sheet", help="Excel sheet to read (default: the first whose first row is the header).")
@click.option("--schema", "schema", help="Table Schema: observations (default), targets, indicators, areas, or a path to a schema JSON.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Report format on stdout.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=str), help="Also write the report as one self-contained HTML page.")
@click.option("--fix", "fix_path", type=click.Path(dir_okay=False, path_type=str), help="Write a corrected copy to this .csv or .xlsx (every rewrite the messages offer; figures never changed), list every change, then validate the copy.")
@click.option("--suppressed-marker", "markers", multiple=True, metavar="TEXT", help='With --fix: a marker ("-", "n/a") that means the figure is suppressed; such cells become blank with status suppressed. Repeatable.')
@click.option("--catalogue", "catalogue_dir", type=click.Path(file_okay=False, path_type=str), help="Folder with indicators.csv and areas.csv (default: the bundled catalogue).")
@click.option("--history/--no-history", default=True, show_default=True, help="Compare values with the bundled datasets (outlier and gap warnings).")
@click.option(
    "--engine",
    type=click.Choice(["auto", "memory", "query", "batched", "spark"]),
    default="auto",
    show_default=True,
    help="memory: whole table in memory; query: the rules as one polars query, streamed above STOKE_OPENDATA_STREAM_OVER_MB (200) in bounded memory; batched: partitioned by series on disk by a line scanner; spark: on Apache Spark; auto: query for a CSV or Parquet file above STOKE_OPENDATA_BATCH_OVER_MB (200) or a folder of parts, else memory.",
)
@click.option("--spark-master", metavar="URL", help="With --engine spark: the cluster's master URL (default local[*]).")
@click.option("--max-per-code", type=click.IntRange(min=0), default=20, show_default=True, help="Text report: rows shown per error code (0 = all).")
def command(paths, sheet, schema, fmt, html_path, fix_path, markers, catalogue_dir, history, engine, spark_master, max_per_code):
    """Validate CSV/XLSX submissions and data package descriptors against the published definitions.

    \b
    Every problem in one run: file, row (as a spreadsheet shows it), column, value, code, what is
    wrong and how to fix it. Warnings (outliers, guessed delimiter or encoding) do not fail.
    Exit codes: 0 valid, 1 invalid, 2 usage error or unreadable input.
    """
    from stoke_opendata.validate import report as render
    from stoke_opendata.errors import UsageError
    from stoke_opendata.api import validate_data

    if markers and not fix_path:
        raise UsageError("--suppressed-marker only applies with --fix OUT")
    if fix_path:
        if len(paths) != 1:
            raise UsageError("--fix writes one file: give exactly one input file")
        from stoke_opendata.validate.fixing import changes_text
        from stoke_opendata.validate.validator import fix_path as apply_fix

        changes = apply_fix(paths[0], fix_path, sheet=sheet, schema=schema, catalogue_dir=catalogue_dir, markers=markers)
        if fmt == "text":
            click.echo(changes_text(changes) + f"fix: wrote {fix_path}; validating it:\n")
        paths, sheet = (fix_path,), None
    if spark_master and engine != "spark":
        raise UsageError("--spark-master applies with --engine spark")
    result = validate_data(list(paths), sheet=sheet, schema=schema, catalogue=catalogue_dir, history=history,
                           engine=engine, spark_master=spark_master)
    if html_path:
        from stoke_opendata.safety.atomic import atomic_write

        with atomic_write(html_path) as fh:
            fh.write(render.to_html(result))
    if fmt == "json":
        data = render.to_dict(result)
        if fix_path:
            data["fix"] = {"output": fix_path, "changes": [c.to_dict() for c in changes]}
        import json

        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(render.to_text(result, max_per_code=max_per_code), nl=False)
        if html_path:
            click.echo(f"wrote {html_path}")
    return result.exit_code
