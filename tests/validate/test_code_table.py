"""The code table of docs/validation.md is made from the registry (problems.CODES, each check's codes and
guide): it must match the code, and every code of this package has its full meaning and an example fix."""

import subprocess
import sys
from pathlib import Path

from stoke_opendata.validate.problems import GUIDE, code_table, package_codes

ROOT = Path(__file__).resolve().parents[2]


def test_code_table_is_current():
    result = subprocess.run([sys.executable, "-m", "cogapp", "--check", "--diff", str(ROOT / "docs" / "validation.md")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, "docs/validation.md's code table is stale: run `make docs`\n" + result.stdout + result.stderr


def test_every_code_has_a_line_with_its_meaning_and_a_fix():
    codes = package_codes()
    assert len(codes) >= 40
    assert {code for code in codes if code not in GUIDE or not all(GUIDE[code])} == set()
    table = code_table()
    assert all(f"| `{code}` | {severity} | {layer} |" in table for code, (severity, layer, _m) in codes.items())
