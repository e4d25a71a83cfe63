"""The WSGI entry point of a production CKAN (as CKAN's "Deploying a source install" documents it), for
uWSGI (ckan-uwsgi.ini) or any WSGI server. Put it beside ckan.ini: /etc/ckan/default/wsgi.py."""

import os
from logging.config import fileConfig

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

config_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ckan.ini")
fileConfig(config_path)
application = make_app(CKANConfigLoader(config_path).get_config())
