"""`stoke-opendata accept FILE... --into DATASET`: validate a steward's figures, plan, and add them to a dataset.

A thin shell over stoke_opendata.accept.run: parses options, prints the validation report when it fails,
then the plan (added / revised / unchanged) and what was written.
"""

from __future__ import annotations

import json

import click

SHOWN = 20


def _plan_text(result, dry_run: bool) -> str:
    plan = result.plan
    c = plan.counts()
    lines = [f"plan for {plan.dataset}: {c['added']} added, {c['revised']} revised, {c['unchanged']} unchanged"]
    for row in plan.added.head(SHOWN).iter_rows(named=True):
        lines.append(f"  + {row['indicator_id']} {row['area_code']} {row['period']}: {row['value'] or '(blank)'} ({row['status']})")
    if plan.added.height > SHOWN:
        lines.append(f"  ... and {plan.added.height - SHOWN} more added")
    for row in plan.revised.head(SHOWN).iter_rows(named=True):
        lines.append(f"  ~ {row['indicator_id']} {row['area_code']} {row['period']}: "
                     f"{row['old_value'] or '(blank)'} ({row['old_status']}) -> {row['value'] or '(blank)'} ({row['status']})")
    if plan.revised.height > SHOWN:
        lines.append(f"  ... and {plan.revised.height - SHOWN} more revised")
    if plan.changes == 0:
        lines.append("nothing to change: the dataset already holds these figures")
    elif dry_run:
        if result.requires:
            lines.append(f"the real run will require {' and '.join(result.requires)} ({plan.revised.height} value(s) revised)")
        lines.append("dry run: nothing written")
    else:
        lines.append(f"accepted into {plan.dataset}: wrote {', '.join(sorted(result.written))}; "
                     f"{result.revisions} revision(s) recorded")
    return "\n".join(lines)


@click.command("accept")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@click.option("--into", "into", required=True, metavar="DATASET", help="The bundled dataset to add the figures to.")
@click.option("--sheet", help="Excel sheet to read (default: the first whose first row is the header).")
@click.option("--dry-run", is_flag=True, help="Validate and print the plan; write nothing.")
@click.option("--by", "by", metavar="NAME", help="Who accepts the figures (default: $STOKE_OPENDATA_STEWARD); required when a value is revised.")
@click.option("--reason", metavar="TEXT", help="Why values are revised (kept in the revisions table); required when a value is revised.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output on stdout.")
def command(files, into, sheet, dry_run, by, reason, fmt):
    """Accept a steward's validated figures into a dataset, keeping every superseded value.

    \b
    1. validate the FILEs (CSV or XLSX); any error: the report is printed, nothing is written, exit 1;
    2. plan, by key (indicator_id, area_code, period): rows added, revised (another value or status:
       the row's status becomes revised and the old value goes to the dataset's revisions table, with
       when, who, why and the file's sha256) and unchanged; --dry-run stops here;
    3. apply atomically (new files written beside the old, fsynced, swapped in), holding a lock on the
       dataset so two stewards at once lose nothing. Accepting the same file again changes nothing.
    A blank status is read as final (a warning says so).
    Exit codes: 0 accepted (or nothing to change), 1 invalid data, 2 usage error, locked or unwritable dataset.
    """
    from stoke_opendata.validate import report as render
    from stoke_opendata.api import accept_submission

    result = accept_submission(list(files), into, sheet=sheet, dry_run=dry_run, by=by, reason=reason)
    if fmt == "json":
        data = {"validation": render.to_dict(result.report)}
        if result.plan is not None:
            data["plan"] = result.plan.to_dict()
            data["dry_run"] = dry_run
            data["applied"] = result.applied
            data["revisions_recorded"] = result.revisions
            data["requires"] = result.requires or []
        click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
        return result.exit_code
    if result.plan is None or result.report.warnings:
        click.echo(render.to_text(result.report), nl=False)
    if result.plan is not None:
        click.echo(_plan_text(result, dry_run))
    return result.exit_code
