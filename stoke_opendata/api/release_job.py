"""The unattended release job: one release (release_datasets) under a lock, with a run log and an alert.

Why a wrapper and not more options on release_datasets: the portal's approval job (issue 20) calls
release_datasets from inside CKAN and has its own queue; a timer or CI job needs what an operator needs
when nobody is watching: one JSON line per run in a log they can grep (`--log-json`), a message to a
webhook when a run fails (sent once per failed run: the client's retries are inside one run), and a lock so
that two jobs never publish at once (the second exits 0 saying so, or waits, as configured).

Bad input stops the job before anything is released, with one line: a run log that cannot be written, a
malformed alert URL. A portal that goes down in the middle is one line in the log and the alert; the next
run completes the release (publishing compares by hash, so what was sent is not sent again).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from stoke_opendata.errors import EXIT_OK, StokeError, UsageError
from stoke_opendata.safety.locks import folder_lock

RELEASE_WAIT_ENV = "STOKE_OPENDATA_RELEASE_WAIT"
DEFAULT_RELEASE_WAIT = 900.0  # seconds a second job waits with --if-running wait


@dataclass
class JobRun:
    """One run of the job: its log record, what release_datasets returned (None when it did not run), the
    exit code and the lines to show the operator (stderr)."""

    record: dict
    released: object | None = None
    exit_code: int = EXIT_OK
    lines: list[str] = field(default_factory=list)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@contextlib.contextmanager
def release_lock(folder: Path, wait: float):
    """Yield True holding the lock on `folder` (the packages' folder), or False when another job held it
    for `wait` seconds (safety.locks: no stale lock after a crash)."""
    folder.mkdir(parents=True, exist_ok=True)
    with folder_lock(folder, wait, poll=0.2) as held:
        yield held


def _check_log(path: Path) -> None:
    """Refuse, before anything is released, a run log that cannot be appended to."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise UsageError(f"cannot write the run log ({exc.strerror or type(exc).__name__})", where=str(path)) from None


def _append_log(path: Path, record: dict) -> str | None:
    """Append one JSON line; the error line when it cannot be written (the disk filled during the run)."""
    try:
        with path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record, sort_keys=True) + "\n")
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        return f"error: {path}: cannot write the run log ({exc.strerror or type(exc).__name__})"
    return None


def _published_counts(released) -> dict:
    outcome = released.published.outcome if released is not None and released.published else None
    if outcome is None:
        return {"api_calls": 0, "bytes_uploaded": 0, "files_uploaded": 0, "created": 0, "updated": 0}
    return {"api_calls": outcome.api_calls, "bytes_uploaded": outcome.bytes_uploaded,
            "files_uploaded": outcome.files_uploaded, "created": outcome.created, "updated": outcome.updated}


def release_job(names=(), *, out_dir="out", site_dir=None, portal: str | None = None, prune: bool = True,
                log_json=None, if_running: str = "exit", wait: float | None = None, progress: bool = False,
                log=None) -> JobRun:
    """Run release_datasets once under the lock on `out_dir`; append the run's record to `log_json` (a JSON
    Lines file) and, when the run fails and an alert URL is configured, POST the alert once.
    `if_running`: "exit" (another job holds the lock: return at once, exit 0) or "wait" (up to `wait` seconds,
    default STOKE_OPENDATA_RELEASE_WAIT or 900, then exit 0 saying so)."""
    from stoke_opendata.api.release import release_datasets
    from stoke_opendata.portal.alert import alert_url, send_alert
    from stoke_opendata.settings import env_number

    if if_running not in ("exit", "wait"):
        raise UsageError(f"if_running must be 'exit' or 'wait', not {if_running!r}")
    log_path = Path(log_json) if log_json else None
    url = alert_url()  # a malformed URL stops the job here, before anything is released
    record: dict = {"start": _now(), "datasets": list(names) or ["(all)"], "out": str(out_dir),
                    "outcome": None, "error": None, "alert": None}
    run = JobRun(record=record)
    started = time.perf_counter()
    try:
        if log_path is not None:
            _check_log(log_path)
        if if_running == "wait":
            wait = env_number(RELEASE_WAIT_ENV, DEFAULT_RELEASE_WAIT) if wait is None else wait
        else:
            wait = 0.0
        with release_lock(Path(out_dir), wait) as held:
            if not held:
                record["outcome"] = "skipped-running"
                run.lines.append(f"another release holds the lock on {out_dir}"
                                 + (f" (waited {wait:g} s)" if wait else "") + "; this run released nothing")
            else:
                released = release_datasets(list(names), out_dir=out_dir, site_dir=site_dir, portal=portal,
                                            prune=prune, progress=progress, log=log)
                run.released = released
                record["datasets"] = released.datasets or list(released.packaged.refused)
                record.update(_published_counts(released))
                if released.valid:
                    record["outcome"] = "released"
                    record["portal"] = released.published.portal if released.published else None
                    record["site_pages"] = released.site.result.pages if released.site else None
                else:
                    record["outcome"] = "refused-invalid"
                    record["error"] = (f"error: datasets/: {', '.join(released.packaged.refused)} failed "
                                       "validation; nothing was released")
                    run.exit_code = 1
    except StokeError as exc:
        record["outcome"] = record["outcome"] or "failed"
        record["error"] = f"error: {exc.one_line()}"
        run.exit_code = exc.exit_code
    record["end"] = _now()
    record["seconds"] = round(time.perf_counter() - started, 3)
    if record["error"]:
        run.lines.append(record["error"])
        if url:
            title = f"stoke-opendata release {record['outcome']}"
            record["alert"] = send_alert(url, title, record["error"], dict(record))
            run.lines.append(f"alert: {record['alert']}")
    if log_path is not None and (record["outcome"] != "failed" or not _log_is_the_cause(record, log_path)):
        problem = _append_log(log_path, record)
        if problem:
            run.lines.append(problem)
            run.exit_code = run.exit_code or 2
    return run


def _log_is_the_cause(record: dict, log_path: Path) -> bool:
    """True when the run failed because the log itself cannot be written (then there is nothing to append to)."""
    return bool(record["error"]) and record["error"].startswith(f"error: {log_path}:")
