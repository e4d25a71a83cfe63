"""`validate --fix`: a normalised copy of a submission for the mechanical problems only, every change listed.

Mechanical means the figure's meaning cannot change: "61.3 %" -> 61.3 (only where the indicator is a
percentage), "£552.00" -> 552.00, "1,126,200" -> 1126200, spaces around a value, "Final" -> final,
"Area Code" -> area_code, blank rows dropped, a period typed as a date or a long year form -> the period
in its indicator's form, a place name the areas table names -> its code, title rows above the header left out,
absent schema columns added blank; the copy is written as the output's name says (UTF-8 comma-separated CSV,
or a workbook: fix_output.py). A marker such as "-" or "n/a" becomes a blank value with status 'suppressed'
only for the markers the steward names (--suppressed-marker). Anything else ("0.613" in a percent column) is
left for the steward: the plausibility warning says what was probably meant.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from stoke_opendata.validate.tables.table import ROW, column_name

PERCENT_UNITS = ("percent", "percentage_points")
THOUSANDS = r"^-?\d{1,3}(,\d{3})+(\.\d+)?$"


@dataclass(frozen=True)
class Change:
    row: int
    column: str
    old: str
    new: str
    reason: str

    def to_dict(self) -> dict:
        return asdict(self)


def _normal(label: str) -> str:
    return re.sub(r"[\s\-]+", "_", label.strip().lower().lstrip("\ufeff"))


def fix_table(table, schema: dict, definitions: dict[str, dict], suppressed_markers=(), schemas_dir=None) -> tuple[object, list[Change]]:
    """(fixed frame with header labels as column names, changes). `definitions`: indicator id -> check attributes."""
    import polars as pl

    specs = {f["name"]: f for f in schema.get("fields", []) if isinstance(f, dict) and "name" in f}
    changes: list[Change] = []
    header_row = getattr(table, "header_row", 1)
    if header_row > 1:  # the reader found the header below a title: the copy starts at the header
        changes.append(Change(header_row, "", "", "", f"deleted {'row 1' if header_row == 2 else f'rows 1-{header_row - 1}'} above the header (the header is now row 1)"))
    labels = list(table.labels)
    for index, label in enumerate(labels):
        if label in specs or not label.strip():
            continue
        matches = [name for name in specs if _normal(name) == _normal(label)]
        if len(matches) == 1 and matches[0] not in labels:
            changes.append(Change(1, label, label, matches[0], "renamed the column to the schema's name"))
            labels[index] = matches[0]
    width = len(labels)
    counts = table.field_counts
    extra_width = int(counts.max() or 0) - width if counts.len() else 0
    if extra_width > 0 and table.frame.width - 1 <= width:
        raise ValueError("fix_table needs the table read with its extra cells (read_table(..., pad=PAD)), or they would be lost")
    extra_width = max(0, min(extra_width, table.frame.width - 1 - width))
    for row, count in table.frame.select(ROW).with_columns(counts.alias("n")).filter((pl.col("n") != width)).iter_rows():
        if count < width and count > 0:
            changes.append(Change(row, "", "", "", f"added {width - count} blank cell(s) at the end of a short row"))
    if extra_width:
        labels = labels + [f"column_{width + i + 1}" for i in range(extra_width)]
        changes.append(Change(1, "", "", "", f"kept {extra_width} unnamed extra column(s) as {', '.join(labels[width:])}: some rows have cells beyond the header"))
        width = len(labels)
    positions = {label: column_name(i) for i, label in reversed(list(enumerate(labels)))}
    frame = table.frame.select(ROW, *[pl.col(column_name(i)).fill_null("") for i in range(width)])

    blank = frame.select(pl.all_horizontal([pl.col(column_name(i)).str.strip_chars() == "" for i in range(width)])).to_series()
    for row in frame.filter(blank)[ROW].to_list():
        changes.append(Change(row, "", "", "", "deleted a blank row"))
    frame = frame.filter(~blank)

    units = None
    if "indicator_id" in positions:
        ids = pl.col(positions["indicator_id"]).str.strip_chars()
        mapping = {i: d.get("unit") for i, d in definitions.items()}
        units = ids.replace_strict(mapping, default=None, return_dtype=pl.String) if mapping else pl.lit(None, dtype=pl.String)
    markers = [m.strip().lower() for m in suppressed_markers if m.strip()]

    def record(column_label: str, after, reason: str, condition=None):
        nonlocal frame
        col = positions[column_label]
        new = after if condition is None else pl.when(condition).then(after).otherwise(pl.col(col))
        probe = frame.select(ROW, pl.col(col).alias("old"), new.alias("new")).filter(pl.col("old") != pl.col("new"))
        for row, old, value in probe.iter_rows():
            changes.append(Change(row, column_label, old, value, reason))
        frame = frame.with_columns(new.alias(col))

    for label in labels:
        if label not in positions or positions[label] not in frame.columns:
            continue
        col = pl.col(positions[label])
        record(label, col.str.strip_chars(), "removed spaces around the value")
    for name, spec in specs.items():
        if name not in positions:
            continue
        col = pl.col(positions[name])
        ftype = spec.get("type", "string")
        if ftype in ("number", "integer"):
            if markers and "status" in positions:
                is_marker = col.str.to_lowercase().is_in(markers)
                status = positions["status"]
                marked = frame.select(ROW, is_marker.alias("m"), pl.col(status).alias("s")).filter(pl.col("m"))
                for row, _m, old_status in marked.iter_rows():
                    if old_status != "suppressed":
                        changes.append(Change(row, "status", old_status, "suppressed", f"the steward marked {name} as suppressed"))
                frame = frame.with_columns(pl.when(is_marker).then(pl.lit("suppressed")).otherwise(pl.col(status)).alias(status))
                record(name, pl.lit(""), "a suppression marker the steward named: left blank", is_marker)
            percent = col.str.contains(r"^-?\d+(\.\d+)?\s*%$")
            if units is not None:
                record(name, col.str.replace(r"\s*%$", ""), "removed the % sign (the indicator is a percentage)", percent & units.is_in(PERCENT_UNITS))
            currency = col.str.contains(r"^-?£\s*[\d,]+(\.\d+)?$")
            record(name, col.str.replace_all(r"[£\s]", "").str.replace_all(",", ""), "removed the £ sign and separators", currency)
            record(name, col.str.replace_all(",", ""), "removed thousands separators", col.str.contains(THOUSANDS))
        constraints = spec.get("constraints") or {}
        if "enum" in constraints and ftype in ("string", "any"):
            options = [str(o) for o in constraints["enum"]]
            lowered = {}
            for option in options:
                lowered.setdefault(option.lower(), []).append(option)
            mapping = {k: v[0] for k, v in lowered.items() if len(v) == 1}
            fixed = col.str.to_lowercase().replace_strict(mapping, default=None, return_dtype=pl.String)
            record(name, fixed, "wrote the allowed value exactly", fixed.is_not_null() & ~col.is_in(options))
    if "period" in positions and "indicator_id" in positions and definitions:
        _fix_periods(frame, positions, definitions, record)
    if "area_code" in positions:
        _fix_area_names(frame, positions, record, schemas_dir)
    columns = {labels[i] or f"column_{i + 1}": pl.col(column_name(i)) for i in range(width)}
    # the schema's columns first, in its order, an absent one added blank (a steward may leave optional ones
    # out); then the sheet's other columns, kept as they were
    ordered = []
    for name in specs:
        if name in columns:
            ordered.append(columns.pop(name).alias(name))
        else:
            ordered.append(pl.lit("").alias(name))
            changes.append(Change(1, name, "", "", f"added the column {name} (blank: the schema does not require it)" if not (specs[name].get("constraints") or {}).get("required") else f"added the column {name}, which is required: fill it in"))
    out = frame.select(*ordered, *[expr.alias(label) for label, expr in columns.items()])
    return out, _merged(changes)


def _fix_periods(frame, positions, definitions, record) -> None:
    """A period in a neighbouring form of its indicator's (2023-24, 2023/2024, 2023.0) is rewritten in that
    form (periods.convert: only one-to-one rewrites), the source's own form first."""
    import polars as pl

    from stoke_opendata.catalogue.periods import suggest

    ids, periods = positions["indicator_id"], positions["period"]
    mapping = {}
    for indicator_id, period in frame.select(pl.col(ids).str.strip_chars(), pl.col(periods)).unique().iter_rows():
        d = definitions.get(indicator_id)
        if not d or not period:
            continue
        found = suggest(period, [d.get("period_form"), d.get("frequency")])
        if found:
            mapping[f"{indicator_id}\x1f{period}"] = found[0]
    if mapping:
        key = pl.concat_str([pl.col(ids).str.strip_chars(), pl.col(periods)], separator="\x1f")
        new = key.replace_strict(mapping, default=None, return_dtype=pl.String)
        record("period", pl.coalesce(new, pl.col(periods)), "rewrote the period in the form its indicator's source publishes", new.is_not_null())


