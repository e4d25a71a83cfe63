"""One accept at a time per dataset: safety.locks' flock on the dataset's folder. A second steward waits
up to STOKE_OPENDATA_LOCK_WAIT seconds (default 30) for the first to finish, then plans again on what the
first one wrote, so neither loses the other's rows.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from stoke_opendata.errors import StokeError
from stoke_opendata.safety.locks import folder_lock

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
    with folder_lock(folder, wait) as held:
        if not held:
            raise LockedError(f"the dataset is locked by another accept (waited {wait:g} s; "
                              "try again, or set STOKE_OPENDATA_LOCK_WAIT)", where=str(folder))
        yield
