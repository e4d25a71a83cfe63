"""The background job after an approval: one release (package, publish, build the site) of that dataset.

Runs in `ckan jobs worker QUEUE` (RQ on CKAN's Redis), so the approver's request does not wait. It is
stoke_opendata.api.release_datasets, the function `stoke-opendata release` and `make run` call. The token
comes from the server's own configuration (ckanext.stoke.portal_config, a mode-0600 TOML file); it is never
put in a page, a job argument or a log line. The job's status is written beside the submission.
"""

from __future__ import annotations

import logging
import os
import time

log = logging.getLogger(__name__)


def release_after_approval(sid: str) -> dict:
    from ckanext.stoke.plugin import setting
    from ckanext.stoke.views import submissions

    store = submissions()
    meta = store.read(sid)
    if meta is None:
        return {"status": "missing"}
    store.update(sid, job={**(meta.get("job") or {}), "status": "running", "started": _now()})
    config = setting("portal_config")
    if config:
        os.environ["STOKE_OPENDATA_CONFIG"] = config
    if setting("site_url"):
        os.environ["STOKE_OPENDATA_SITE_URL"] = setting("site_url")
    started = time.perf_counter()
    try:
        from stoke_opendata.api import release_datasets

        released = release_datasets([meta["package"]], out_dir=setting("out_dir", "out"), site_dir=setting("site_dir"))
        if not released.valid:
            job = {"status": "failed", "message": "the record fails validation: nothing was published"}
        else:
            job = {"status": "done", "bytes_uploaded": released.bytes_uploaded,
                   "site": bool(released.site), "message": f"published {released.bytes_uploaded} bytes"}
    except Exception as exc:  # the one line of a StokeError; only the kind of anything else (no secrets)
        message = exc.one_line() if hasattr(exc, "one_line") else type(exc).__name__
        log.error("stoke: release after %s failed: %s", sid, message)
        job = {"status": "failed", "message": message}
    job.update(seconds=round(time.perf_counter() - started, 2), finished=_now())
    store.update(sid, job={**(store.read(sid).get("job") or {}), **job})
    return job


def _now() -> str:
    from ckanext.stoke.store import now

    return now()
