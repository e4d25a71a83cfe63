"""safety/atomic.py, the one place files are written safely: stale temporaries of dead writers are cleared
and live ones kept, a folder swap never leaves a moment without the folder, a set of files is all or nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from stoke_opendata.safety.atomic import FileSet, atomic_write, clean_stale, staged_file, swap_dir, temp_dir_beside, temp_path


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporaries_of_dead_writers_go_live_ones_stay(tmp_path):
    target = tmp_path / "report.json"
    dead = tmp_path / f".report.json.{_dead_pid()}.0123abcd.tmp"
    dead.write_text("half")
    live = temp_path(target)  # this process's own: alive
    live.write_text("in progress")
    other = tmp_path / f".other.csv.{_dead_pid()}.0123abcd.tmp"
    other.write_text("x")
    with atomic_write(target) as fh:
        fh.write("{}")
    assert target.read_text() == "{}"
    assert not dead.exists() and live.exists() and other.exists()  # only the target's own temporaries
    assert clean_stale(tmp_path) == [other]


def test_atomic_write_failure_keeps_the_old_file(tmp_path):
    target = tmp_path / "a.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(target) as fh:
        fh.write("new, half")
        raise RuntimeError("boom")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["a.csv"]


def test_staged_file_and_file_set(tmp_path):
    with staged_file(tmp_path / "z.bin") as temp:
        temp.write_bytes(b"zip")
    assert (tmp_path / "z.bin").read_bytes() == b"zip"
    (tmp_path / "a").write_text("A0")
    (tmp_path / "b").write_text("B0")
    with pytest.raises(OSError), FileSet(tmp_path) as files:
        files.stage("a").write_text("A1")
        raise OSError(28, "No space left on device")
    assert (tmp_path / "a").read_text() == "A0" and sorted(p.name for p in tmp_path.iterdir()) == ["a", "b", "z.bin"]
    with FileSet(tmp_path) as files:
        files.stage("a").write_text("A1")
        files.stage("b").write_text("B1")
    assert (tmp_path / "a").read_text() + (tmp_path / "b").read_text() == "A1B1"


def test_a_folder_swap_never_leaves_a_moment_without_the_folder(tmp_path):
    final = tmp_path / "site"
    final.mkdir()
    (final / "index.html").write_text("0")
    missing = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            if not (final / "index.html").exists():
                missing.append(1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for i in range(1, 200):
            work = temp_dir_beside(final)
            (work / "index.html").write_text(str(i))
            swap_dir(work, final)
    finally:
        stop.set()
        watcher.join()
    assert (final / "index.html").read_text() == "199"
    assert missing == []
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # every old copy removed
    assert oct(os.stat(final).st_mode & 0o777) != oct(0o700)  # made shareable, as a site is served
