"""ckanext-stoke: a Submit figures page and four-eyes approval on every dataset stoke-opendata publishes.

The plugin is a thin shell: every check is stoke-opendata's own (stoke_opendata.api.steward and
accept_submission, installed into CKAN's venv), and the release after an approval is
stoke_opendata.api.release_datasets run by a CKAN background job. Settings (ckan.ini):

    ckanext.stoke.home             folder with schemas/, datasets/, publish/ (the record accept writes to)
    ckanext.stoke.submissions_dir  where pending submissions are kept (not public; default: beside storage)
    ckanext.stoke.portal_config    a TOML file ([portal] url, api_token; mode 0600) the release job publishes with
    ckanext.stoke.out_dir          where the job builds packages
    ckanext.stoke.site_dir         where the job builds the residents' site (optional)
    ckanext.stoke.site_url         the site's public URL (optional)
    ckanext.stoke.queue            the job queue (default "stoke"; give each portal sharing a Redis its own)
"""

from __future__ import annotations

import os
import re

import ckan.plugins as plugins
import ckan.plugins.toolkit as toolkit


def setting(name: str, default: str | None = None) -> str | None:
    value = toolkit.config.get(f"ckanext.stoke.{name}")
    return str(value) if value not in (None, "") else default


def can_submit(package: dict) -> bool:
    """The template's test for showing the tab: the user may update the dataset and it takes figures."""
    from ckanext.stoke import views

    return views.targets(package) != [] and views.allowed("package_update", {"id": package["id"]})


UPLOAD_PATH = re.compile(r"^/dataset/[^/]+/submit$")


def refuse_oversized():
    """Before anything reads the body (CKAN's CSRF check parses the form, which would read all of it): an
    upload whose declared length is over the limit gets the page's message at once, and no request body may
    grow past the limit however it is sent."""
    from flask import request

    if request.method != "POST" or not UPLOAD_PATH.match(request.path):
        return None
    from stoke_opendata.safety.guards import Limits

    limit = Limits.from_env().max_file_bytes
    request.max_content_length = limit + 1024 * 1024  # room for the form's other fields
    length = request.content_length or 0
    if length > request.max_content_length:
        return toolkit.render("stoke/too_big.html", {"size_mb": length // (1024 * 1024), "limit_mb": limit // (1024 * 1024)}), 413
    return None


class StokePlugin(plugins.SingletonPlugin):
    plugins.implements(plugins.IMiddleware, inherit=True)
    plugins.implements(plugins.IConfigurer)
    plugins.implements(plugins.IBlueprint)
    plugins.implements(plugins.ITemplateHelpers)

    def update_config(self, config):
        toolkit.add_template_directory(config, "templates")
        home = config.get("ckanext.stoke.home")
        if home:  # the record: every stoke_opendata call in this process reads and writes there
            os.environ["STOKE_OPENDATA_HOME"] = str(home)

    def make_middleware(self, app, config):
        if hasattr(app, "before_request_funcs"):  # the Flask app: after CKAN's own set-up, before its CSRF check
            funcs = app.before_request_funcs.setdefault(None, [])
            names = [getattr(f, "__name__", "") for f in funcs]
            funcs.insert(names.index("csrf_protect") if "csrf_protect" in names else len(funcs), refuse_oversized)
        return app

    def get_blueprint(self):
        from ckanext.stoke.views import blueprint

        return [blueprint]

    def get_helpers(self):
        return {"stoke_can_submit": can_submit}
