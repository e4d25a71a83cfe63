"""The corpus: every malformed or awkward file a steward might send gets the expected exit code and codes,
through the real CLI in a subprocess, and none produces a traceback."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parents[1]
CORPUS = HERE / "corpus"
MANIFEST = json.loads((CORPUS / "expected.json").read_text())["files"]


def test_corpus_is_large_enough():
    assert len(MANIFEST) >= 40
    formats = {Path(name).suffix for name in MANIFEST}
    assert {".csv", ".xlsx", ".json"} <= formats


def run_cli(*args):
    cmd = [sys.executable, "-m", "stoke_opendata", "validate", "--no-history", "--catalogue", str(CORPUS / "catalogue"), *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=HERE.parent)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_corpus_file(name):
    expected = MANIFEST[name]
    path = CORPUS / "files" / name
    result = run_cli("--format", "json", *expected["args"], str(path))
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert "internal error" not in output
    assert result.returncode == expected["exit_code"], output[-2000:]
    if expected["exit_code"] == 2:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: ") and name.split("/")[-1] in lines[0], result.stderr
        assert result.stdout == ""
        return
    report = json.loads(result.stdout)
    codes = sorted({p["code"] for p in report["problems"]})
    assert codes == expected["codes"], json.dumps(report["problems"], indent=1)[:3000]


@pytest.mark.parametrize("name", ["many_problems.csv", "errors.xlsx", "valid.csv"])
def test_corpus_text_report_has_no_traceback(name):
    result = run_cli(str(CORPUS / "files" / name))
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == MANIFEST[name]["exit_code"]
    assert result.stdout.startswith(("VALID", "INVALID"))
