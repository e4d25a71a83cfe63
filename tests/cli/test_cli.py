"""The CLI shell: help, version, and fast start-up."""

import json
import subprocess
import sys

from click.testing import CliRunner

from stoke_opendata.cli import cli


def test_help_lists_commands():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "Exit codes" in result.output


def test_help_is_fast_and_imports_nothing_heavy():
    code = (
        "import sys, time; t=time.perf_counter();"
        "from stoke_opendata.cli import cli;"
        "heavy=[m for m in ('polars','pandas','frictionless','pandera','matplotlib','ckanapi','openpyxl') if m in sys.modules];"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    # start-up time itself is measured in bench/startup.py, not asserted here
    subprocess.run([sys.executable, "-m", "stoke_opendata", "--help"], capture_output=True, check=True)


def test_fast_exit_flushes_everything_and_keeps_the_exit_code(tmp_path):
    """main() ends the process without the interpreter's teardown: every byte of stdout and of a written
    file must still be there, and the exit code must be the command's own."""
    rows = ["indicator_id,area_code,area_name,period,value,lower_ci,upper_ci,numerator,denominator,status,source,notes"]
    # enough failing rows that the JSON report is far larger than a pipe's buffer
    rows += [f"working-age-employment-rate,E06000021,Stoke-on-Trent,{2000 + i % 20},{i} %,,,,,final,APS,row {i}" for i in range(3000)]
    data = tmp_path / "many.csv"
    data.write_text("\n".join(rows) + "\n")
    html = tmp_path / "report.html"
    cmd = [sys.executable, "-m", "stoke_opendata", "validate", "--no-history", "--format", "json", "--html", str(html), str(data)]
    result = subprocess.run(cmd, capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)  # complete: a truncated report would not parse
    assert len(report["problems"]) >= 3000
    assert html.read_text(encoding="utf-8").rstrip().endswith("</html>")
    # a clean file exits 0 the same way
    clean = tmp_path / "clean.csv"
    clean.write_text(rows[0] + "\nworking-age-employment-rate,E06000021,Stoke-on-Trent,2024,70.1,,,,,final,APS,\n")
    assert subprocess.run([sys.executable, "-m", "stoke_opendata", "validate", "--no-history", str(clean)], capture_output=True).returncode == 0
