"""Split a CSV too large for memory into bucket files on disk, each holding whole series (series.py).

One streaming pass over the file in blocks of BLOCK_BYTES: each physical line is kept byte for byte (so
the reader sees the same cells, blanks, extra and missing cells as in the whole file) and appended to the
bucket its record's series key hashes to, with the record's spreadsheet row number (header = 1) in a
side file. A quoted cell spanning lines keeps its lines together (quote parity carried across blocks).
Memory is one block plus its line table, whatever the size of the file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from stoke_opendata.engines.series import CONTEXT_COLUMNS, KEY_COLUMNS, SeriesKey
from stoke_opendata.errors import InputError, UsageError

BLOCK_BYTES = 16 << 20
BUCKET_BYTES = 40 << 20  # target size of one bucket: ~450k rows of observations, ~200 MB to validate
SEED = 0x5EED
FILE_SHIFT = 40  # a row id is (file index << FILE_SHIFT) | spreadsheet row


@dataclass
class Bucket:
    index: int
    path: Path
    rows_path: Path
    records: int = 0


@dataclass
class Partitioned:
    header: str
    buckets: list[Bucket]
    context: object  # polars.DataFrame of CONTEXT_COLUMNS + _bucket (comparator figures), or None
    files: list[str]  # shown names, by file index
    records: list[int] = field(default_factory=list)  # data records per file


def header_differs(first: str, part: str) -> InputError:
    """The one line for a folder whose parts are not one table (the batched and query engines say it)."""
    return InputError(f"the header differs from the first file's ({first}); a folder must hold parts of one table", where=part)


def bucket_count(total_bytes: int) -> int:
    return max(1, -(-total_bytes // BUCKET_BYTES))


def partition_csv(paths: list[Path], shown: list[str], folder: Path, key: SeriesKey, buckets: int, delimiter: str, progress=None) -> Partitioned:
    """Write every data line of `paths` (CSV files with one header) into `buckets` files under `folder`."""
    import polars as pl

    header = None
    out = [Bucket(i, folder / f"bucket-{i:05d}.csv", folder / f"bucket-{i:05d}.rows") for i in range(buckets)]
    handles = [open(b.path, "wb") for b in out]
    row_handles = [open(b.rows_path, "wb") for b in out]
    context_parts = []
    records = []
    try:
        for file_index, path in enumerate(paths):
            state = {"inside": False, "record": 1, "bucket": 0, "first": True}
            block = b""
            for block, last in _with_last(_blocks(path)):
                frame, head = _lines(pl, block, state)
                if head is None and state["first"] and last and state.get("head_parts"):
                    state["first"] = False  # a header whose quote never closes: the whole file is its record
                    head = "\n".join(state["head_parts"])
                if head is not None:
                    if header is None:
                        header = head
                        positions = _positions(head, delimiter, shown[file_index])
                        for fh in handles:
                            fh.write((head + "\n").encode("utf-8"))
                    elif head.lstrip("\ufeff").rstrip("\r") != header.lstrip("\ufeff").rstrip("\r"):
                        raise header_differs(shown[0], shown[file_index])
                if frame.height == 0:
                    continue
                frame = _assign(pl, frame, positions, delimiter, key, buckets, state, file_index)
                starts = frame.filter(pl.col("start")).select("bucket", "rid")
                ctx = frame.filter(pl.col("context")) if key.bases else None
                if ctx is not None and ctx.height:
                    context_parts.append(ctx.select(*CONTEXT_COLUMNS, pl.col("bucket").alias("_bucket")))
                for (index,), part in frame.select("bucket", "line").group_by("bucket", maintain_order=True):
                    # written by polars straight to the file, byte for byte (no quoting added)
                    part.select("line").write_csv(handles[index], include_header=False, quote_style="never")
                for (index,), part in starts.group_by("bucket", maintain_order=True):
                    row_handles[index].write(part["rid"].to_numpy().astype("<i8").tobytes())
                    out[index].records += part.height
                if progress is not None:
                    progress(len(block))
            if block and not block.endswith(b"\n") and (state["inside"] or file_index == len(paths) - 1):
                # a file without a final line break: the bucket holding its last line must end as the
                # file does (the reader takes a quote open to the end of the data, but not one followed
                # by a line break the file does not have; a last line ending in \r is a cell's text, but
                # \r\n an ending). A quote open at the end of a part also runs on into the next part.
                tail = handles[state["bucket"]]
                tail.flush()
                tail.truncate(tail.tell() - 1)
                tail.seek(0, 2)
            records.append(state["record"] - 1)
    finally:
        for fh in handles + row_handles:
            fh.close()
    if header is None:
        raise InputError("the file has no header row", where=shown[0])
    context = pl.concat(context_parts) if context_parts else None
    return Partitioned(header=header, buckets=out, context=context, files=list(shown), records=records)


def _with_last(blocks):
    """(block, is it the file's last) for each block."""
    previous = None
    for block in blocks:
        if previous is not None:
            yield previous, False
        previous = block
    if previous is not None:
        yield previous, True


def _blocks(path: Path):
    """The file in blocks that end at a line break (the last one may not)."""
    with open(path, "rb") as fh:
        rest = b""
        while True:
            chunk = fh.read(BLOCK_BYTES)
            if not chunk:
                if rest:
                    yield rest
                return
            data = rest + chunk
            cut = data.rfind(b"\n")
            if cut < 0:
                rest = data
                continue
            rest = data[cut + 1 :]
            yield data[: cut + 1]


def _lines(pl, block: bytes, state: dict):
    """(lines of the block, header record or None): polars' line scanner, LF removed (the \r of a CRLF
    kept: _with_endings). A header
    whose quoted label holds a line break spans several lines: they are its record, not data (a fuzzed
    3-line header was bucketed as data and broke the row numbering)."""
    try:
        frame = pl.scan_lines(io.BytesIO(block), name="line").collect()
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"the batched engine reads UTF-8 CSV only ({' '.join(str(exc).split())[:120]}); save it as 'CSV UTF-8'") from None
    frame = _with_endings(pl, frame, block)
    head = None
    if state["first"]:
        # the header record may run on past this block (a quote that never closes takes the whole file,
        # as the memory reader reads it): its lines are gathered until the quotes balance or the file ends
        parts = state.setdefault("head_parts", [])
        taken = 0
        closed = False
        for line in frame["line"]:
            parts.append(line)
            taken += 1
            if "\n".join(parts).count('"') % 2 == 0:
                closed = True
                break
        frame = frame.slice(taken)
        if closed:
            state["first"] = False
            head = "\n".join(parts) if parts else None
    return frame, head


