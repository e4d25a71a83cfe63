"""Run one fuzz input through every entry point and judge the outcome.

An outcome is either a report (findings as (code, row, column)) or a refusal (InputError or UsageError:
the CLI's one line and exit 2). Anything else is an internal error. Each engine run must also stay
within the budget (docs/validation.md: BUDGET_SECONDS of CPU for an input under 1 MB; CPU time rather
than wall time, so that other work on a shared machine does not count against us).

Engines agree when both give a report with the same findings, or both refuse. The batched engine may
decline what its line-based partition cannot keep byte for byte (not UTF-8, a carriage return inside a
line) or partition (a header without the series key columns): a refusal that names the engine, counted
apart as `declined`, never a silent difference.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import os
import shutil
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

BUDGET_SECONDS = 2.0
DECLINED = ("the batched engine reads", "the spark engine reads", "which the batched engine partitions by",
            "which the spark engine does not split")


@dataclass
class Outcome:
    engine: str
    kind: str  # report | refused | internal
    findings: frozenset = frozenset()
    detail: str = ""
    seconds: float = 0.0

    def over_budget(self, size: int) -> bool:
        return size < 1 << 20 and self.seconds > BUDGET_SECONDS


def run_engine(path: Path, engine: str, schema: str) -> Outcome:
    """validate_data (the Python API, which the CLI calls) on one engine, rendered as text and JSON."""
    from stoke_opendata.api import validate_data
    from stoke_opendata.errors import StokeError
    from stoke_opendata.validate import report as render

    start = time.process_time()
    streaming = engine == "query-streaming"  # the query engine's streaming mode, on a file of any size
    before = os.environ.get("STOKE_OPENDATA_STREAM_OVER_MB")
    if streaming:
        os.environ["STOKE_OPENDATA_STREAM_OVER_MB"] = "0"
    try:
        report = validate_data(str(path), schema=schema, engine="query" if streaming else engine, history=False)
        render.to_text(report)
        render.to_dict(report)
        findings = frozenset((p.code, p.row or 0, p.column or "") for p in report.problems)
        return Outcome(engine, "report", findings, seconds=time.process_time() - start)
    except StokeError as exc:
        return Outcome(engine, "refused", detail=exc.one_line(), seconds=time.process_time() - start)
    except Exception:  # an internal error: the point of the harness
        return Outcome(engine, "internal", detail=traceback.format_exc(limit=-6), seconds=time.process_time() - start)
    finally:
        if streaming:
            if before is None:
                os.environ.pop("STOKE_OPENDATA_STREAM_OVER_MB", None)
            else:
                os.environ["STOKE_OPENDATA_STREAM_OVER_MB"] = before


def split_in_two(data: bytes) -> tuple[bytes, bytes] | None:
    """The input as two parts of one table (a folder's files): its records cut at the middle line break of
    the body, the header line repeated at the top of the second part; None with fewer than two body lines."""
    end = data.find(b"\n")
    if end < 0:
        return None
    header, body = data[: end + 1], data[end + 1:]
    breaks = [i for i, byte in enumerate(body) if byte == 10]
    if len(breaks) < 2:
        return None
    cut = breaks[len(breaks) // 2] + 1
    return header + body[:cut], header + body[cut:]


def run_parts(folder: Path, engine: str, schema: str) -> Outcome:
    """validate_data on a folder of parts: as run_engine, the findings also naming the part."""
    from stoke_opendata.api import validate_data
    from stoke_opendata.errors import StokeError

    start = time.process_time()
    try:
        report = validate_data(str(folder), schema=schema, engine=engine, history=False)
        findings = frozenset((Path(p.file or "").name, p.code, p.row or 0, p.column or "") for p in report.problems)
        return Outcome(f"{engine} (parts)", "report", findings, seconds=time.process_time() - start)
    except StokeError as exc:
        return Outcome(f"{engine} (parts)", "refused", detail=exc.one_line(), seconds=time.process_time() - start)
    except Exception:
        return Outcome(f"{engine} (parts)", "internal", detail=traceback.format_exc(limit=-6), seconds=time.process_time() - start)


def run_cli(path: Path, schema: str, engine: str = "auto") -> Outcome:
    """The console command in-process (stoke_opendata.cli.main): exit 0, 1 or 2, never 'internal error'."""
    from stoke_opendata.cli import main

    err = io.StringIO()
    start = time.process_time()
    code = 0
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            main(["validate", "--no-history", "--engine", engine, "--schema", schema, str(path)])
        except SystemExit as exc:
            code = exc.code or 0
    seconds = time.process_time() - start
    text = err.getvalue()
    if "internal error" in text or code not in (0, 1, 2) or (code == 2 and not text.startswith("error: ")):
        return Outcome("cli", "internal", detail=f"exit {code}: {text[:500]}", seconds=seconds)
    return Outcome("cli", "report" if code in (0, 1) else "refused", detail=text.strip(), seconds=seconds)


def disagreement(a: Outcome, b: Outcome) -> str | None:
    """Why two engines' outcomes differ (None when they agree, or when `b` declined the input)."""
    if b.kind == "refused" and any(d in b.detail for d in DECLINED):
        return None
    if a.kind != b.kind:
        return f"{a.engine}: {a.kind} {a.detail[:200]} / {b.engine}: {b.kind} {b.detail[:200]}"
    if a.kind == "report" and a.findings != b.findings:
        only_a = sorted(a.findings - b.findings)[:5]
        only_b = sorted(b.findings - a.findings)[:5]
        return f"only {a.engine}: {only_a}; only {b.engine}: {only_b}"
    return None


@dataclass
class Tally:
    counts: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)
    slowest: float = 0.0

    def line(self) -> str:
        c = self.counts
        return (f"inputs {c['inputs']} (csv {c['csv']}, xlsx {c['xlsx']}); internal errors {c['internal']}, "
                f"over budget {c['over_budget']}, engines disagree {c['disagree']}; batched declined {c['declined']}; "
                f"outcomes: report {c['report']}, refused {c['refused']}; cli runs {c['cli']}; in parts {c['parts']} (batched declined {c['parts_declined']}); slowest {self.slowest:.2f} s CPU")


