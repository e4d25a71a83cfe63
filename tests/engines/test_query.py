"""The query engine (issue 25): the rule set as one polars query, collected in memory or streaming, gives the
memory engine's findings; what its plan cannot read goes to the engine that can; bad input is one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine_fixtures import bench_files, cross_row_files, problem_keys
from stoke_opendata import engines
from stoke_opendata.engines import query
from stoke_opendata.validate.checks import Rule, RowCheck

CLI = str(Path(sys.executable).parent / "stoke-opendata")


@pytest.fixture(scope="module")
def bench_data(tmp_path_factory):
    return bench_files(tmp_path_factory.mktemp("bench"), 100_000)


@pytest.fixture(params=["memory", "streaming"])
def mode(request, monkeypatch):
    """The query engine collected in memory, or streaming (the threshold at 0 MB) with small buckets."""
    from stoke_opendata.engines import partition

    monkeypatch.setenv(engines.STREAM_OVER_ENV, "0" if request.param == "streaming" else "100000")
    monkeypatch.setattr(partition, "BUCKET_BYTES", 256 << 10)
    return request.param


@pytest.fixture
def planned(monkeypatch):
    """Fails the test if the plan gives up on the file (so a test of the plan is not a test of a fallback)."""
    real = query.validate_parts
    modes = []

    def spy(*args, **kwargs):
        result = real(*args, **kwargs)
        modes.append(kwargs["streaming"])
        return result

    monkeypatch.setattr(query, "validate_parts", spy)
    return modes


def test_query_equals_memory_on_every_injected_kind(bench_data, mode, planned):
    dirty, catalogue, injected = bench_data
    memory = engines.validate([dirty], engine="memory", catalogue_dir=catalogue, history=False)
    found = engines.validate([dirty], engine="query", catalogue_dir=catalogue, history=False)
    assert planned == [mode == "streaming"]
    assert problem_keys(found) == problem_keys(memory)
    assert [f.rows for f in found.files] == [f.rows for f in memory.files] == [100_000]
    kinds = {}
    for p in found.problems:
        kinds.setdefault(p.constraint if p.code == "constraint-error" else p.code, set()).add(p.row)
    assert len(injected) == 16
    for kind, rows in injected.items():
        assert rows and set(rows) <= kinds.get(kind, set()), kind


def _one_line_records(tmp_path: Path):
    """cross_row_files without its quoted line break (which the plan leaves to another reader)."""
    path, catalogue = cross_row_files(tmp_path)
    text = path.read_bytes().replace(b'"checked\r\nby two analysts"', b'"checked, by two analysts"')
    path.write_bytes(text)
    return path, catalogue


def test_query_equals_memory_across_series_checks(tmp_path, mode, planned):
    path, catalogue = _one_line_records(tmp_path)
    memory = engines.validate([path], engine="memory", catalogue_dir=catalogue, history=True)
    found = engines.validate([path], engine="query", catalogue_dir=catalogue, history=True)
    assert planned == [mode == "streaming"]
    codes = {p.code for p in memory.problems}
    assert {"gap-inconsistent", "outlier", "primary-key", "small-count-unsuppressed"} <= codes
    assert problem_keys(found) == problem_keys(memory)


def test_a_quoted_line_break_goes_to_a_reader_that_keeps_it(tmp_path, mode):
    """Records that span lines do not line up with lines: memory mode hands the file to the memory engine,
    streaming mode to the batched engine; the findings are the memory engine's either way."""
    path, catalogue = cross_row_files(tmp_path)
    assert b'"checked\r\nby two analysts"' in path.read_bytes()
    memory = engines.validate([path], engine="memory", catalogue_dir=catalogue, history=True)
    found = engines.validate([path], engine="query", catalogue_dir=catalogue, history=True)
    assert problem_keys(found) == problem_keys(memory)