def _with_endings(pl, frame, block: bytes):
    """The lines with the carriage return of a CRLF ending put back, so that the buckets (written with LF)
    hold each line byte for byte: a quoted cell's CRLF stays CRLF (read as LF, a cell lost its
    formula-injection finding) and a stray \r before the ending stays (\r\r\n made the engines
    disagree), whatever mix of endings the file has (Excel writes CRLF records with LF inside cells)."""
    import numpy as np

    data = np.frombuffer(block, dtype=np.uint8)
    ends = np.flatnonzero(data == 10)
    crlf = (ends > 0) & (data[np.maximum(ends - 1, 0)] == 13)
    # the scanner also drops a \r that ends the data without a \n after it (the file's last line)
    cr_at_end = block.endswith(b"\r")
    if not crlf.any() and not cr_at_end:
        return frame
    flags = np.zeros(frame.height, dtype=bool)
    if frame.height < len(ends) + cr_at_end:  # the scanner's lines are the block's \n-separated lines, or we cannot tell
        raise UsageError("the batched engine could not split this file into lines; use --engine memory")
    flags[: len(ends)] = crlf
    if cr_at_end:
        flags[-1] = True
    return frame.with_columns(
        pl.when(pl.Series(flags)).then(pl.col("line") + "\r").otherwise(pl.col("line")).alias("line")
    )


def _positions(header: str, delimiter: str, shown: str) -> dict[str, int]:
    try:  # the header may span lines (a quoted label with a line break), or never close its quote
        labels = next(csv.reader(io.StringIO(header.lstrip("\ufeff"), newline=""), delimiter=delimiter), [])
    except csv.Error:
        labels = []
    where = {label.strip(): i for i, label in reversed(list(enumerate(labels)))}
    missing = [c for c in KEY_COLUMNS if c not in where]
    if missing:
        raise InputError(f"the header has no {missing[0]} column, which the batched engine partitions by", where=shown)
    return {c: where.get(c) for c in CONTEXT_COLUMNS}


