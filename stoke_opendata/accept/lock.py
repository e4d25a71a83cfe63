"""One accept at a time per dataset: an exclusive flock on the dataset's folder.

Locking the folder itself (not a file in it) leaves nothing behind and survives os.replace of the files
inside it; the kernel releases the lock when the process ends, so a crashed accept never leaves a stale
lock. A second steward waits up to STOKE_OPENDATA_LOCK_WAIT seconds (default 30) for the first to finish,
then plans again on what the first one wrote, so neither loses the other's rows.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path

from stoke_opendata.errors import StokeError

DEFAULT_WAIT = 30.0


class LockedError(StokeError):
    """Another accept holds the dataset (exit 2: try again later)."""


def wait_seconds(environ=None) -> float:
    from stoke_opendata.settings import env_number

    return env_number("STOKE_OPENDATA_LOCK_WAIT", DEFAULT_WAIT, minimum=0, environ=environ)


@contextlib.contextmanager
def dataset_lock(folder: Path, wait: float | None = None):
    """Hold an exclusive lock on `folder` for the block; LockedError after `wait` seconds."""
    wait = wait_seconds() if wait is None else wait
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockedError(
                        f"the dataset is locked by another accept (waited {wait:g} s; "
                        "try again, or set STOKE_OPENDATA_LOCK_WAIT)", where=str(folder)) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