STEWARD = (
    "Indicator ID,Area Code,area_name,Period,value,lower_ci,upper_ci,numerator,denominator,status,source,notes\n"
    "adults-overweight-or-obese,E06000021,Stoke-on-Trent,2023,0.629,,,,,final,OHID,\n"
    "adults-overweight-or-obese,E06000021,Stoke-on-Trent,2022,104.2,,,,,,OHID,=SUM(A1)\n"
    "adults-overweight-or-obese,Stoke-on-Trent,Stoke-on-Trent,2021,60.1,,,,,final,OHID\n"
    "apprenticeship-starts,E37000032,Stoke-on-Trent and Staffordshire,2023-24,1045.5,,,,,provisional,DfE,\n"
    ",,,,,,,,,,,\n"
    "no-such-indicator,E06000021,Stoke-on-Trent,2023,5,,,,,final,x,,extra\n"
)


def test_a_stewards_file_reads_the_same(tmp_path, mode, planned):
    """Renamed headers, a percentage as a fraction, a blank status, a formula, a place name for a code, a
    period in the wrong form, a blank row, an extra cell: the bundled catalogue and history, every word."""
    path = tmp_path / "steward.csv"
    path.write_text(STEWARD)
    memory = engines.validate([path], engine="memory")
    found = engines.validate([path], engine="query")
    assert planned == [mode == "streaming"] or mode == "streaming"  # streaming needs indicator_id and area_code present
    codes = {p.code for p in memory.problems}
    assert {"renamed-label", "status-assumed-final", "formula-injection", "period-format", "blank-row", "extra-cell", "missing-cell",
            "out-of-bounds", "not-integer", "foreign-key", "implausible-value"} <= codes
    assert problem_keys(found) == problem_keys(memory)


def test_what_the_plan_cannot_read_is_read_by_the_memory_engine(tmp_path, planned):
    """Not UTF-8, and title lines above the header: the memory engine's findings, by the memory engine."""
    latin = tmp_path / "latin.csv"
    latin.write_bytes(STEWARD.replace("OHID", "OHID £").encode("cp1252"))
    titled = tmp_path / "titled.csv"
    titled.write_text("Employment figures for the council\n\n" + STEWARD)
    for path in (latin, titled):
        memory = engines.validate([path], engine="memory")
        found = engines.validate([path], engine="query")
        assert problem_keys(found) == problem_keys(memory)
    assert planned == []


def test_streaming_buckets_in_parallel_give_the_findings_of_one_process(bench_data, monkeypatch):
    dirty, catalogue, _ = bench_data
    monkeypatch.setenv(engines.STREAM_OVER_ENV, "0")
    from stoke_opendata.engines import partition

    monkeypatch.setattr(partition, "BUCKET_BYTES", 256 << 10)
    monkeypatch.setenv("STOKE_OPENDATA_WORKERS", "1")
    one = engines.validate([dirty], engine="query", catalogue_dir=catalogue, history=False)
    monkeypatch.setenv("STOKE_OPENDATA_WORKERS", "2")
    two = engines.validate([dirty], engine="query", catalogue_dir=catalogue, history=False)
    assert problem_keys(two) == problem_keys(one)


class BigValue(RowCheck):
    """A caller's check (module level: the streaming mode's workers unpickle it)."""

    codes = {"value-over-1000": ("warning", "a value over 1,000")}
    columns = ("value",)

    def rules(self, ctx):
        import polars as pl

        return [Rule("value-over-1000", "value", pl.col("value") > 1000)]

    def describe(self, rule, record):
        return f"value {record['value']} is over 1,000", "check it"


def test_a_caller_check_runs_in_the_plan(bench_data, mode, planned):
    """A check given for one run (validate_data(checks=[...])) is planned like a registered one."""
    dirty, catalogue, _ = bench_data
    memory = engines.validate([dirty], engine="memory", catalogue_dir=catalogue, history=False, checks=[BigValue])
    found = engines.validate([dirty], engine="query", catalogue_dir=catalogue, history=False, checks=[BigValue])
    assert any(p.code == "value-over-1000" for p in found.problems)
    assert problem_keys(found) == problem_keys(memory)


def _cli(*args, env=None):
    return subprocess.run([CLI, "validate", *args], capture_output=True, text=True, env={**os.environ, **(env or {})})


