"""One writer at a time on a folder: an exclusive flock on the folder itself.

Locking the folder (not a file in it) leaves nothing behind and survives os.replace of the files inside
it; the kernel drops the lock when the process ends, so a crashed run never leaves a stale lock. accept
locks a dataset's folder, the release job the packages' folder: both wait the same way.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path


@contextlib.contextmanager
def folder_lock(folder: Path, wait: float, poll: float = 0.05):
    """Yield True holding an exclusive lock on `folder`, or False when another process held it for
    `wait` seconds (the caller says what that means: an error, or a run that stands aside)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(poll)
        yield True
    finally:
        os.close(fd)  # closing the descriptor releases the lock
