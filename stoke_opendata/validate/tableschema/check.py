"""All of a Table Schema's rules on one table: header, rows, types, constraints, keys. Never stops early.

Cells are cast non-strictly, so a cell that fails to cast becomes one type-error and every other column and
check still runs (no stop at the first bad cell).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from stoke_opendata.validate.problems import Problem
from stoke_opendata.validate.tables.table import ROW, Table, column_name
from stoke_opendata.validate.tableschema.constraints import _cell_checks
from stoke_opendata.validate.tableschema.field_types import read_columns
from stoke_opendata.validate.tableschema.hints import label_hint
from stoke_opendata.validate.tableschema.keys import _foreign_keys, primary_key_problems


@dataclass
class Checked:
    """A table after the structure layer: the raw text and the typed values of every schema field present,
    blank rows removed. Meaning checks run on this."""

    path: str
    raw: object  # polars.DataFrame: field name -> text (None where missing), ROW
    typed: object  # polars.DataFrame: field name -> typed value (None where blank or not castable), ROW
    present: set[str]
    schema: dict
    problems: list[Problem] = field(default_factory=list)
    short_rows: set[int] = field(default_factory=set)  # rows with missing cells or blank (reported once, structurally)
    # the distinct values of the coded text columns (those with a pattern or an enum), computed once for
    # their checks; other per-cell scans (formula-like text) can look at these instead of every cell
    distinct: dict = field(default_factory=dict)


References = Callable[[str, list[str]], object]  # (resource name, fields) -> polars DataFrame of keys, or None


def check_structure(table: Table, schema: dict, references: References | None = None, *, schema_label: str = "", keys: bool = True) -> Checked:
    """All Table Schema rules on one table: header, rows, types, constraints, keys. Never stops early.
    `keys=False` leaves out the primary key, the one rule here that compares rows with each other: the
    query engine checks it on the key columns of every row (pipeline.check_series), the rest on the rows
    its query flagged."""
    import polars as pl

    path = table.path
    problems: list[Problem] = list(table.problems)
    fields = schema.get("fields") if isinstance(schema.get("fields"), list) else []
    specs = {f["name"]: f for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)}
    names = list(specs)
    missing = schema.get("missingValues", [""])
    missing_values = [str(v) for v in missing] if isinstance(missing, list) else [""]
    width = len(table.labels)
    frame = table.frame
    header_row = table.header_row  # the spreadsheet's row of the header (below a title row: not 1)

    found, position_of = read_header(path, table.labels, specs, header_row, schema_label)
    problems.extend(found)

    # rows: blank, extra and missing cells ----------------------------------------------------------
    # (nothing is added to or filtered from the big frame: that would copy every column; blank rows stay,
    # all null, and are skipped by the checks below)
    counts = table.field_counts
    cells = [c for c in frame.columns if c != ROW]
    first_blank = frame[cells[0]].is_null()
    if first_blank.any():
        candidates = frame.filter(first_blank)
        blank_rows = candidates.filter(pl.all_horizontal([pl.col(c).is_null() for c in cells]))[ROW]
    else:
        blank_rows = pl.Series(ROW, [], dtype=pl.Int64)
    blank = frame[ROW].is_in(blank_rows.implode()) if blank_rows.len() else pl.repeat(False, frame.height, dtype=pl.Boolean, eager=True)
    odd = blank | (counts != width)
    positions = odd.arg_true()
    structural = pl.DataFrame(
        {
            ROW: frame[ROW].gather(positions),
            "__blank__": blank.gather(positions),
            "__count__": counts.gather(positions),
            # the first extra cell's text, as the reader found it (rows with more cells than the header)
            "__extra__": pl.Series([table.extra_values.get(i) for i in positions.to_list()], dtype=pl.String),
        }
    )
    for row, is_blank, count, extra in structural.iter_rows():
        if is_blank:
            problems.append(Problem(path, "blank-row", f"row {row} is completely blank", "delete the empty row", row=row))
        elif count > width:
            problems.append(
                Problem(
                    path,
                    "extra-cell",
                    f"row {row} has {count} cells but the header has {width}",
                    "delete the stray values beyond the last column, or quote a value that contains the delimiter",
                    row=row,
                    column=f"column {width + 1}",
                    value=extra,
                )
            )
        else:
            first_missing = table.labels[count] if count < width and table.labels[count].strip() else f"column {count + 1}"
            problems.append(
                Problem(
                    path,
                    "missing-cell",
                    f"row {row} has {count} cells but the header has {width}",
                    "add the missing cells (separators) so that every row has one cell per column",
                    row=row,
                    column=first_missing,
                )
            )

    # cells: missing values -> null, then cast ------------------------------------------------------
    raw_exprs = []
    other_missing = [v for v in missing_values if v != ""]  # blank cells are null already
    for name in names:
        if name in position_of:
            col = pl.col(column_name(position_of[name]))
            if other_missing:
                col = pl.when(col.is_in(other_missing)).then(None).otherwise(col)
            raw_exprs.append(col.alias(name))
        else:
            raw_exprs.append(pl.lit(None, dtype=pl.String).alias(name))
    raw = frame.select(pl.col(ROW), *raw_exprs)
    present = set(position_of)
    typed, invalid, untyped = read_columns(pl, raw, specs, present)

    # a cell beyond the end of a short row is reported once, as missing-cell, and a blank row once, as
    # blank-row: neither again as blank required cells
    # row -> cells it really has, for the few short and blank rows (a blank row counts as none), so that
    # a blank required cell in them is skipped when its problems are worded (no million-row mask per column)
    short = {row: (0 if is_blank else count) for row, is_blank, count, _extra in structural.iter_rows() if is_blank or count < width}
    distinct: dict = {}
    cell_problems = _cell_checks(pl, path, raw, typed, specs, present, position_of, short, distinct, invalid)
    problems.extend(cell_problems)
    if keys:
        problems.extend(primary_key_problems(pl, path, raw, typed, schema, present, short, untyped))
    problems.extend(_foreign_keys(pl, path, raw, schema, present, references, distinct, typed))
    short_rows = {p.row for p in problems if p.code in ("missing-cell", "blank-row")}
    return Checked(path=path, raw=raw, typed=typed, present=present, schema=schema, problems=problems, short_rows=short_rows, distinct=distinct)


def read_header(path: str, labels: list[str], specs: dict, header_row: int, schema_label: str) -> tuple[list[Problem], dict[str, int]]:
    """(blank-label, duplicate-label, extra-label and missing-label problems, field name -> the position of
    its column), from the header alone: the query engine reads its columns by these positions too."""
    problems: list[Problem] = []
    names = list(specs)
    position_of: dict[str, int] = {}
    seen: dict[str, int] = {}
    for index, label in enumerate(labels):
        where = label if label.strip() else f"column {index + 1}"
        if not label.strip():
            problems.append(Problem(path, "blank-label", f"the header of column {index + 1} is empty", "give the column a header or delete it", row=header_row, column=where, value=label))
            continue
        if label in seen:
            problems.append(
                Problem(path, "duplicate-label", f"the header {label!r} appears twice (columns {seen[label] + 1} and {index + 1}); the second is ignored", "delete or rename one of the two columns", row=header_row, column=label, value=label)
            )
            continue
        seen[label] = index
        if label in specs:
            position_of[label] = index
        elif label.strip() in specs and label.strip() not in seen:
            position_of[label.strip()] = index  # padding around a header label is not part of it (as frictionless reads it)
            seen[label.strip()] = index
        else:
            problems.append(Problem(path, "extra-label", f"the column {label!r} is not in the {schema_label or 'Table'} schema", label_hint(label, names), row=header_row, column=label, value=label))
    for name in names:
        if name not in position_of:
            required = bool((specs[name].get("constraints") or {}).get("required"))
            problems.append(
                Problem(
                    path,
                    "missing-label",
                    f"the column {name!r} is missing" + (" (it is required)" if required else ""),
                    f"add a column headed {name!r}" + ("" if required else " (its cells may be left blank)"),
                    row=header_row,
                    column=name,
                )
            )
    return problems, position_of