def test_streaming_refuses_what_the_memory_engine_refuses(tmp_path):
    """A binary file, a line over the line limit, a cell over the cell limit (in the 3rd of 5 data rows): the
    memory engine's one line, exit 2, in streaming mode."""
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"indicator_id,area_code\n\x00\x01\x02\x00\n")
    long = tmp_path / "long.csv"
    long.write_text("indicator_id,area_code\nx," + "y" * 2000 + "\n")
    cell = tmp_path / "cell.csv"
    cell.write_text(STEWARD.splitlines()[0] + "\n" + "\n".join(STEWARD.splitlines()[1:3] + [STEWARD.splitlines()[1].replace("OHID", "O" * 600)] + STEWARD.splitlines()[1:3]) + "\n")
    env = {"STOKE_OPENDATA_MAX_LINE_BYTES": "1000", "STOKE_OPENDATA_MAX_CELL_CHARS": "500"}
    for path in (binary, long, cell):
        memory = _cli("--engine", "memory", str(path), env=env)
        streaming = _cli("--engine", "query", str(path), env={**env, engines.STREAM_OVER_ENV: "0"})
        assert memory.returncode == streaming.returncode == 2
        assert streaming.stderr == memory.stderr and streaming.stderr.count("\n") == 1 and "Traceback" not in streaming.stderr
        assert streaming.stdout == ""


def _split(lines: list[str], folder: Path, cuts: list[int], extra: dict[int, list[str]] | None = None) -> Path:
    """The records of `lines` (header first) as parts of one table: part i holds records cuts[i-1]..cuts[i],
    each with the header, plus `extra` lines at its end."""
    folder.mkdir()
    bounds = [1, *cuts, len(lines)]
    for i in range(len(bounds) - 1):
        body = lines[bounds[i]:bounds[i + 1]] + (extra or {}).get(i, [])
        (folder / f"part-{i + 1}.csv").write_text("\n".join([lines[0], *body]) + "\n")
    return folder


def test_a_folder_of_parts_is_one_table_as_the_batched_engine_reads_it(bench_data, tmp_path, mode, planned):
    """Three parts of the injected-errors file, a record of part 1 repeated at the end of part 3: the rows
    rules per part, the series rules across the parts (the repeat named by its part: "row 4 of part-1.csv"),
    the batched engine's findings exactly."""
    dirty, catalogue, _ = bench_data
    lines = dirty.read_text().splitlines()
    folder = _split(lines, tmp_path / "parts", [40_000, 70_000], {2: [lines[3]]})
    found = engines.validate([folder], engine="query", catalogue_dir=catalogue, history=False)
    assert planned == [mode == "streaming"]
    batched = engines.validate([folder], engine="batched", catalogue_dir=catalogue, history=False)
    assert [(f.path, f.rows) for f in found.files] == [(f.path, f.rows) for f in batched.files] == [
        (str(folder / "part-1.csv"), 39_999), (str(folder / "part-2.csv"), 30_000), (str(folder / "part-3.csv"), 30_002)]
    assert problem_keys(found) == problem_keys(batched)
    last = 30_002 + 1
    dup = [p for p in found.problems if p.code == "primary-key" and p.file.endswith("part-3.csv") and p.row == last]
    assert dup and dup[0].message.startswith(f"row {last} repeats row 4 of part-1.csv:")
    assert {p.file for p in found.problems} == {str(folder / f"part-{i}.csv") for i in (1, 2, 3)}