def _assign(pl, frame, positions, delimiter, key: SeriesKey, buckets: int, state: dict, file_index: int):
    """Per line: start of a record?, its row id, the key cells, its bucket (continuation lines follow
    their record's first line)."""
    line = pl.col("line")
    quoted = line.str.contains('"', literal=True)
    # quote parity only matters on the few lines that hold a quote
    odd = pl.when(quoted).then(line.str.count_matches('"', literal=True) % 2).otherwise(0).cast(pl.Int64)
    carry = 1 if state["inside"] else 0
    frame = frame.with_columns(odd.alias("odd"), quoted.alias("quoted"))
    frame = frame.with_columns((((pl.col("odd").cum_sum() - pl.col("odd") + carry) % 2) == 0).alias("start"))
    # only the first few cells are split out (the key columns; the context's period and value if needed),
    # once, as a struct whose fields are then taken without copying
    wanted = {n: p for n, p in positions.items() if p is not None and (n in KEY_COLUMNS or key.bases)}
    cells = line.str.split_exact(delimiter, max(wanted.values()))
    frame = frame.with_columns(cells.alias("_cells"), (pl.col("start").cast(pl.Int64).cum_sum() + state["record"]).alias("rid"))
    frame = frame.unnest("_cells").rename({f"field_{p}": n for n, p in wanted.items()})
    frame = frame.drop([c for c in frame.columns if c.startswith("field_")])
    frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(n) for n in positions if n not in wanted)
    quoted = frame.filter(pl.col("quoted") & pl.col("start"))
    if quoted.height:  # a quoted cell may hold the delimiter: parse those few lines properly
        parsed = [_cells(text, delimiter, positions) for text in quoted["line"]]
        fixes = pl.DataFrame(parsed, schema=list(positions), orient="row").with_columns(quoted["rid"])
        frame = frame.update(fixes, on="rid")
    # keys compared as the structure layer compares them: surrounding spaces ignored, blank is null
    ind = pl.col("indicator_id").str.strip_chars()
    area = pl.col("area_code").str.strip_chars()
    key_ind, key_area = key.expressions(ind, area)
    bucket = (pl.struct(key_ind.alias("k1"), key_area.alias("k2")).hash(SEED) % buckets).cast(pl.Int64)
    frame = frame.with_columns(
        pl.when(pl.col("start")).then(bucket).otherwise(None).forward_fill().fill_null(state["bucket"]).alias("bucket"),
        (key.is_context(ind, area) & pl.col("start")).alias("context"),
        (pl.col("rid") + (file_index << FILE_SHIFT)).alias("rid"),
    )
    total_odd = int(frame["odd"].sum())
    state["inside"] = (carry + total_odd) % 2 == 1
    state["record"] += int(frame["start"].sum())
    state["bucket"] = int(frame["bucket"][-1])
    return frame


def _cells(text: str, delimiter: str, positions: dict[str, int | None]) -> list[str | None]:
    try:
        record = next(csv.reader([text], delimiter=delimiter), [])
    except csv.Error:
        record = []
    return [(record[p] if p is not None and p < len(record) else None) for p in positions.values()]


def partition_parquet(path: Path, shown: str, columns: list[str], folder: Path, key: SeriesKey, buckets: int, batch_rows: int = 1 << 20):
    """Parquet in record batches -> `buckets` Arrow IPC files of text columns + __row__ (header = 1, as its CSV
    export would number them). Returns (bucket files, context frame or None, records)."""
    import polars as pl
    import pyarrow as pa
    import pyarrow.parquet as pq

    from stoke_opendata.engines.parquet import as_text

    files = [folder / f"bucket-{i:05d}.arrow" for i in range(buckets)]
    text_schema = pa.schema([(c, pa.string()) for c in columns] + [("__row__", pa.int64())])
    writers = [None] * buckets
    context_parts = []
    record = 2
    try:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows, columns=columns):
            frame = as_text(pl.from_arrow(batch), columns).with_columns(pl.int_range(record, record + batch.num_rows, dtype=pl.Int64).alias("__row__"))
            record += batch.num_rows
            ind = pl.col("indicator_id").str.strip_chars().replace("", None)
            area = pl.col("area_code").str.strip_chars().replace("", None)
            key_ind, key_area = key.expressions(ind, area)
            frame = frame.with_columns(
                (pl.struct(key_ind.alias("k1"), key_area.alias("k2")).hash(SEED) % buckets).cast(pl.Int64).alias("_bucket"),
                key.is_context(ind, area).alias("_context"),
            )
            ctx = frame.filter(pl.col("_context"))
            if ctx.height:
                context_parts.append(ctx.select(*CONTEXT_COLUMNS, "_bucket"))
            for (index,), part in frame.group_by("_bucket", maintain_order=True):
                if writers[index] is None:
                    writers[index] = pa.ipc.new_file(str(files[index]), text_schema)
                writers[index].write_table(part.drop("_bucket", "_context").to_arrow().cast(text_schema))
    finally:
        for w in writers:
            if w is not None:
                w.close()
    context = pl.concat(context_parts) if context_parts else None
    return [(i, f) for i, f in enumerate(files) if writers[i] is not None], context, record - 2
