"""The query engine: the rule set as one polars query (plan.py), collected in memory or streaming.

- memory mode (a file under STOKE_OPENDATA_STREAM_OVER_MB, default 200): the plan's outputs are collected
  together by polars's in-memory engine (one scan, shared by the outputs); the series rules run over the
  series columns of the whole file;
- streaming mode (above it, or `streaming=True`): the same plan run by polars's streaming engine in one
  pass; the series columns are written by polars, partitioned by series key (engines/series.py), to
  Arrow IPC files on disk, and the series rules run bucket by bucket on all cores.
A folder's parts of one table (validate_parts) are planned part by part, each part's rows checked on their
own, and their series columns brought together (in memory, or into the same buckets) for the series rules.
Either way the suspect rows are worded by pipeline.check_table(part="rows") and the series rules by
pipeline.check_series: the memory engine's own code, so the findings are the memory engine's.

What the plan cannot read goes elsewhere, and says so in docs/scale.md: in memory mode the memory engine
reads it (not UTF-8, old Mac line endings, title lines above the header, a quoted line break, a schema
whose `unique` columns or self-referencing foreign key compare any rows); in streaming mode, or for a
folder's parts, the batched engine does (it partitions lines itself and keeps a quoted line break's record
whole) or it is refused as the batched engine refuses it.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from stoke_opendata.validate.problems import FileInfo, Report

STREAM_OVER_ENV = "STOKE_OPENDATA_STREAM_OVER_MB"


class Unplannable(Exception):
    """The plan cannot read this file or schema (the reason is the message): another engine must."""


def cannot_plan(schema: dict) -> str | None:
    """Why this schema's rules cannot all be split into row rules and series rules (None if they can)."""
    if any(isinstance(f, dict) and (f.get("constraints") or {}).get("unique") for f in schema.get("fields", [])):
        return "a column must be unique across the whole table"
    for fk in schema.get("foreignKeys") or []:
        ref = fk.get("reference", {}) if isinstance(fk, dict) else {}
        if isinstance(ref, dict) and ref.get("resource") in ("", None):
            return "a foreign key refers to the table itself"
    return None


