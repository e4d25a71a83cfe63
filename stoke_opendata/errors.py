"""Errors the CLI turns into one line and an exit code, never a traceback.

Exit codes are part of the public contract:
0 ok, 1 invalid data (validation errors, refused publication), 2 usage or environment error
(bad option, unreadable file, unreachable portal, wrong token).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


class StokeError(Exception):
    """An expected failure with a one-line cause and, where known, where it happened."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, where: str | None = None, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.where = where
        if exit_code is not None:
            self.exit_code = exit_code

    def one_line(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return " ".join(text.split())


class InputError(StokeError):
    """A file could not be read or understood (exit 2)."""


class UsageError(StokeError):
    """A wrong option, unknown id or impossible request (exit 2)."""


class PortalError(StokeError):
    """The portal could not be reached, refused the token or answered unexpectedly (exit 2)."""


class InvalidDataError(StokeError):
    """The data failed validation or a safety rule, so the work was refused (exit 1)."""

    exit_code = EXIT_INVALID
