"""Submit figures on the portal: upload-to-report over HTTP beside `stoke-opendata validate` on the same file,
and approval-to-published.

    bash portal/up.sh && nice -n 10 .venv/bin/python bench/portal_submit_bench.py [--rows 10000] [--repeat 3]

A CKAN web process and job worker with ckanext-stoke run on a copy of the record (tests/portal_ext/
stoke_instance.py; the repository's datasets/ are not touched). The file: ROWS valid observations of the
Corporate Strategy's yearly indicators for 2026 and 2027 across the catalogue's areas (new figures, so the
page also plans them). Prints the medians, the web path's extra seconds, and the CKAN process's peak memory.

Both sides do the same work: the CLI runs `validate FILE --html R --fix F --format json` (the page writes the
HTML report and the --fixed file too) and, for a valid file, `accept FILE --into DATASET --dry-run` (the
page's plan). The approval is timed from the POST to the submission page showing the release job done.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "portal_ext")]
CLI = str(ROOT / ".venv" / "bin" / "stoke-opendata")
FIELDS = "indicator_id,area_code,area_name,period,value,lower_ci,upper_ci,numerator,denominator,status,source,notes"


def generate(rows: int, out: Path) -> None:
    import polars as pl

    obs = pl.read_csv(ROOT / "datasets" / "corporate-strategy-2024-28" / "observations.csv", infer_schema=False)
    yearly = obs.filter(pl.col("period").str.contains(r"^\d{4}$") & pl.col("value").is_not_null())
    latest = yearly.sort("period").group_by("indicator_id", maintain_order=True).last()
    areas = pl.read_csv(ROOT / "schemas" / "areas.csv", infer_schema=False).select("area_code", "area_name").rows()
    lines = [FIELDS]
    for year in ("2026", "2027"):
        for indicator, value in latest.select("indicator_id", "value").rows():
            for code, name in areas:
                if len(lines) > rows:
                    break
                lines.append(f'{indicator},{code},"{name}",{year},{value},,,,,provisional,bench,')
    if len(lines) <= rows:
        raise SystemExit(f"only {len(lines) - 1} rows can be made; ask for fewer")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def validate_seconds(path: Path, home: Path) -> float:
    """`stoke-opendata validate FILE` alone: the report, nothing else."""
    import os

    env = {**os.environ, "STOKE_OPENDATA_HOME": str(home)}
    started = time.perf_counter()
    subprocess.run([CLI, "validate", str(path), "--format", "json"], capture_output=True, env=env)
    return time.perf_counter() - started


def cli_seconds(path: Path, work: Path, home: Path) -> tuple[float, bool]:
    import os

    env = {**os.environ, "STOKE_OPENDATA_HOME": str(home)}
    started = time.perf_counter()
    done = subprocess.run([CLI, "validate", str(path), "--html", str(work / "r.html"), "--fix", str(work / "f.csv"),
                           "--format", "json"], capture_output=True, env=env)
    valid = done.returncode == 0
    if valid:
        subprocess.run([CLI, "accept", str(path), "--into", "corporate-strategy-2024-28", "--dry-run", "--format", "json"],
                       capture_output=True, env=env, check=True)
    return time.perf_counter() - started, valid


def peak_mb(pid: int) -> float:
    """Peak resident memory of a process and its children started in its session (VmHWM, MB)."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{pid}$", text, re.M) or status.parent.name == str(pid):
            found = re.search(r"^VmHWM:\s+(\d+) kB", text, re.M)
            total = max(total, int(found.group(1)) if found else 0)
    return total / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from conftest import LocalPortal, _read_env_file
    from stoke_instance import running
    from stoke_steps import EXAMPLE, PACKAGE, send, submission_id, upload, wait_for_job, decide
    from stoke_web import login

    env = _read_env_file(ROOT / ".portal" / "env")
    portal = LocalPortal(env["CKAN_URL"], env["CKAN_API_TOKEN"])
    with tempfile.TemporaryDirectory(prefix="stoke-submit-bench-") as tmp:
        work = Path(tmp)
        data = work / f"submission-{args.rows}.csv"
        generate(args.rows, data)
        print(f"file: {args.rows:,} rows, {data.stat().st_size / 1e6:.2f} MB")
        with running(portal, work / "portal") as stoke:
            steward = login(stoke["url"], "test-steward", stoke["passwords"]["test-steward"])
            approver = login(stoke["url"], "test-approver", stoke["passwords"]["test-approver"])
            upload(steward, stoke["url"], "warm-up.xlsx", EXAMPLE.read_bytes())  # first request loads polars etc.
            cli, web, alone = [], [], []
            content = data.read_bytes()
            for _ in range(args.repeat):
                alone.append(validate_seconds(data, stoke["home"]))
                seconds, valid = cli_seconds(data, work, stoke["home"])
                cli.append(seconds)
                started = time.perf_counter()
                r = upload(steward, stoke["url"], data.name, content)
                web.append(time.perf_counter() - started)
                assert r.status_code == 200 and "Validation report" in r.text, r.status_code
            c, w = statistics.median(cli), statistics.median(web)
            print(f"file valid: {valid} (the page and the CLI both planned it)" if valid else "file has errors")
            print(f"{'upload to report':34} {'median s':>9} {'min':>7} {'max':>7}")
            a = statistics.median(alone)
            print(f"{'stoke-opendata validate (report)':34} {a:9.2f} {min(alone):7.2f} {max(alone):7.2f}")
            print(f"{'CLI validate --html --fix + plan':34} {c:9.2f} {min(cli):7.2f} {max(cli):7.2f}")
            print(f"{'portal over HTTP':34} {w:9.2f} {min(web):7.2f} {max(web):7.2f}")
            print(f"web path vs the same work on the CLI: {w - c:+.2f} s (ratio {w / c:.2f}); vs validate alone: "
                  f"{w - a:+.2f} s (ratio {w / a:.2f}); CKAN web process peak {peak_mb(stoke['web_pid']):.0f} MB")

            sid = submission_id(upload(steward, stoke["url"], "steward-update.xlsx", EXAMPLE.read_bytes()))
            send(steward, stoke["url"], sid, "bench")
            started = time.perf_counter()
            decide(approver, stoke["url"], sid, "approve", "bench")
            answered = time.perf_counter() - started
            status = wait_for_job(steward, stoke["url"], sid, timeout=900)
            print(f"approval: the request answered in {answered:.2f} s; published (job {status}) after "
                  f"{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
