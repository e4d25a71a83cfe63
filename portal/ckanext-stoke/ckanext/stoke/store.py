"""Pending submissions, kept on the server and never as CKAN resources.

One folder per submission under `ckanext.stoke.submissions_dir`, named by a random id the server makes:
`upload.csv` or `upload.xlsx` (the user's file name is kept as text in meta.json, never used as a path),
report.json, report.html, fixed.csv and meta.json (dataset, submitter, times, reason, status, decision, job).
meta.json is replaced atomically; every change of status happens under one file lock, so two approvals at
the same moment run one after the other and the second sees the first one's decision.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

ID = re.compile(r"^[0-9a-f]{24}$")
DRAFT, PENDING, APPROVED, REJECTED = "draft", "pending", "approved", "rejected"


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Store:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)

    def new(self) -> tuple[str, Path]:
        sid = secrets.token_hex(12)
        folder = self.root / sid
        folder.mkdir(mode=0o700)
        return sid, folder

    def folder(self, sid: str) -> Path | None:
        """The folder of a submission id, or None: an id is checked against its pattern before it is a path."""
        if not isinstance(sid, str) or not ID.match(sid):
            return None
        folder = self.root / sid
        return folder if (folder / "meta.json").is_file() else None

    def read(self, sid: str) -> dict | None:
        folder = self.folder(sid)
        if folder is None:
            return None
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        meta["id"] = sid
        return meta

    def write(self, sid: str, meta: dict, folder: Path | None = None) -> None:
        folder = folder or self.root / sid
        data = {k: v for k, v in meta.items() if k != "id"}
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".meta-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, folder / "meta.json")

    def update(self, sid: str, **changes) -> dict:
        with self.locked():
            meta = self.read(sid)
            meta.update(changes)
            self.write(sid, meta)
            return meta

    @contextmanager
    def locked(self):
        """One lock for every decision: approvals are serialised across threads and processes."""
        with open(self.root / ".decisions.lock", "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def report(self, sid: str) -> dict | None:
        folder = self.folder(sid)
        path = folder / "report.json" if folder else None
        return json.loads(path.read_text(encoding="utf-8")) if path and path.is_file() else None

    def listing(self, package: str, *, status: str | None = None, submitter: str | None = None) -> list[dict]:
        found = []
        for child in self.root.iterdir():
            if child.is_dir() and ID.match(child.name):
                meta = self.read(child.name)
                if not meta or meta.get("package") != package:
                    continue
                if status and meta.get("status") != status:
                    continue
                if submitter and meta.get("submitter") != submitter:
                    continue
                found.append(meta)
        return sorted(found, key=lambda m: m.get("created", ""), reverse=True)
