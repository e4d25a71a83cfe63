"""Progress bars for long uploads and loads (tqdm on a terminal, nothing otherwise).
"""

from __future__ import annotations

import sys
from typing import Any, Optional


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def __enter__(self) -> "_NoBar":
        return self

    def __exit__(self, *exc: Any) -> None:
        pass


def _bar(enabled: bool, total: Optional[int], desc: str, unit: str):
    """A tqdm progress bar on stderr (hidden when stderr is not a terminal), or nothing."""
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, unit_scale=(unit == "B"), unit_divisor=1024,
                file=sys.stderr, disable=None, leave=False)

