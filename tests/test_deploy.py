"""The deploy/ recipes are checked, not just written: the systemd units with systemd-analyze verify (here it
exists; elsewhere their sections and keys are read), the CI workflow as YAML, and every stoke-opendata command
line in them against that command's real --help, so a recipe cannot call an option that does not exist."""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent / "stoke-opendata"
UNITS = sorted((DEPLOY / "systemd").glob("*.service")) + sorted((DEPLOY / "systemd").glob("*.timer"))


def _render(unit: Path, into: Path) -> Path:
    """The unit as installed here: our venv's stoke-opendata, a user that exists."""
    text = unit.read_text(encoding="utf-8").replace("/opt/stoke-opendata/venv/bin/stoke-opendata", str(BIN))
    text = re.sub(r"^(User|Group)=.*$", r"\1=root", text, flags=re.M)
    out = into / unit.name
    out.write_text(text, encoding="utf-8")
    return out


def _verify(paths: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run(["systemd-analyze", "verify", *map(str, paths)], capture_output=True, text=True,
                          cwd=paths[0].parent, timeout=120)


def test_the_systemd_units_verify(tmp_path):
    assert len(UNITS) == 4
    rendered = [_render(u, tmp_path) for u in UNITS]
    if shutil.which("systemd-analyze"):
        result = _verify(rendered)
        assert result.returncode == 0 and not result.stderr.strip(), result.stderr
        broken = tmp_path / "broken"
        broken.mkdir()
        timer = (tmp_path / "stoke-opendata-release.timer").read_text().replace("*-*-* 06:30:00", "not-a-time")
        (broken / "stoke-opendata-release.timer").write_text(timer)
        assert _verify([broken / "stoke-opendata-release.timer"]).returncode != 0  # the checker does check
    for unit in rendered:  # wherever the units are checked, their sections are there
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str
        parser.read(unit)
        assert "Unit" in parser and ("Service" in parser or "Timer" in parser)


def _commands() -> list[list[str]]:
    found = []
    for unit in UNITS:
        for line in unit.read_text(encoding="utf-8").splitlines():
            if line.startswith("ExecStart=") and "stoke-opendata " in line:
                found.append(shlex.split(line.split("=", 1)[1])[1:])
    workflow = yaml.safe_load((DEPLOY / "ci" / "council-data-repo.yml").read_text(encoding="utf-8"))
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            for line in str(step.get("run", "")).splitlines():
                line = line.strip()
                if line.startswith("stoke-opendata "):
                    found.append([w for w in shlex.split(line)[1:] if not w.startswith(("$", "\"$"))])
    return found


def test_every_recipe_command_uses_options_that_exist():
    commands = _commands()
    assert {c[0] for c in commands} == {"release", "status", "validate", "package"}
    for words in commands:
        help_text = subprocess.run([str(BIN), words[0], "--help"], capture_output=True, text=True).stdout
        for word in words[1:]:
            if word.startswith("--"):
                assert re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", help_text), (words[0], word)


def test_the_workflow_keeps_secrets_in_the_environment():
    text = (DEPLOY / "ci" / "council-data-repo.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    assert set(workflow[True]) == {"pull_request", "push", "workflow_dispatch"}  # YAML reads `on:` as True
    for line in text.splitlines():
        if "secrets." in line:
            assert re.match(r"\s+[A-Z_]+: \$\{\{ secrets\.[A-Z_]+ \}\}$", line), line
    release = workflow["jobs"]["release"]
    assert release["concurrency"]["cancel-in-progress"] is False


@pytest.mark.parametrize("name", ["production.ini", "nginx-ckan.conf", "redis.conf.fragment"])
def test_the_serving_recipe_says_what_hardening_needs(name):
    text = (DEPLOY / "ckan" / name).read_text(encoding="utf-8")
    wanted = {"production.ini": ["ckan.hide_version = true", "SESSION_COOKIE_SECURE = true", "REMEMBER_COOKIE_SECURE = true"],
              "nginx-ckan.conf": ["X-Content-Type-Options \"nosniff\"", "frame-ancestors 'none'", "location /progress/embed/",
                                  "frame-ancestors *"],
              "redis.conf.fragment": ["requirepass", "bind 127.0.0.1"]}[name]
    for piece in wanted:
        assert piece in text, piece
