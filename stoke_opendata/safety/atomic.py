"""Atomic writes of one file: a reader sees the old file or the whole new one, never half of it. Used for
reports, `--fix` copies and suppressed CSVs (accept swaps a set of files in with its own apply step)."""

from __future__ import annotations

import os
from pathlib import Path

from stoke_opendata.errors import UsageError


class atomic_write:
    """Write a file so that readers see the old file or the whole new one, never half of it: the text
    goes to a temporary file beside the target, is flushed to disk, then renamed over it. On an error the
    temporary file is removed and the target is untouched.

        with atomic_write(path) as fh:
            fh.write(...)
    """

    def __init__(self, path, mode: str = "w", *, encoding: str | None = "utf-8", newline: str | None = ""):
        self.path = Path(path)
        self.mode = mode
        self.encoding = None if "b" in mode else encoding
        self.newline = None if "b" in mode else newline
        self._fh = None
        self._tmp = None

    def __enter__(self):
        import tempfile

        folder = self.path.parent if str(self.path.parent) else Path(".")
        if self.path.is_dir():
            raise UsageError(f"{self.path} is a folder; give a file name to write")
        if not folder.is_dir():
            raise UsageError(f"cannot write {self.path}: the folder {folder} does not exist")
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
        self._fh = os.fdopen(fd, self.mode, encoding=self.encoding, newline=self.newline)
        return self._fh

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self._fh.flush()
                os.fsync(self._fh.fileno())
            self._fh.close()
            if exc_type is None:
                mode = self.path.stat().st_mode & 0o777 if self.path.exists() else 0o644
                os.chmod(self._tmp, mode)
                os.replace(self._tmp, self.path)
                self._tmp = None
        finally:
            if self._tmp and os.path.exists(self._tmp):
                os.unlink(self._tmp)
        return False
