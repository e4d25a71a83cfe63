"""The CLI reference in docs/cli.md is generated from --help; it must match the code."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_cli_reference_is_current():
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "--diff", str(ROOT / "docs" / "cli.md")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, "docs/cli.md is stale: run `make docs`\n" + result.stdout + result.stderr
