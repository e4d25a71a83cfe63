"""The CLI shell: help, version, and fast start-up."""

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