def validate_parts(paths: list[Path], shown: list[str], schema: dict, label: str, catalogue, history: bool, steward: bool,
                   catalogue_dir=None, streaming: bool = False, checks=(), work_dir: Path | None = None,
                   parquet: bool = False) -> Report:
    """The parts of one table (a folder's CSV or Parquet files, one header; or a single file) through the plan:
    each part's rows checked on their own, the series rules over the rows of every part together (a part's
    rows carry (part << FILE_SHIFT) | row, as the batched engine's row ids, and are named back as the part's
    own rows: "row 4 of a.csv"). Header and file findings are the first part's, as the batched engine says
    them. Raises Unplannable when another engine must read them."""
    import polars as pl

    from stoke_opendata.validate import checks as registry, pipeline
    from stoke_opendata.validate.submission import plain_words, relabel
    from stoke_opendata.validate.tables.csv_reader import check_cell_lengths
    from stoke_opendata.validate.tables.table import ROW, Table
    from stoke_opendata.validate.tableschema.check import read_header
    from stoke_opendata.engines import plan
    from stoke_opendata.engines.partition import FILE_SHIFT, header_differs

    why = cannot_plan(schema)
    if why:
        raise Unplannable(why)
    fields = schema.get("fields") if isinstance(schema.get("fields"), list) else []
    specs = {f["name"]: f for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)}
    layouts = []
    for path, name in zip(paths, shown):
        layout = plan.parquet_layout(path, name, schema) if parquet else plan.sniff_csv(path, name, set(specs), steward)
        if isinstance(layout, str):
            raise Unplannable(layout)
        if layouts and (layout.labels, layout.delimiter) != (layouts[0].labels, layouts[0].delimiter):
            raise header_differs(shown[0], name)
        layouts.append(layout)
    words = steward and not parquet  # a steward's CSV is read with a steward's words (as validate_paths reads it)
    tables = [_table_of(layout, parquet, Table) for layout in layouts]
    if words:
        for table in tables:
            relabel(table, schema)  # 'Area Code' is area_code: the plan reads the column under its field's name
    _found, position_of = read_header(shown[0], tables[0].labels, specs, 1, label)
    present = set(position_of)
    definitions = catalogue.definitions() if registry.applies_to(present) else {}
    bundled = pipeline.bundled_history({p.resolve() for p in paths}) if history else None
    running = registry.chosen(checks)
    series_columns = pipeline.series_columns(schema, checks)
    total = sum(layout.path.stat().st_size for layout in layouts)
    folder = Path(tempfile.mkdtemp(prefix="stoke-query-", dir=work_dir)) if streaming else None
    report, worded, short, series, buckets, contexts = Report(), [], {}, [], {}, []
    try:
        for index, (layout, table) in enumerate(zip(layouts, tables)):
            lines, suspects, part_series, records, part_buckets, context = _run_plan(
                layout, schema, specs, position_of, catalogue, definitions, bundled, running, series_columns,
                streaming, folder / f"part-{index}" if streaming else None, index << FILE_SHIFT, total)
            if lines is not None and records != lines.height - 1:  # a quoted line break: records are not lines
                raise Unplannable("a quoted cell holds a line break")
            table.info.rows = records
            table.frame = suspects.drop("__odd__")
            # a cell over the cell limit refuses the file, as the memory reader refuses it (the plan flags every
            # row with more bytes than a cell may have characters; the first such cell in row order is named)
            check_cell_lengths(pl, table.frame, table.labels, layout.width, layout.shown)
            table.field_counts, table.extra_values = _cell_counts(pl, suspects, lines, layout)
            own = Report()
            checked = pipeline.check_table(own, table, schema, label, catalogue.reference, lambda: definitions,
                                           lambda: bundled, checks, part="rows")
            report.files.extend(own.files)
            report.extend(p for p in own.problems if index == 0 or (p.row is not None and p.row >= 2))
            worded.append(checked)
            short.update({(index << FILE_SHIFT) | row: count for row, count in _short_rows(pl, table, ROW).items()})
            if part_series is not None:
                series.append(part_series)
            for bucket, where in part_buckets or ():
                buckets.setdefault(bucket, []).append(where)
            if context is not None:
                contexts.append(context)
        if not streaming:
            whole = pl.concat(series) if len(series) > 1 else series[0]
            found = pipeline.check_series(shown[0], whole, schema, present, definitions, bundled, short, checks)
        else:
            from stoke_opendata.engines import stream

            context = pl.concat(contexts) if contexts else None
            found = stream.check_buckets(sorted(buckets.items()), context, shown[0], schema, present, definitions, bundled, short, checks)
        report.extend(_as_parts(found, shown, FILE_SHIFT))
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    _said_once(report)
    pipeline.apply_submission_rules(report, 0, report.files[-1], schema if steward else None, catalogue_dir)
    if words:
        for name, checked in zip(shown, worded):
            plain_words([p for p in report.problems if p.file == name], 0, checked, definitions)
    return report


def _table_of(layout, parquet: bool, Table):
    """A part's Table before its rows are read: its header, its file's description and reader notes."""
    if parquet:  # as the memory engine's Parquet reader describes it
        info = FileInfo(path=layout.shown, format="parquet", rows=0)
    else:
        info = FileInfo(path=layout.shown, format="csv", rows=0, encoding=layout.encoding, delimiter=_delimiter_name(layout.delimiter))
    return Table(info=info, labels=list(layout.labels), frame=None, field_counts=None, problems=list(layout.notes))


def _as_parts(problems: list, shown: list[str], shift: int) -> list:
    """The series rules' problems named by their own part and row: a row id (part << shift) | row becomes
    the part's file and row, and a "row N" in the message or hint names the other part's file when it is
    not the problem's own (batched.name_rows, as the batched engine says it). One file: ids are rows."""
    from stoke_opendata.engines.batched import name_rows

    mask = (1 << shift) - 1

    def where(n: int) -> tuple[int, int] | None:
        return None if n < 2 or n >> shift >= len(shown) else (n >> shift, n & mask)

    for p in problems:
        if p.row is None or p.row < 2 or len(shown) == 1:
            p.file = shown[0]
        else:
            name_rows(p, where, shown)
    return problems


