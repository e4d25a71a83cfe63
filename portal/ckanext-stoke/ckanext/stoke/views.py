"""The Submit figures and Approvals pages (a Flask blueprint). Thin: the rules are stoke-opendata's.

Who may do what is asked of CKAN itself (check_access): `package_update` on the dataset to submit (editors
and admins of its organisation), `organization_member_create` on its organisation to approve (admins). An
anonymous user is sent to log in; anyone else without the right gets 403. Every POST carries CKAN's CSRF
token (the portal sets ckan.csrf_protection.ignore_extensions = false, so CKAN checks it here too).
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import ckan.plugins.toolkit as toolkit
from flask import Blueprint, request, send_file

from ckanext.stoke import store as stored
from ckanext.stoke.plugin import setting

log = logging.getLogger(__name__)
blueprint = Blueprint("stoke", __name__)
h = toolkit.h
_CHUNK = 1024 * 1024
MAX_REASON = 1000


def submissions() -> stored.Store:
    default = os.path.join(str(toolkit.config.get("ckan.storage_path") or "/tmp"), "stoke-submissions")
    return stored.Store(setting("submissions_dir", default))


def user_name() -> str:
    return toolkit.current_user.name


def allowed(action: str, data: dict) -> bool:
    try:
        toolkit.check_access(action, {"user": user_name()}, data)
        return True
    except toolkit.NotAuthorized:
        return False


def targets(package: dict) -> list[str]:
    from stoke_opendata.api.steward import datasets_of_package

    return datasets_of_package(package.get("name") or "")


def _package(id: str) -> dict:
    try:
        return toolkit.get_action("package_show")({"user": user_name()}, {"id": id})
    except toolkit.ObjectNotFound:
        toolkit.abort(404, "Dataset not found")
    except toolkit.NotAuthorized:
        toolkit.abort(403, "You may not see this dataset")


def _gate(id: str, *, approver: bool = False):
    """(package, into) for a user allowed here; a login redirect for the anonymous; 403 or 404 otherwise."""
    if toolkit.current_user.is_anonymous:
        return None, toolkit.redirect_to(h.url_for("user.login", came_from=request.path))
    package = _package(id)
    found = targets(package)
    if not found:
        toolkit.abort(404, "This dataset does not take figures from stewards")
    if approver:
        if not package.get("owner_org") or not allowed("organization_member_create", {"id": package["owner_org"]}):
            toolkit.abort(403, "Only an admin of this dataset's organisation may approve submissions")
    elif not allowed("package_update", {"id": package["id"]}):
        toolkit.abort(403, "Only editors and admins of this dataset's organisation may submit figures")
    return (package, found[0]), None


def _is_admin(package: dict) -> bool:
    return bool(package.get("owner_org")) and allowed("organization_member_create", {"id": package["owner_org"]})


def _error(exc) -> str:
    from stoke_opendata.errors import StokeError

    return exc.one_line() if isinstance(exc, StokeError) else f"{type(exc).__name__}"


def _receive(folder: Path) -> tuple[Path | None, str | None]:
    """Copy the upload into the submission's folder under a name the server chose, stopping at the size
    limit; the guards (size, line lengths, XLSX expansion) then run before anything parses it."""
    from stoke_opendata.api.steward import TYPES, submission_kind
    from stoke_opendata.errors import InputError
    from stoke_opendata.safety.guards import Limits

    limit = Limits.from_env().max_file_bytes
    if (request.content_length or 0) > limit + _CHUNK:
        raise InputError(f"the upload is {request.content_length // (1024 * 1024)} MB, over the "
                         f"{limit // (1024 * 1024)} MB limit", where="upload")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InputError("choose a CSV or XLSX file to upload", where="upload")
    shown = os.path.basename(upload.filename.replace("\\", "/"))[:200] or "upload"
    incoming = folder / "incoming"
    size = 0
    with open(incoming, "wb") as out:
        while chunk := upload.stream.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise InputError(f"the file is over the {limit // (1024 * 1024)} MB limit", where=shown)
            out.write(chunk)
    kind = submission_kind(incoming, shown)
    path = folder / f"upload{TYPES[kind]}"
    incoming.rename(path)
    return path, shown


def _check(store: stored.Store, sid: str, meta: dict, folder: Path) -> dict:
    """Validate the stored file (and plan it when it has no errors); keep the report and plan with it."""
    import json

    from stoke_opendata.api.steward import check_submission, plan_submission

    report = check_submission(folder / meta["stored"], folder, sheet=meta.get("sheet"), shown=meta["filename"])
    (folder / "report.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    meta["valid"] = bool(report["valid"])
    meta["plan"], meta["record"], meta["plan_error"] = None, None, None
    if report["valid"]:
        try:
            planned = plan_submission(folder / meta["stored"], meta["dataset"], sheet=meta.get("sheet"))
            meta["plan"], meta["record"] = planned["plan"], planned["record"]
        except Exception as exc:  # a refusal of accept's (another dataset's figures, a disclosure)
            meta["plan_error"] = _error(exc)
    store.write(sid, meta, folder)
    return report


@blueprint.route("/dataset/<id>/submit", methods=["GET", "POST"])
def submit(id):
    gate, redirect = _gate(id)
    if redirect:
        return redirect
    package, into = gate
    store = submissions()
    error = None
    if request.method == "POST":
        sid, folder = store.new()
        meta = {"package": package["name"], "dataset": into, "submitter": user_name(), "created": stored.now(),
                "status": stored.DRAFT, "sheet": None}
        try:
            path, shown = _receive(folder)
            meta.update(stored=path.name, filename=shown)
            _check(store, sid, meta, folder)
            return toolkit.redirect_to(h.url_for("stoke.submission", id=package["name"], sid=sid))
        except Exception as exc:  # bad input: a message on the page; the submission is dropped
            error = _error(exc)
            if not error.startswith(("upload", meta.get("filename") or "\0")) and meta.get("filename"):
                error = f"{meta['filename']}: {error}"
            log.info("stoke: upload refused for %s: %s", package["name"], type(exc).__name__)
            shutil.rmtree(folder, ignore_errors=True)
    mine = store.listing(package["name"], submitter=user_name())
    return toolkit.render("stoke/submit.html", {"pkg": package, "dataset": into, "error": error, "mine": mine,
                                                 "is_admin": _is_admin(package)}), (400 if error else 200)


def _visible(package: dict, sid: str) -> dict:
    meta = submissions().read(sid)
    if not meta or meta.get("package") != package["name"]:
        toolkit.abort(404, "No such submission")
    if meta["submitter"] != user_name() and not _is_admin(package):
        toolkit.abort(403, "Only the submitter and the organisation's admins may see a submission")
    return meta


@blueprint.route("/dataset/<id>/submit/<sid>")
def submission(id, sid):
    gate, redirect = _gate(id)
    if redirect:
        return redirect
    package, into = gate
    meta = _visible(package, sid)
    report = submissions().report(sid)
    return toolkit.render("stoke/submission.html", {"pkg": package, "meta": meta, "report": report,
                                                     "max_reason": MAX_REASON})


@blueprint.route("/dataset/<id>/submit/<sid>/sheet", methods=["POST"])
def choose_sheet(id, sid):
    gate, redirect = _gate(id)
    if redirect:
        return redirect
    package, _into = gate
    meta = _visible(package, sid)
    store = submissions()
    if meta["status"] == stored.DRAFT and meta["submitter"] == user_name():
        meta["sheet"] = request.form.get("sheet") or None
        try:
            _check(store, sid, meta, store.folder(sid))
        except Exception as exc:
            h.flash_error(_error(exc))
    return toolkit.redirect_to(h.url_for("stoke.submission", id=package["name"], sid=sid))


@blueprint.route("/dataset/<id>/submit/<sid>/<any('report.html', 'fixed.csv'):part>")
def download(id, sid, part):
    gate, redirect = _gate(id)
    if redirect:
        return redirect
    package, _into = gate
    _visible(package, sid)
    path = submissions().folder(sid) / part
    if not path.is_file():
        toolkit.abort(404, "Not available for this file")
    name = "validation-report.html" if part == "report.html" else "fixed.csv"
    return send_file(path, as_attachment=True, download_name=name,
                     mimetype="text/html" if part == "report.html" else "text/csv")


@blueprint.route("/dataset/<id>/submit/<sid>/send", methods=["POST"])
def send(id, sid):
    gate, redirect = _gate(id)
    if redirect:
        return redirect
    package, _into = gate
    meta = _visible(package, sid)
    store = submissions()
    reason = " ".join((request.form.get("reason") or "").split())[:MAX_REASON]
    back = toolkit.redirect_to(h.url_for("stoke.submission", id=package["name"], sid=sid))
    if meta["submitter"] != user_name() or meta["status"] != stored.DRAFT:
        h.flash_error("This submission has already been sent")
        return back
    if not reason:
        h.flash_error("Say why these figures are submitted (the reason is kept with every revision)")
        return back
    _check(store, sid, meta, store.folder(sid))  # against the record as it is now
    if not meta["valid"] or meta["plan"] is None:
        h.flash_error(meta.get("plan_error") or "The file has errors: fix them and upload it again")
        return back
    if not (meta["plan"]["added"] or meta["plan"]["revised"]):
        h.flash_error("Nothing to submit: the record already holds these figures")
        return back
    store.update(sid, status=stored.PENDING, reason=reason, submitted=stored.now(), record=meta["record"])
    h.flash_success("Submitted for approval: an admin of the organisation will review it")
    return back


@blueprint.route("/dataset/<id>/approvals")
def approvals(id):
    gate, redirect = _gate(id, approver=True)
    if redirect:
        return redirect
    package, into = gate
    from stoke_opendata.api.steward import plan_submission

    store = submissions()
    pending = store.listing(package["name"], status=stored.PENDING)
    for meta in pending:  # the plan against the record as it is now, not as it was when submitted
        try:
            now = plan_submission(store.folder(meta["id"]) / meta["stored"], into, sheet=meta.get("sheet"))
            meta["plan_now"], meta["record_now"], meta["plan_error"] = now["plan"], now["record"], None
        except Exception as exc:
            meta["plan_now"], meta["record_now"], meta["plan_error"] = None, None, _error(exc)
    decided = [m for m in store.listing(package["name"]) if m["status"] in (stored.APPROVED, stored.REJECTED)][:10]
    return toolkit.render("stoke/approvals.html", {"pkg": package, "pending": pending, "decided": decided,
                                                    "me": user_name(), "max_reason": MAX_REASON})


@blueprint.route("/dataset/<id>/approvals/<sid>", methods=["POST"])
def decide(id, sid):
    gate, redirect = _gate(id, approver=True)
    if redirect:
        return redirect
    package, into = gate
    from ckanext.stoke.decide import decide as deciding

    message, ok = deciding(submissions(), package, into, sid, user_name(), request.form)
    (h.flash_success if ok else h.flash_error)(message)
    return toolkit.redirect_to(h.url_for("stoke.approvals", id=package["name"]))


@blueprint.route("/dataset/<id>/table-schema/<name>.json")
def table_schema(id: str, name: str):
    """A table's Frictionless Table Schema at an address of its own: each distribution's dct:conformsTo
    (the resource's `conforms_to`, which ckanext-dcat writes and its harvester keeps), dereferenceable; NAME
    is the table's file name without its extension (stoke_opendata.portal.fields.table_schema_name). The
    schema is the resource's own `schema` field, so it cannot drift from what the table is checked against.
    Read access is CKAN's: a private dataset's schema answers 404 or 403 as its page does."""
    import json

    from stoke_opendata.portal.fields import table_schema_name

    package = _package(id)
    for resource in package.get("resources") or []:
        if resource.get("schema") and table_schema_name(str(resource.get("package_path") or "")) == name:
            schema = resource["schema"]
            body = schema if isinstance(schema, str) else json.dumps(schema, ensure_ascii=False)
            return body, 200, {"Content-Type": "application/json; charset=utf-8"}
    toolkit.abort(404, "No table of that name in this dataset")