def _fix_area_names(frame, positions, record, schemas_dir) -> None:
    """A place name in area_code that the areas table names ("Stoke-on-Trent") becomes its code (E06000021)."""
    import polars as pl

    from stoke_opendata.catalogue.area_names import area_for_name
    from stoke_opendata.catalogue.vocabulary import GSS_CODE

    col = pl.col(positions["area_code"])
    mapping = {}
    for value in frame.select(col.unique()).to_series().to_list():
        if value and not re.match(GSS_CODE, value) and (area := area_for_name(value, schemas_dir)):
            mapping[value] = area[0]
    if mapping:
        new = col.replace_strict(mapping, default=None, return_dtype=pl.String)
        record("area_code", pl.coalesce(new, col), "wrote the area code the areas table gives for the place name", new.is_not_null())


def _merged(changes: list[Change]) -> list[Change]:
    """One change per cell: ' Final ' -> 'final' is listed once, with both reasons."""
    merged: dict[tuple, Change] = {}
    order = []
    for c in changes:
        key = (c.row, c.column) if c.column and (c.old or c.new) else (c.row, c.column, c.reason)
        if key in merged:
            first = merged[key]
            merged[key] = Change(c.row, c.column, first.old, c.new, f"{first.reason}; {c.reason}")
        else:
            merged[key] = c
            order.append(key)
    return sorted((merged[k] for k in order), key=lambda c: (c.row, c.column))