def _run_plan(layout, schema, specs, position_of, catalogue, definitions, bundled, running, series_columns, streaming, folder,
              row_offset: int = 0, size: int | None = None):
    """(lines, suspect rows, series columns or None, records, buckets, comparator context): the plan built and
    run, in memory or streaming (into `folder`, in buckets for `size` bytes of input: a table's parts share
    them). The series rows carry ROW + `row_offset` (a part's rows: part << FILE_SHIFT). Whatever polars
    cannot parse (a stray quote...) is Unplannable: the engine that reads the file next says it in its own
    one line."""
    import polars as pl

    from stoke_opendata.engines import plan
    from stoke_opendata.safety.guards import Limits
    from stoke_opendata.validate.tables.table import ROW

    try:
        lines = None if layout.parquet else plan.physical_lines(layout.path)
        rows = plan.scan_rows(layout)
        if not streaming:  # the records read once, in memory; every output below is computed from them
            rows = rows.collect().lazy()
        frame = plan.with_fields(rows, schema, specs, position_of, definitions)
        # in memory, the rules are judged once per distinct value of the coded columns (cheap on records
        # already read); streaming, that would be a second pass over the file, dearer than a regex per row
        # (5M rows: 2.0 s against 0.4 s for the three patterns, bench/scale_bench.py's file)
        wanted = {} if streaming else plan.distinct_outputs(frame, specs, set(position_of), running, definitions)
        distinct = dict(zip(wanted, pl.collect_all(list(wanted.values())))) if wanted else {}
        built = plan.build(layout, frame, lines, schema, specs, position_of, catalogue.reference, definitions, bundled,
                           running, series_columns, Limits.from_env().max_cell_chars, distinct)
        if row_offset:
            built.series = built.series.with_columns(pl.col(ROW) + row_offset)
        if streaming:
            from stoke_opendata.engines import stream

            suspects, records, buckets, context = stream.run(built, layout, definitions, folder, size or layout.path.stat().st_size)
            return lines, suspects, None, records, buckets, context
        suspects, series, count = pl.collect_all([built.suspects, built.series, built.count])
        return lines, suspects, series, int(count["records"][0]), None, None
    except pl.exceptions.PolarsError as exc:
        raise Unplannable(f"polars cannot read it as planned ({type(exc).__name__})") from None


def _delimiter_name(delimiter: str) -> str:
    from stoke_opendata.validate.tables.sniff import DELIMITERS

    return DELIMITERS[delimiter]


def _cell_counts(pl, suspects, lines, layout):
    """(cells of each suspect record, {position: its first extra cell's text}): `width` for a record whose
    line is exactly its cells, else counted on its line (csv_reader.odd_line_counts, as the memory reader)."""
    from stoke_opendata.validate.tables.csv_reader import odd_line_counts
    from stoke_opendata.validate.tables.table import ROW

    width = layout.width
    counts = pl.repeat(width, suspects.height, dtype=pl.Int32, eager=True).rename("field_count")
    extras: dict[int, str | None] = {}
    odd = suspects["__odd__"]
    if lines is not None and suspects.height and odd.any():
        where = odd.arg_true()
        line_numbers = suspects[ROW].gather(where) - 1  # record at row r is physical line r - 1 (0-based)
        exact, found = odd_line_counts(pl, str(layout.path), lines["bytes"], line_numbers, width, layout.delimiter,
                                       bool(lines["quoted"].any()), "\n")
        counts = counts.scatter(where, exact)
        extras = {int(where[i]): text for i, text in found.items()}
    return counts, extras


def _short_rows(pl, table, ROW) -> dict[int, int]:
    """row -> the cells it has, for the suspect rows that are blank (0) or short: the primary key skips them,
    as check_structure's `short` does."""
    cells = [c for c in table.frame.columns if c != ROW]
    if not table.frame.height:
        return {}
    blank = table.frame.select(pl.all_horizontal([pl.col(c).is_null() for c in cells])).to_series()
    width = len(table.labels)
    out = {}
    for row, is_blank, count in zip(table.frame[ROW].to_list(), blank.to_list(), table.field_counts.to_list()):
        if is_blank or count < width:
            out[row] = 0 if is_blank else count
    return out


def _said_once(report: Report) -> None:
    """checks.run_checks's rule across the two halves: a value said to be implausible (a row rule) is not
    said again as an outlier (a series rule)."""
    implausible = {(p.file, p.row) for p in report.problems if p.code == "implausible-value"}
    if implausible:
        report.problems[:] = [p for p in report.problems if not (p.code == "outlier" and (p.file, p.row) in implausible)]
