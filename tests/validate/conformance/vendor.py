"""Copy frictionless-py's `data/` fixtures that the conformance suite runs into tests/validate/conformance/data/.

Run once by hand (not by the tests), from a bare mirror of frictionlessdata/frictionless-py:

    .venv/bin/python tests/validate/conformance/vendor.py /path/to/frictionless-py.git [COMMIT]

It selects every package descriptor (a JSON/YAML object with a `resources` list), every resource descriptor
(an object with a `path` or `data`), every standalone Table Schema (an object with `fields` or `primaryKey`,
or a file named like a schema), and every file they name (data paths, schema and dialect references), plus
the project's LICENSE.md. SOURCE.txt records the repository and the commit the files came from.
Nothing is fetched: the files are read with `git show` from the mirror.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
OUT = HERE / "data"
SKIP_DIRS = ("data/cassettes/", "data/fixtures/", "data/profiles/", "data/zenodo/", "data/storage/")


def git(gitdir: str, *args: str) -> bytes:
    return subprocess.run(["git", f"--git-dir={gitdir}", *args], check=True, capture_output=True).stdout


def parse(name: str, blob: bytes):
    try:
        text = blob.decode("utf-8-sig")
        return yaml.safe_load(text) if name.endswith((".yaml", ".yml")) else json.loads(text)
    except Exception:
        return None


def kind(name: str, doc) -> str | None:
    if not isinstance(doc, dict):
        return "schema" if "schema" in name.rsplit("/", 1)[-1] else None
    if isinstance(doc.get("resources"), list):
        return "package"
    if "path" in doc or "data" in doc:
        return "resource"
    if "fields" in doc or "primaryKey" in doc or "schema" in name.rsplit("/", 1)[-1]:
        return "schema"
    return None


def referenced(base: str, doc) -> list[str]:
    """Relative paths a descriptor names (data, schema, dialect), as repository paths."""
    out = []
    resources = doc.get("resources") if isinstance(doc.get("resources"), list) else [doc]
    for res in resources:
        if not isinstance(res, dict):
            continue
        for key in ("path", "schema", "dialect"):
            value = res.get(key)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and "://" not in item and not item.startswith("/"):
                    out.append(str(Path(base) / item))
    return out


def main(gitdir: str, commit: str = "HEAD") -> None:
    commit = git(gitdir, "rev-parse", commit).decode().strip()
    names = git(gitdir, "ls-tree", "-r", "--name-only", commit, "data").decode().splitlines()
    wanted = {"data/table.csv"}
    for name in names:
        if name.startswith(SKIP_DIRS) or not name.endswith((".json", ".yaml", ".yml")):
            continue
        blob = git(gitdir, "show", f"{commit}:{name}")
        doc = parse(name, blob)
        found = kind(name, doc)
        if found:
            wanted.add(name)
            if isinstance(doc, dict):
                wanted.update(p for p in referenced(str(Path(name).parent), doc) if p in names)
    if OUT.exists():
        import shutil

        shutil.rmtree(OUT)
    for name in sorted(wanted):
        target = OUT / Path(name).relative_to("data")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            target.write_bytes(git(gitdir, "show", f"{commit}:{name}"))
        except subprocess.CalledProcessError:
            print(f"absent from the mirror (skipped): {name}", file=sys.stderr)
    (OUT / "LICENSE.md").write_bytes(git(gitdir, "show", f"{commit}:LICENSE.md"))
    stamp = git(gitdir, "log", "-1", "--format=%H %cI", commit).decode().split()
    (OUT / "SOURCE.txt").write_text(
        "Fixtures from https://github.com/frictionlessdata/frictionless-py (data/), MIT licence (LICENSE.md).\n"
        f"commit {stamp[0]} ({stamp[1]})\n"
        "Copied unchanged by tests/validate/conformance/vendor.py; only the files the conformance suite runs.\n",
        encoding="utf-8",
    )
    print(f"{len(wanted)} files from {commit} into {OUT}")


if __name__ == "__main__":
    main(*sys.argv[1:])
