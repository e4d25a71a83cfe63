"""Numbers read from the environment (size limits, disclosure threshold, portal timeout and retries).

One reader, so that every such variable is parsed and refused the same way: a value that is not a number,
or is out of range, ends with one line naming the variable and what it held (exit 2), never a traceback.
"""

from __future__ import annotations

import os
from typing import Mapping

from stoke_opendata.errors import StokeError, UsageError


def env_number(
    name: str,
    default,
    *,
    kind: type = float,
    minimum: float = 0,
    exclusive: bool = False,
    environ: Mapping[str, str] | None = None,
    error: type[StokeError] = UsageError,
):
    """`name` from the environment as `kind` (int or float); `default` when unset or blank. The value must be
    at least `minimum` (greater than it if `exclusive`); anything else raises `error`."""
    env = os.environ if environ is None else environ
    text = (env.get(name) or "").strip()
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        raise error(f"{name} must be {'a whole number' if kind is int else 'a number'}, not {text!r}") from None
    in_range = value > minimum if exclusive else value >= minimum  # (NaN is in no range)
    if not in_range:
        raise error(f"{name} must be {'greater than' if exclusive else 'at least'} {minimum}, not {text!r}")
    return value
