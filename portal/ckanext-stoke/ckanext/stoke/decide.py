"""An approver's decision on one pending submission: serialised, checked, then accept and a release job.

Under the store's lock (one decision at a time, across threads and processes): a submission no longer
pending is left alone (approving twice changes nothing); the submitter may not decide their own; an
approval is refused if the record changed since the approver's page showed the plan (the fingerprint the
form carries), so no one approves a plan they did not see. accept itself is atomic and holds the dataset's
own lock; then the release (package, publish, site) is queued as a background job and the request returns.
"""

from __future__ import annotations

import logging

import ckan.plugins.toolkit as toolkit

from ckanext.stoke import store as stored

log = logging.getLogger(__name__)


def decide(store: stored.Store, package: dict, into: str, sid: str, approver: str, form) -> tuple[str, bool]:
    from stoke_opendata.api import accept_submission
    from stoke_opendata.api.steward import record_version
    from stoke_opendata.errors import StokeError

    decision = form.get("decision")
    reason = " ".join((form.get("reason") or "").split())[:1000]
    if decision not in ("approve", "reject"):
        return "Choose approve or reject", False
    with store.locked():
        meta = store.read(sid)
        if not meta or meta.get("package") != package["name"]:
            toolkit.abort(404, "No such submission")
        if meta["status"] != stored.PENDING:
            return f"Nothing done: this submission was already {meta['status']} by {meta.get('decided_by', 'someone')}", False
        if meta["submitter"] == approver:
            toolkit.abort(403, "You submitted these figures: another admin of the organisation must decide")
        if not reason:
            return "Give a reason for the decision", False
        if decision == "reject":
            store.write(sid, {**meta, "status": stored.REJECTED, "decided_by": approver, "decided": stored.now(),
                              "decision_reason": reason})
            return "Rejected: the submitter sees your reason on their page", True
        if form.get("record") != record_version(into):
            return ("Not approved: the record changed since this page was loaded (another approval?). "
                    "Review the plan again, as it is now, before approving"), False
        by = f"{meta['submitter']} (approved by {approver})"
        why = f"{meta['reason']} (approval: {reason})"
        try:
            result = accept_submission([store.folder(sid) / meta["stored"]], into, sheet=meta.get("sheet"), by=by, reason=why)
        except StokeError as exc:
            return f"Not approved, nothing written: {exc.one_line()}", False
        if result.plan is None:
            return "Not approved, nothing written: the file no longer validates against the definitions", False
        meta.update(status=stored.APPROVED, decided_by=approver, decided=stored.now(), decision_reason=reason,
                    applied={"added": result.plan.added.height, "revised": result.plan.revised.height,
                             "revisions_recorded": result.revisions},
                    job={"status": "queued", "queued": stored.now()})
        store.write(sid, meta)
    from ckanext.stoke.jobs import release_after_approval
    from ckanext.stoke.plugin import setting

    toolkit.enqueue_job(release_after_approval, [sid], title=f"stoke release {package['name']}",
                        queue=setting("queue", "stoke"))
    log.info("stoke: %s approved submission %s into %s; release queued", approver, sid, into)
    return "Approved and written to the record; the portal and the site are being updated (status below)", True
