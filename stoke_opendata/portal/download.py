"""Download a published dataset back as the data package it was published from, and prove it is intact.

Anonymous: it needs no token. It reads the dataset's datapackage.json from the portal, fetches every
file stoke-opendata published at its path in the package, checks each file's sha256 against the
descriptor (and the portal's record), then validates the tables against their published Table Schemas.
The files land in a temporary folder beside the target and are moved into place only when all checks
pass, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from stoke_opendata.errors import InputError, InvalidDataError, PortalError, UsageError
from stoke_opendata.portal.finishing import descriptor_text, offline_descriptor
from stoke_opendata.catalogue.package_model import DESCRIPTOR, read_datapackage, resolve_path
from stoke_opendata.portal.local_package import CREATED_BY, read_package
from stoke_opendata.portal.publish_gate import check_package
from stoke_opendata.safety.atomic import swap_dir, temp_dir_beside


@dataclass
class Downloaded:
    name: str
    directory: Path
    files: list[dict] = field(default_factory=list)
    bytes: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {"dataset": self.name, "directory": str(self.directory), "bytes": self.bytes,
                "seconds": round(self.seconds, 3), "files": self.files}


def _published_files(dataset: dict) -> dict[str, dict]:
    files = {}
    for res in dataset.get("resources") or []:
        if res.get("created_by") == CREATED_BY and res.get("package_path") and res.get("url"):
            files.setdefault(res["package_path"], res)
    return files


def _prepare_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / DESCRIPTOR).exists():
        raise UsageError(f"{out} is a folder with other files in it; give an empty or new folder (or a previous "
                         "download, which is replaced)")


def download_dataset(client: Any, name: str, out: Path, *, progress: bool = True,
                     log: Callable[[str], None] = lambda s: None) -> Downloaded:
    """Fetch dataset `name` into folder `out` (created or replaced), verified and validated."""
    import time

    from stoke_opendata.portal.bars import _bar
    from stoke_opendata.portal.client import PortalNotFound

    started = time.perf_counter()
    out = Path(out)
    _prepare_target(out)
    try:
        dataset = client.action("package_show", id=name)
    except PortalNotFound:
        raise PortalError(f"no dataset named {name!r} on {client.url}") from None
    published = _published_files(dataset)
    if DESCRIPTOR not in published:
        raise PortalError(f"the dataset {name!r} on {client.url} has no datapackage.json resource; "
                          "it was not published by stoke-opendata")

    out.parent.mkdir(parents=True, exist_ok=True)
    work = temp_dir_beside(out)
    result = Downloaded(name, out)
    try:
        def fetch(rel: str, expected: str, source: str) -> None:
            res = published[rel]
            target = resolve_path(work, rel, where=f"{client.url}/dataset/{name}: {rel}")  # the model's guard
            with _bar(progress, res.get("size"), f"download {rel}", "B") as bar:
                try:
                    size, digest = client.download(res["url"], target, progress=bar.update)
                except PortalError as exc:  # name the resource as well as the URL and status
                    raise type(exc)(f"resource {res.get('name') or rel!r} ({rel}): {exc.message}") from None
            if digest != expected:
                raise InvalidDataError(
                    f"{rel}: sha256 {digest[:12]}... does not match {expected[:12]}... in {source}; "
                    "the file on the portal is not the one that was published",
                    where=f"{client.url}/dataset/{name}")
            result.files.append({"path": rel, "bytes": size, "sha256": digest, "url": res["url"]})
            result.bytes += size
            log(f"{rel}: {size} bytes, sha256 ok")

        fetch(DESCRIPTOR, published[DESCRIPTOR].get("sha256") or "", "the portal's record")
        try:
            descriptor = read_datapackage(work / DESCRIPTOR, self_contained=True).descriptor
            # the portal's descriptor names files by their portal URLs (portal/finishing.py): back to the
            # package's own relative paths, so the download is the self-contained package that was built
            descriptor = offline_descriptor(descriptor, {res["url"]: rel for rel, res in published.items()},
                                            published)
            resources = descriptor["resources"]
        except (InputError, ValueError, KeyError, TypeError, AttributeError) as exc:
            cause = exc.message if isinstance(exc, InputError) else exc
            raise InvalidDataError(f"the published datapackage.json is not a data package ({cause})",
                                   where=f"{client.url}/dataset/{name}") from None
        offline = descriptor_text(descriptor)
        (work / DESCRIPTOR).write_bytes(offline)
        # report the package as written: the descriptor's bytes are those of the offline copy
        result.bytes += len(offline) - result.files[0]["bytes"]
        result.files[0].update(bytes=len(offline), sha256=hashlib.sha256(offline).hexdigest())
        for res in resources:
            rel = res.get("path")
            if rel not in published:
                raise PortalError(f"{rel} is listed in datapackage.json but missing from the dataset {name!r}")
            algo, _, hexdigest = str(res.get("hash") or "").rpartition(":")
            if algo != "sha256" or not hexdigest:
                raise InvalidDataError(f"{rel}: datapackage.json gives no sha256 hash", where=name)
            fetch(rel, hexdigest.lower(), "datapackage.json")
        for rel, res in published.items():  # README and any other file published with the package
            if rel != DESCRIPTOR and rel not in {r.get("path") for r in resources}:
                fetch(rel, res.get("sha256") or "", "the portal's record")

        check_package(read_package(work))  # hashes again, and the tables against their schemas
        swap_dir(work, out)  # the previous download stays in place until the new one is whole
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    result.seconds = time.perf_counter() - started
    return result
