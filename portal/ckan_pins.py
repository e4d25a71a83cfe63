"""CKAN's own pinned requirements (the `requirements` extra of the installed ckan): print them as pip
constraints (`constraints`), or check that every one still holds (`check`), which `pip check` does not do
for an extra. Run with the portal venv's Python by portal/up.sh before and after installing stoke-opendata."""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, distribution, version

from packaging.requirements import Requirement


def pins() -> list[Requirement]:
    found = []
    for text in distribution("ckan").requires or []:
        req = Requirement(text)
        if req.marker is not None and req.marker.evaluate({"extra": "requirements"}):
            found.append(req)
    return found


def main(mode: str) -> int:
    if mode == "constraints":
        for req in pins():
            if str(req.specifier).startswith("=="):
                print(f"{req.name}{req.specifier}")
        return 0
    broken = []
    for req in pins():
        try:
            have = version(req.name)
        except PackageNotFoundError:
            broken.append(f"{req.name}: missing")
            continue
        if not req.specifier.contains(have, prereleases=True):
            broken.append(f"{req.name}: {have} installed, CKAN pins {req.specifier}")
    for line in broken:
        print(f"ckan pin broken: {line}", file=sys.stderr)
    print(f"ckan pins: {len(pins()) - len(broken)} of {len(pins())} hold")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "check"))
