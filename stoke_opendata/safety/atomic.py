"""Every safe write in one place: a file, a set of files committed together, a folder swap, a download.

Why one module: a reader (a web server, a later run, another tool) must always find the old content or the
whole new content, never half of it and never nothing, and a run killed mid-write must not leave debris
that no later run removes. Each of those promises is made here once, and every writer in the package uses it
(reports and --fix copies, accept's set of dataset files, built packages and zips, the site, downloads).

How: new content goes to a temporary name beside its target (same file system, so the final rename is
atomic), is flushed to disk, then renamed over the target. A folder is swapped in with Linux's
renameat2(RENAME_EXCHANGE), which exchanges the two names in one step, so there is no moment without a
folder; elsewhere it falls back to two renames. Temporary names carry the writer's process id
(`.NAME.PID.RANDOM.tmp`): `clean_stale` removes those whose process is gone, so the next run clears what a
killed one left, without touching a writer that is still running.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import sys
from pathlib import Path

from stoke_opendata.errors import UsageError

TEMP_SUFFIX = ".tmp"
# .NAME.PID.RANDOM.tmp (a file) or .NAME.PID.RANDOM.tmpdir (a folder)
_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp(dir)?$")


# --------------------------------------------------------------------------- temporary names


def temp_path(target, *, folder: bool = False) -> Path:
    """A fresh temporary name beside `target`, owned by this process (not created)."""
    target = Path(target)
    suffix = ".tmpdir" if folder else TEMP_SUFFIX
    return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}{suffix}")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def clean_stale(folder, names=None, *, locked: bool = False) -> list[Path]:
    """Remove temporary files and folders a killed writer left in `folder` (only for targets in `names`, when
    given). A temporary whose process is still alive is kept, unless the caller holds the folder's lock
    (`locked`): then no other writer can be at work, and temporaries of older versions of this package
    (`.NAME.RANDOM.tmp`, no process id) go too. Returns what was removed."""
    folder = Path(folder)
    wanted = set(names) if names is not None else None
    removed = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        found = _TEMP.match(entry.name)
        if found:
            name, stale = found["name"], locked or not _alive(int(found["pid"]))
        elif locked and entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX):
            name = entry.name[1:].rsplit(".", 2)[0]
            stale = True
        else:
            continue
        if not stale or (wanted is not None and name not in wanted):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def fsync_path(path) -> None:
    """Flush a file's or a folder's entry to disk (a rename is durable once its folder is synced)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mode_for(target: Path, default: int = 0o666) -> int:
    return target.stat().st_mode & 0o7777 if target.exists() else default & ~_umask()


# --------------------------------------------------------------------------- one file


class atomic_write:
    """Write one file so that readers see the old file or the whole new one, never half of it. On an error
    the temporary file is removed and the target is untouched; a temporary left by a killed earlier writer
    of the same target is removed first.

        with atomic_write(path) as fh:
            fh.write(...)
    """

    def __init__(self, path, mode: str = "w", *, encoding: str | None = "utf-8", newline: str | None = ""):
        self.path = Path(path)
        self.mode = mode
        self.encoding = None if "b" in mode else encoding
        self.newline = None if "b" in mode else newline
        self._fh = None
        self._tmp: Path | None = None

    def __enter__(self):
        folder = self.path.parent if str(self.path.parent) else Path(".")
        if self.path.is_dir():
            raise UsageError(f"{self.path} is a folder; give a file name to write")
        if not folder.is_dir():
            raise UsageError(f"cannot write {self.path}: the folder {folder} does not exist")
        clean_stale(folder, [self.path.name])
        self._tmp = temp_path(self.path)
        fd = os.open(self._tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._fh = os.fdopen(fd, self.mode, encoding=self.encoding, newline=self.newline)
        return self._fh

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self._fh.flush()
                os.fsync(self._fh.fileno())
            self._fh.close()
            if exc_type is None:
                os.chmod(self._tmp, _mode_for(self.path, 0o644 | _umask()))
                os.replace(self._tmp, self.path)
                self._tmp = None
        finally:
            if self._tmp is not None:
                self._tmp.unlink(missing_ok=True)
        return False


class staged_file:
    """For a writer that wants a path, not a file handle: yields a temporary path beside `target`; when the
    block ends without error the file there is synced and renamed over `target`, otherwise removed.

        with staged_file(path) as temp:
            frame.write_csv(temp)
    """

    def __init__(self, target):
        self.target = Path(target)
        self.temp: Path | None = None

    def __enter__(self) -> Path:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(self.target.parent, [self.target.name])
        self.temp = temp_path(self.target)
        return self.temp

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                fsync_path(self.temp)
                os.chmod(self.temp, _mode_for(self.target, 0o644 | _umask()))
                os.replace(self.temp, self.target)
        finally:
            self.temp.unlink(missing_ok=True)
        return False


def write_bytes_atomic(path, data: bytes) -> None:
    """`atomic_write` for bytes already in memory."""
    with atomic_write(path, "wb") as fh:
        fh.write(data)


# --------------------------------------------------------------------------- a set of files


class FileSet:
    """Files committed together: each is written in full to its temporary name and synced; only when all of
    them are on disk are they renamed into place, in the order staged, and the folder synced. A failure
    while staging leaves every target as it was. (Between two renames a kill can leave the first target
    new and the second old: callers order the set so that a rerun completes it, as accept does.)

        with FileSet(folder) as files:
            write_csv(frame, files.stage("observations.csv"))
    """

    def __init__(self, folder):
        self.folder = Path(folder)
        self.staged: list[tuple[Path, Path]] = []

    def __enter__(self) -> "FileSet":
        return self

    def stage(self, name: str) -> Path:
        """The temporary path to write `name`'s new content to (the caller writes and syncs it)."""
        target = self.folder / name
        temp = temp_path(target)
        self.staged.append((temp, target))
        return temp

    def commit(self) -> list[str]:
        for temp, target in self.staged:
            fsync_path(temp)
            os.chmod(temp, _mode_for(target, 0o644 | _umask()))
        for temp, target in self.staged:
            os.replace(temp, target)
        fsync_path(self.folder)
        done = [target.name for _temp, target in self.staged]
        self.staged = []
        return done

    def discard(self) -> None:
        for temp, _target in self.staged:
            temp.unlink(missing_ok=True)
        self.staged = []

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            try:
                self.commit()
            except BaseException:
                self.discard()
                raise
        else:
            self.discard()
        return False


# --------------------------------------------------------------------------- a folder


def temp_dir_beside(final) -> Path:
    """A new private folder beside `final`, to build its next content in (then `swap_dir` it in)."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(final.parent, [final.name])
    work = temp_path(final, folder=True)
    os.mkdir(work, 0o700)
    return work


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step (Linux renameat2); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_dir(new, final, *, shared: bool = True) -> None:
    """Put folder `new` in place of `final` (which may not exist yet) with no moment in which `final` is
    missing, then remove the old content. `shared`: make the new folder readable as the umask allows (a
    package or a site is meant to be served), since `temp_dir_beside` made it private."""
    new, final = Path(new), Path(final)
    if shared:
        os.chmod(new, 0o777 & ~_umask())
    if not final.exists():
        os.replace(new, final)
        return
    if _exchange(new, final):  # `new` now holds the old content
        shutil.rmtree(new, ignore_errors=True)
        return
    old = temp_path(final, folder=True)
    os.replace(final, old)  # the fallback: a brief moment between these two renames
    os.replace(new, final)
    shutil.rmtree(old, ignore_errors=True)
