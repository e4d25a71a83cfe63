"""`status` for the operator: does each published dataset still match the record, when was it last released,
and what is waiting to be released.

The record is the release's --out folder (the packages it built and published). "Waiting" is what the next
release would change: the bundled datasets are packaged afresh into a temporary folder (validation first,
charts from the cache) and each package's files compared by hash with the record's. Overdue figures come
from the same rule `stoke-opendata due` applies (package/due.py). Pending steward submissions live in the
portal extension's own folder (docs/stewards.md), which this command does not read.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from stoke_opendata.errors import UsageError


@dataclass
class StatusReport:
    portal: str
    datasets: list = field(default_factory=list)  # portal.status.DatasetStatus
    waiting: dict[str, list[str]] = field(default_factory=dict)  # package -> what the next release changes
    last_release: dict | None = None  # the run log's last released run
    marked: int = 0  # resources marked for the next release to repair (repair=True)
    overdue: list[dict] = field(default_factory=list)  # figures whose publisher's release month has passed

    @property
    def drift(self) -> bool:
        return any(d.state != "in-step" for d in self.datasets)

    def to_dict(self) -> dict:
        return {"portal": self.portal, "drift": self.drift, "datasets": [d.to_dict() for d in self.datasets],
                "waiting": self.waiting, "last_release": self.last_release, "marked_for_repair": self.marked,
                "overdue": self.overdue}


def _hashes(package_dir: Path) -> dict[str, str]:
    from stoke_opendata.catalogue.package_model import read_datapackage

    package = read_datapackage(package_dir, self_contained=True)
    return {r.path: r.raw.get("hash") for r in package.resources if isinstance(r.path, str)}


def _waiting(built: dict[str, Path]) -> dict[str, list[str]]:
    from stoke_opendata.api import build_packages

    with tempfile.TemporaryDirectory(prefix="stoke-status-build-") as tmp:
        fresh = build_packages((), tmp)
        if not fresh.valid:
            return {name: ["the source data fails validation: run `stoke-opendata validate`"] for name in fresh.refused}
        waiting = {}
        for b in fresh.built:
            if b.name not in built:
                waiting[b.name] = ["not built or released yet"]
                continue
            new, old = _hashes(Path(b.directory)), _hashes(built[b.name])
            changed = sorted(p for p in set(new) | set(old) if new.get(p) != old.get(p))
            if changed:
                waiting[b.name] = changed
    return waiting


def _last_release(run_log) -> dict | None:
    if not run_log or not Path(run_log).is_file():
        return None
    last = None
    for line in Path(run_log).read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("outcome") == "released":
            last = {k: record.get(k) for k in ("end", "datasets", "bytes_uploaded", "api_calls")}
    return last


def portal_status(names=(), *, out_dir="out", portal: str | None = None, run_log=None,
                  waiting: bool = True, repair: bool = False) -> StatusReport:
    """Compare the built packages in `out_dir` (all, or those named) with the portal; see the module doc.
    `repair`: mark each drifted file so that the next release uploads the released copy again."""
    from stoke_opendata.portal import client as portal_client
    from stoke_opendata.portal.credentials import resolve_settings
    from stoke_opendata.portal.local_package import read_package
    from stoke_opendata.portal.status import dataset_status, mark_for_repair

    out = Path(out_dir)
    built = {p.parent.name: p.parent for p in sorted(out.glob("*/datapackage.json"))} if out.is_dir() else {}
    built = {read_package(d).name: d for d in built.values()}
    chosen = {n: d for n, d in built.items() if not names or n in names or n.removeprefix("stoke-") in names}
    if not chosen:
        raise UsageError("no built packages to compare: run `stoke-opendata release` first (or pass --out)",
                         where=str(out))
    settings = resolve_settings(portal)
    report = StatusReport(portal=settings.url)
    with portal_client.PortalClient(settings) as client:
        for name, directory in chosen.items():
            report.datasets.append(dataset_status(client, read_package(directory)))
            if repair:
                report.marked += mark_for_repair(client, report.datasets[-1])
    if waiting:
        report.waiting = _waiting(built)
    report.last_release = _last_release(run_log)
    from stoke_opendata.api import due_figures

    report.overdue = [{"indicator_id": d.indicator_id, "publisher": d.publisher, "reason": d.reason}
                      for d in due_figures() if d.state == "overdue"]
    return report
