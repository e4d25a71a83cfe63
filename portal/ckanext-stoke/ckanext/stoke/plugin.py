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

import ckan.plugins as plugins
import ckan.plugins.toolkit as toolkit


def setting(name: str, default: str | None = None) -> str | None:
    value = toolkit.config.get(f"ckanext.stoke.{name}")
    return str(value) if value not in (None, "") else default


def can_submit(package: dict) -> bool:
    """The template's test for showing the tab: the user may update the dataset and it takes figures."""
    from ckanext.stoke import views

    return views.targets(package) != [] and views.allowed("package_update", {"id": package["id"]})


class StokePlugin(plugins.SingletonPlugin):
    plugins.implements(plugins.IConfigurer)
    plugins.implements(plugins.IBlueprint)
    plugins.implements(plugins.ITemplateHelpers)

    def update_config(self, config):
        toolkit.add_template_directory(config, "templates")
        home = config.get("ckanext.stoke.home")
        if home:  # the record: every stoke_opendata call in this process reads and writes there
            os.environ["STOKE_OPENDATA_HOME"] = str(home)

    def get_blueprint(self):
        from ckanext.stoke.views import blueprint

        return [blueprint]

    def get_helpers(self):
        return {"stoke_can_submit": can_submit}
