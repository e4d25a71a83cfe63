"""Rewrite imports of stoke_opendata's old flat module paths to the sub-package layout (issue 14).

Usage: python tools/relayout.py FILE...   (rewrites the files in place; prints the ones it changed)

The map of old module -> new module is LAYOUT.md's table, kept here as data so the same rewrite can be
run on any branch that still imports the old paths.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

MOVES = {
    "vocabulary": "catalogue.vocabulary",
    "definitions": "catalogue.definitions",
    "periods": "catalogue.periods",
    "datasets": "catalogue.datasets",
    "dataset_tables": "catalogue.dataset_tables",
    "documents": "catalogue.documents",
    "paths": "catalogue.paths",
    "indicator_summary": "catalogue.indicator_summary",
    "indicator_text": "catalogue.indicator_text",
    "safety": "safety.guards",
    "disclosure": "safety.disclosure",
    "injection": "safety.injection",
    "reading": "validate.reading",
    "structure": "validate.structure",
    "validation": "validate.validator",
    "problems": "validate.problems",
    "report": "validate.report",
    "fixing": "validate.fixing",
    "checks": "validate.checks",
    "manifests": "package.manifests",
    "packaging": "package.build",
    "progress": "package.progress",
    "charts": "package.charts",
    "portal": "portal.client",
    "publishing": "portal.publishing",
    "downloading": "portal.download",
    "commands": "cli",
}
_OLD = "|".join(sorted(MOVES, key=len, reverse=True))
# `from stoke_opendata import a, b as c` -> one line per moved name
_FROM_PKG = re.compile(r"^(?P<indent>[ \t]*)from stoke_opendata import (?P<names>[^()\n#]+?)(?P<comment>[ \t]*#.*)?$", re.M)
# dotted references: stoke_opendata.reading(.x), in imports, strings and attribute chains
_DOTTED = re.compile(rf"\bstoke_opendata\.(?P<old>{_OLD})\b(?!/)(?!\.(?:client|publishing|download|guards|disclosure|injection)\b)(?! import (?:client|publishing|download|guards|disclosure|injection)\b)")
_SLASHED = re.compile(rf"\bstoke_opendata/(?P<old>{_OLD})(?P<ext>\.py|/)")


def _from_pkg(match: re.Match) -> str:
    indent, comment = match["indent"], match["comment"] or ""
    kept, lines = [], []
    for part in match["names"].split(","):
        part = part.strip()
        if not part:
            continue
        name, _, alias = part.partition(" as ")
        name, alias = name.strip(), alias.strip()
        if name in MOVES:
            pkg, _, leaf = MOVES[name].rpartition(".")
            if pkg:
                local = alias or name
                as_ = f" as {local}" if local != leaf else ""
                lines.append(f"{indent}from stoke_opendata.{pkg} import {leaf}{as_}")
            else:  # commands -> cli: a package, imported as a module
                local = alias or name
                lines.append(f"{indent}from stoke_opendata import {leaf}" + (f" as {local}" if local != leaf else ""))
        else:
            kept.append(part)
    if not lines:
        return match.group(0)
    if kept:
        lines.insert(0, f"{indent}from stoke_opendata import {', '.join(kept)}")
    lines[0] += comment
    return "\n".join(lines)


def rewrite(text: str) -> str:
    text = _DOTTED.sub(lambda m: "stoke_opendata." + MOVES[m["old"]], text)
    text = _FROM_PKG.sub(_from_pkg, text)
    text = _SLASHED.sub(lambda m: "stoke_opendata/" + MOVES[m["old"]].replace(".", "/") + m["ext"], text)
    return text


def main(argv: list[str]) -> int:
    for name in argv:
        path = Path(name)
        old = path.read_text(encoding="utf-8")
        new = rewrite(old)
        if new != old:
            path.write_text(new, encoding="utf-8")
            print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
