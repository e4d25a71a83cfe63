"""The sha256 of a file, read in 1 MiB blocks: how a package lists its files, how the portal knows a file is
unchanged, and how a revision names the submission it came from. One function for every layer."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_file(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
