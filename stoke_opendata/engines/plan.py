"""The rule set as one polars lazy query over a CSV scan: the query engine's plan (issue 25).

One scan of the file (the memory reader's own polars parse: every cell as text, blank cells null) feeds
three outputs of one plan:
- the *suspect rows*: every row that any rule looking at one row at a time might report (Table Schema
  types and constraints, foreign keys into the catalogue, each row check's rules, formula-like text, a cell
  over the cell limit, a blank row, a record whose cells do not fill its line: extra, missing or quoted
  cells), with their cells as written. The expressions come from the rules themselves
  (constraints.cell_suspects, keys.foreign_key_suspects, Check.row_suspects): more rows may be flagged,
  never fewer, and the flagged rows are then worded by the memory engine's own code (pipeline.check_table
  with part="rows"), so a finding reads the same whichever engine found it;
- the *series columns* of every row (primary key, indicator, area, period, value...: pipeline.series_columns)
  for the rules that compare rows (pipeline.check_series);
- the record count (and, for the streaming mode's partitions, the comparator rows the gap check needs).
Collected by polars's in-memory engine for a small file and by its streaming engine for a large one: the
plan is the same. Record i is physical line i (checked after the run: a quoted line break breaks it, and
the engine then uses another reader), so a record's cell bytes are compared with its line's length, as the
memory reader does, to find ragged records without counting delimiters on every line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from stoke_opendata.validate.problems import Problem
from stoke_opendata.validate.tables.table import ROW, column_name

RAW = "__raw__"  # prefix of a field's text column in the plan (plain field names hold typed values)


@dataclass
class CsvLayout:
    """What the head of the file says: enough to plan a scan of the whole of it."""

    path: Path
    shown: str
    labels: list[str]
    delimiter: str
    encoding: str
    notes: list[Problem] = field(default_factory=list)  # reader_notes: a delimiter other than the comma
    parquet: bool = False  # a Parquet file: typed columns read as text, every record as wide as the header

    @property
    def width(self) -> int:
        return max(len(self.labels), 1)


def sniff_csv(path: Path, shown: str, schema_names: set[str], steward: bool) -> CsvLayout | str:
    """The layout of a CSV the plan can scan, or why it cannot (a workbook, not UTF-8, old Mac line endings,
    title lines above the header): the memory engine then reads it, or the streaming mode refuses it. A file
    that is no table at all raises the memory reader's own InputError (sniff_kind)."""
    import polars as pl

    from stoke_opendata.validate.tables.csv_reader import reader_notes, title_lines
    from stoke_opendata.validate.tables.sniff import decode_head, read_head, sniff_delimiter, sniff_kind

    head = read_head(path, shown)
    if sniff_kind(path, head) != "csv":
        return "a workbook is parsed whole"
    text, encoding, guessed = decode_head(head)
    if not text.strip("\ufeff \t\r\n"):
        return "the file is blank"
    if guessed or encoding not in ("utf-8", "utf-8-sig"):
        return "the file is not UTF-8"
    if "\r" in text and "\n" not in text:
        return "the file has old Mac line endings"
    if steward and schema_names and title_lines(text, "\n", schema_names):
        return "title lines stand above the header"
    delimiter = sniff_delimiter(text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r"))
    width = len(_header_guess(text, delimiter)) or 1
    try:  # the header as polars parses it (the memory reader's labels are polars's too)
        first = pl.read_csv(path, has_header=False, n_rows=1, separator=delimiter, quote_char='"', eol_char="\n",
                            schema={column_name(i): pl.String for i in range(width)}, truncate_ragged_lines=True,
                            missing_columns="insert", extra_columns="ignore")
    except pl.exceptions.PolarsError:
        return "polars cannot parse its header"
    if first.height == 0:
        return "the file has no header row"
    labels = [("" if v is None else v) for v in first.row(0)]
    labels[0] = labels[0].lstrip("\ufeff")
    return CsvLayout(path=path, shown=shown, labels=labels, delimiter=delimiter, encoding=encoding,
                     notes=reader_notes(shown, encoding, False, delimiter))


def _header_guess(text: str, delimiter: str) -> list[str]:
    from stoke_opendata.validate.tables.sniff import first_record

    return first_record(text.lstrip("\ufeff").replace("\r\n", "\n"), delimiter)


def parquet_layout(path: Path, shown: str, schema: dict) -> CsvLayout:
    """A Parquet file's layout: its columns (which must be the schema's: parquet.check_columns, one line)."""
    from stoke_opendata.engines.parquet import check_columns, columns_of

    columns = columns_of(path, shown)
    check_columns(columns, schema, shown)
    return CsvLayout(path=path, shown=shown, labels=columns, delimiter=",", encoding="", parquet=True)


def physical_lines(path: Path):
    """Per physical line: its length in bytes (without line ending and BOM) and whether it holds a quote
    (the memory reader's streamed line scan)."""
    import polars as pl

    from stoke_opendata.validate.tables.csv_reader import line_lengths

    return line_lengths(pl, str(path), "\n")


@dataclass
class Plan:
    """The lazy frames of one scan: `suspects` (ROW, the cells, `__odd__`), `series` (ROW and the series
    columns' text), `count` (the records); `cells` names the cell columns."""

    suspects: object
    series: object
    count: object
    cells: list[str]
    base: object  # the scan with the typed columns, for the streaming mode's extra outputs


def scan_rows(layout: CsvLayout):
    """The data records as a lazy frame: ROW (the spreadsheet row, header = 1) and the cells as text, read
    exactly as the memory reader reads them (csv_reader._polars_read's options)."""
    import polars as pl

    cells = [column_name(i) for i in range(layout.width)]
    if layout.parquet:  # the columns as the memory engine's Parquet reader gives them (parquet.as_text)
        from stoke_opendata.engines.parquet import text_exprs

        scan = pl.scan_parquet(layout.path)
        text = scan.select(text_exprs(scan.collect_schema(), layout.labels, cells))
        return text.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    scan = pl.scan_csv(
        layout.path, has_header=False, separator=layout.delimiter, quote_char='"', eol_char="\n",
        schema={c: pl.String for c in cells}, missing_columns="insert", extra_columns="ignore",
        truncate_ragged_lines=True, raise_if_empty=True, row_index_name=ROW, row_index_offset=1,
    )
    return scan.filter(pl.col(ROW) > 1).with_columns(pl.col(ROW).cast(pl.Int64))


def with_fields(rows, schema: dict, specs: dict, position_of: dict[str, int], definitions: dict):
    """`rows` with each present field's text (RAW + name: missing values null), its typed value (the fast
    cast: field_types.fast_cast) under its own name, and, for a table of indicator values, each row's
    indicator attributes and _value_blank, as checks.build_context gives the checks."""
    import polars as pl

    from stoke_opendata.validate import checks as registry
    from stoke_opendata.validate.tableschema.field_types import dtype, fast_cast, needs_reading

    missing = schema.get("missingValues", [""])
    others = [str(v) for v in missing if str(v) != ""] if isinstance(missing, list) else []

    def text_of(name: str):
        col = pl.col(column_name(position_of[name]))
        return pl.when(col.is_in(others)).then(None).otherwise(col) if others else col

    present = set(position_of)
    typed = []
    for name, spec in specs.items():
        if name not in present:
            typed.append(pl.lit(None, dtype=dtype(pl, spec)).alias(name))
            continue
        fast = fast_cast(pl, RAW + name, spec) if needs_reading(spec) else None
        if fast is None:
            fast = pl.col(RAW + name).cast(dtype(pl, spec)) if not needs_reading(spec) else pl.lit(None, dtype=dtype(pl, spec))
        typed.append(fast.alias(name))
    frame = rows.with_columns([text_of(n).alias(RAW + n) for n in specs if n in present]).with_columns(typed)
    if registry.applies_to(present):
        frame = frame.with_columns(_attributes(pl, definitions))
        value_blank = pl.col(RAW + "value").is_null() if "value" in present else pl.lit(True)
        frame = frame.with_columns(value_blank.alias("_value_blank"))
    return frame


def distinct_outputs(frame, specs: dict, present: set[str], running: list, definitions: dict) -> dict:
    """The lazy frames of what the rules are judged on once per distinct value: each coded field's values
    (constraints.coded_fields), and for each row check that `looks_at` the data, the distinct rows of those
    columns with their attributes. key -> LazyFrame: ("field", name) or ("check", position in `running`)."""
    import polars as pl

    from stoke_opendata.validate import checks as registry
    from stoke_opendata.validate.pipeline import series_check
    from stoke_opendata.validate.tableschema.constraints import coded_fields

    out = {("field", n): frame.select(pl.col(RAW + n).alias(n)).unique().drop_nulls() for n in coded_fields(specs, present)}
    if registry.applies_to(present):
        for index, check in enumerate(running):
            looks = getattr(check, "looks_at", ())
            if looks and not series_check(check) and all(c in present for c in looks):
                columns = list(dict.fromkeys(["indicator_id", *looks]))
                out[("check", index)] = frame.select(*columns).unique().with_columns(_attributes(pl, definitions))
    return out


def build(layout: CsvLayout, frame, lines, schema: dict, specs: dict, position_of: dict[str, int], references,
          definitions: dict, history, running: list, series_columns: tuple[str, ...], max_cell_chars: int, distinct: dict) -> Plan:
    """The plan for one file over `frame` (with_fields of scan_rows, or of the collected records).
    `lines`: physical_lines of the file; `running`: the checks of this run (the series checks among them
    are not planned: they run over the series columns); `distinct`: distinct_outputs, collected."""
    import polars as pl

    from stoke_opendata.validate import checks as registry
    from stoke_opendata.validate.pipeline import series_check
    from stoke_opendata.validate.tableschema.constraints import cell_suspects
    from stoke_opendata.validate.tableschema.keys import foreign_key_suspects

    width = layout.width
    cells = [column_name(i) for i in range(width)]
    present = set(position_of)
    values = {key[1]: found.to_series() for key, found in distinct.items() if key[0] == "field"}

    def raw(name: str):
        return pl.col(RAW + name)

    # a record whose cells do not fill its line exactly (extra, missing or quoted cells), a blank row (no
    # cell bytes), a cell over the cell limit (more bytes in the row than a cell may have characters)
    cell_bytes = pl.sum_horizontal([pl.col(c).str.len_bytes().fill_null(0) for c in cells])
    if lines is None:  # Parquet: no lines, every record has the header's cells
        odd = pl.lit(False)
    else:
        odd = pl.lit(lines["bytes"]).gather(pl.col(ROW) - 1) != cell_bytes + (width - 1)
        if lines["quoted"].any():
            odd = odd | pl.lit(lines["quoted"]).gather(pl.col(ROW) - 1)
    suspects = [cell_bytes == 0, cell_bytes > max_cell_chars]
    suspects += cell_suspects(pl, specs, present, raw, pl.col, values)
    suspects += foreign_key_suspects(pl, schema, present, references, raw, values)
    ctx = registry.Context(path=layout.shown, frame=None, raw=None, present=present, definitions=definitions,
                           history=history, schema=schema, distinct=values)
    for index, check in enumerate(running):
        if series_check(check):
            continue
        if not check.every_table and not (registry.applies_to(present) and check.applies(ctx)):
            continue
        looked = distinct.get(("check", index))
        found = check.row_suspects(ctx if looked is None else _with_frame(ctx, looked), raw)
        suspects += [pl.lit(True)] if found is None else found
    flagged = pl.any_horizontal([odd.fill_null(True)] + [e.fill_null(False) for e in suspects])
    # the flagged cells copied out (concat_str makes new strings): a filtered string column still points into
    # the buffers of the morsel it came from, so a few rows kept from every morsel would keep the whole
    # file's text alive (50M rows: 2.8 GB peak for 47,538 rows kept)
    kept = [pl.concat_str([pl.col(c), pl.lit("")]).alias(c) for c in cells]
    suspect_rows = frame.filter(flagged).select(ROW, *kept, odd.fill_null(True).alias("__odd__"))
    keep = _series_exprs(pl, series_columns, present, running, definitions, raw)
    series = frame.select(ROW, *keep)
    return Plan(suspects=suspect_rows, series=series, count=frame.select(pl.len().alias("records")), cells=cells,
                base=frame)


def _with_frame(ctx, frame):
    import dataclasses

    return dataclasses.replace(ctx, frame=frame)


def _attributes(pl, definitions: dict) -> list:
    """Each row's indicator attributes (checks.ATTRIBUTES: _unit, _minimum...), gathered by the indicator's
    position in the definitions, as checks.build_context joins them."""
    from stoke_opendata.validate.checks import ATTRIBUTES

    known = list(definitions)
    if not known:
        return [pl.lit(None, dtype=getattr(pl, kind)).alias(column) for column, kind in ATTRIBUTES.values()]
    index = pl.col("indicator_id").cast(pl.Enum(known), strict=False).to_physical()
    out = []
    for key, (column, kind) in ATTRIBUTES.items():
        raw_values = [definitions[k][key] for k in known]
        dtype = getattr(pl, kind)
        if dtype == pl.String:  # an Enum, as build_context makes it: small integers gathered, not strings copied
            dtype = pl.Enum(sorted({v for v in raw_values if v is not None}))
        out.append(pl.lit(pl.Series(column, raw_values, dtype=dtype)).gather(index).alias(column))
    return out


def _series_exprs(pl, columns: tuple[str, ...], present: set[str], running: list, definitions: dict, raw) -> list:
    """The series columns' text; a column only some checks read for some indicators' rows
    (Check.only_indicators: the disclosure check reads numerators of disclosive indicators) is kept for
    those rows alone, so a large file's other rows carry nulls there, not text."""
    from stoke_opendata.validate.pipeline import series_check

    everywhere: set[str] = set()
    some: dict[str, set[str]] = {}
    for check in running:
        if not series_check(check):
            continue
        everywhere.update(check.columns)
        limit = getattr(check, "only_indicators", None)
        for name in getattr(check, "reads", ()):
            if limit is None:
                everywhere.add(name)
            else:
                some.setdefault(name, set()).update(limit(definitions))
    out = []
    for name in columns:
        if name not in present:
            continue
        if name in everywhere or name not in some:
            out.append(raw(name).alias(name))
        elif not some[name]:
            continue  # no indicator's rows need it: not even a column of nulls (50M rows: ~0.4 GB written each)
        else:
            only = raw("indicator_id").is_in(sorted(some[name])) if "indicator_id" in present else pl.lit(True)
            out.append(pl.when(only).then(raw(name)).alias(name))
    return out