def check_input(data: bytes, suffix: str, schema: str, tally: Tally | None = None, cli: bool = False,
                engines=("memory", "batched", "query", "query-streaming"), parts: bool = True) -> list[str]:
    """Every entry point on one input; returns the failures (empty: all well) and counts them in `tally`.
    With `parts`, a CSV is also cut in two parts of one table, and the query engine must read the folder
    as the batched engine does."""
    tally = tally if tally is not None else Tally()
    failures = []
    pair = []
    with tempfile.TemporaryDirectory(prefix="stoke-fuzz-") as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(data)
        runs = [run_engine(path, "memory", schema)]
        if suffix == ".csv":
            runs += [run_engine(path, engine, schema) for engine in engines if engine != "memory"]
        if cli:
            runs.append(run_cli(path, schema))
            tally.counts["cli"] += 1
        halves = split_in_two(data) if suffix == ".csv" and parts else None
        if halves:  # the same rows as two parts of one table: the query engine reads them as batched does
            folder = Path(tmp) / "parts"
            folder.mkdir()
            for index, half in enumerate(halves, 1):
                (folder / f"part-{index}{suffix}").write_bytes(half)
            pair = [run_parts(folder, "batched", schema), run_parts(folder, "query", schema)]
            tally.counts["parts"] += 1
            shutil.rmtree(folder)
        leftovers = sorted(p.name for p in Path(tmp).iterdir() if p.name != path.name)
        if leftovers:  # nothing half-written beside the input
            failures.append(f"files left beside the input: {leftovers}")
    tally.counts["inputs"] += 1
    tally.counts[suffix.lstrip(".")] += 1
    tally.counts[runs[0].kind] += 1
    for run in runs:
        tally.slowest = max(tally.slowest, run.seconds)
        if run.kind == "internal":
            tally.counts["internal"] += 1
            failures.append(f"internal error in {run.engine}: {run.detail}")
        if run.over_budget(len(data)):
            tally.counts["over_budget"] += 1
            failures.append(f"{run.engine} took {run.seconds:.2f} s CPU on {len(data):,} bytes (budget {BUDGET_SECONDS} s)")
        if run.engine != "memory" and run.engine != "cli" and run.kind == "refused" and any(d in run.detail for d in DECLINED):
            tally.counts["declined"] += 1
    for other in runs[1:]:
        if other.engine == "cli":
            continue
        why = disagreement(runs[0], other)
        if why:
            tally.counts["disagree"] += 1
            failures.append(f"engines disagree: {why}")
    for run in pair:
        if run.kind == "internal":
            tally.counts["internal"] += 1
            failures.append(f"internal error in {run.engine}: {run.detail}")
    if pair and pair[0].kind == "refused" and any(d in pair[0].detail for d in DECLINED):
        tally.counts["parts_declined"] += 1
    why = disagreement(pair[1], pair[0]) if pair else None  # batched may decline what query reads
    if why:
        tally.counts["disagree"] += 1
        failures.append(f"engines disagree on parts: {why}")
    if failures:
        tally.failures.append((data, suffix, schema, failures))
    return failures


def save_failure(folder: Path, data: bytes, suffix: str, schema: str, failures: list[str]) -> Path:
    """Keep a failing input (named by its hash) with why it failed, for tests/fuzz/seeds/."""
    import hashlib

    folder.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(data).hexdigest()[:16]
    path = folder / f"{name}-{schema}{suffix}"
    path.write_bytes(data)
    (folder / f"{path.name}.why.txt").write_text("\n".join(failures) + "\n", encoding="utf-8")
    return path