def test_series_rules_span_the_parts(tmp_path, mode, planned):
    """Gaps against a comparator, disclosure families and outliers whose rows lie in different parts: the
    batched engine's findings, and the memory engine's on the whole file (rows renamed by part)."""
    path, catalogue = _one_line_records(tmp_path)
    lines = path.read_text().splitlines()
    folder = _split(lines, tmp_path / "parts", [len(lines) // 3, 2 * len(lines) // 3])
    found = engines.validate([folder], engine="query", catalogue_dir=catalogue, history=True)
    assert planned == [mode == "streaming"]
    batched = engines.validate([folder], engine="batched", catalogue_dir=catalogue, history=True)
    assert {"gap-inconsistent", "outlier", "primary-key", "small-count-unsuppressed"} <= {p.code for p in found.problems}
    assert problem_keys(found) == problem_keys(batched)
    whole = engines.validate([path], engine="memory", catalogue_dir=catalogue, history=True)
    assert len(found.problems) == len(whole.problems)


def test_auto_validates_a_folder_with_the_query_engine(tmp_path, planned):
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "part-1.csv").write_text(STEWARD)
    report = engines.validate([tmp_path / "parts"], engine="auto", history=False)
    assert planned == [False] and [f.path for f in report.files] == [str(tmp_path / "parts" / "part-1.csv")]


def test_parts_whose_headers_differ_are_one_line_exit_2(tmp_path):
    (tmp_path / "part-1.csv").write_text(STEWARD)
    (tmp_path / "part-2.csv").write_text(STEWARD.replace("Indicator ID", "Indicator", 1))
    for env in ({}, {engines.STREAM_OVER_ENV: "0"}):
        result = _cli("--engine", "query", str(tmp_path), env=env)
        assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert "the header differs from the first file's" in result.stderr and "part-2.csv" in result.stderr
        assert result.stdout == ""


def test_a_spill_that_cannot_be_written_is_one_line_and_no_report(bench_data, tmp_path):
    """The disk fills while polars writes the series buckets (a file-size limit on the process fails the
    write as a full disk does): one line naming the cause, exit 2, nothing on stdout, no buckets left."""
    import resource
    import signal

    dirty, catalogue, _ = bench_data
    work = tmp_path / "tmp"
    work.mkdir()

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 << 10, 256 << 10))

    env = {**os.environ, "TMPDIR": str(work), engines.STREAM_OVER_ENV: "0"}
    result = subprocess.run([CLI, "validate", "--engine", "query", "--no-history", "--catalogue", str(catalogue), str(dirty)],
                            capture_output=True, text=True, env=env, preexec_fn=small_files)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"error: {work}: the query engine could not write its temporary buckets (File too large)")
    assert result.stderr.count("\n") == 1
    assert list(work.iterdir()) == []


def test_parquet_through_the_plan_equals_memory(bench_data, tmp_path, mode, planned):
    """A Parquet file (typed columns, read as text as the memory engine's Parquet reader reads them)."""
    import polars as pl

    dirty, catalogue, _ = bench_data
    frame = pl.read_csv(dirty, infer_schema=False, truncate_ragged_lines=True)
    parquet = tmp_path / "dirty.parquet"
    frame.filter(~pl.all_horizontal(pl.all().is_null())).with_columns(pl.col("value").cast(pl.Float64, strict=False)).write_parquet(parquet)
    memory = engines.validate([parquet], engine="memory", catalogue_dir=catalogue, history=False)
    found = engines.validate([parquet], engine="query", catalogue_dir=catalogue, history=False)
    assert planned == [mode == "streaming"]
    assert {"primary-key", "foreign-key", "out-of-bounds", "ci-order"} <= {p.code for p in memory.problems}
    assert problem_keys(found) == problem_keys(memory)
    assert [(f.format, f.rows) for f in found.files] == [(f.format, f.rows) for f in memory.files]


def test_a_folder_with_the_memory_engine_says_which_engine_reads_it(tmp_path):
    (tmp_path / "part-1.csv").write_text(STEWARD)
    result = _cli("--engine", "memory", str(tmp_path))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and result.stdout == ""
    assert "a folder is validated as one table" in result.stderr and "--engine query" in result.stderr


def test_a_part_not_in_utf8_is_one_line_that_does_not_offer_the_memory_engine(tmp_path):
    """The query engine leaves a part that is not UTF-8 to the batched engine, which refuses it; the memory
    engine reads no folder, so the line only says how to save the part."""
    (tmp_path / "part-1.csv").write_text(STEWARD)
    (tmp_path / "part-2.csv").write_bytes(STEWARD.encode("utf-8") + "adults-overweight-or-obese,E06000021,Caf\u00e9,2020,1,,,,,final,x,\n".encode("latin-1"))
    result = _cli(str(tmp_path))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and result.stdout == ""
    assert "part-2.csv" in result.stderr and "save it as 'CSV UTF-8'" in result.stderr and "--engine memory" not in result.stderr