def write_fixed(frame, out_path: str | Path, schema: dict | None = None, sheet: str | None = None) -> None:
    """Write the fixed copy in the format its name says, atomically (never half a file): a workbook for .xlsx
    (numbers as numbers, every other cell as text, so 2024/25 stays a period), else UTF-8 comma-separated."""
    from stoke_opendata.safety.atomic import atomic_write

    import polars as pl

    if Path(out_path).suffix.lower() in (".xlsx", ".xlsm"):
        from stoke_opendata.validate.fix_output import write_workbook

        write_workbook(frame, out_path, schema or {}, sheet)
        return
    if Path(out_path).suffix.lower() not in (".csv", ".txt", ""):
        from stoke_opendata.errors import UsageError

        raise UsageError("--fix writes a .csv or an .xlsx file: name the output so", where=str(out_path))
    text = frame.with_columns(pl.all().replace("", None)).write_csv()  # blank cells as nothing, not ""
    with atomic_write(out_path) as fh:
        fh.write(text)


def changes_text(changes: list[Change]) -> str:
    if not changes:
        return "fix: no mechanical changes were needed\n"
    lines = [f"fix: {len(changes):,} change(s):"]
    for c in changes:
        where = f"row {c.row}" + (f", {c.column}" if c.column else "")
        if not c.old and not c.new:
            lines.append(f"  {where}: {c.reason}")
        else:
            lines.append(f"  {where}: {c.old!r} -> {c.new!r} ({c.reason})")
    return "\n".join(lines) + "\n"
