"""Messages advise only what exists: every `--option` named anywhere in the package's text is an option of
some command, and every STOKE_OPENDATA_* variable it names is read by the code (a message once advised
`--allow-remote`, which no command had, and STOKE_OPENDATA_ALLOW_REMOTE, which changed nothing)."""

import re
from pathlib import Path

import click

from stoke_opendata.cli import cli

PACKAGE = Path(__file__).resolve().parents[2] / "stoke_opendata"
SOURCES = {path: path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")}


def _options() -> set[str]:
    ctx = click.Context(cli)
    found = {"--help"}
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        for param in command.params:
            found.update(o for o in [*param.opts, *param.secondary_opts] if o.startswith("--"))
    return found


def test_every_option_a_message_names_exists():
    options = _options()
    named = {m for text in SOURCES.values() for m in re.findall(r"(?<![\w-])--[a-z][a-z-]*[a-z]", text)}
    assert named - options == set(), f"options named in messages but not defined by any command: {sorted(named - options)}"


def test_every_variable_a_message_names_is_read():
    named = {m for text in SOURCES.values() for m in re.findall(r"STOKE_OPENDATA_[A-Z_]+[A-Z]", text)}
    read = set()
    for text in SOURCES.values():
        read.update(re.findall(r"(?:environ\.get|getenv|env\.get|env_number)\(\s*\"(STOKE_OPENDATA_[A-Z_]+)\"", text))
        # a constant holding the name, used where the environment is read
        for constant, name in re.findall(r"^([A-Z_]+)\s*=\s*\"(STOKE_OPENDATA_[A-Z_]+)\"", text, re.M):
            if re.search(rf"(?:environ\.get|getenv|env\.get|env_number)\(\s*{constant}\b", text):
                read.add(name)
    assert named - read == set(), f"variables named but never read: {sorted(named - read)}"
    assert "STOKE_OPENDATA_ALLOW_REMOTE" not in named
