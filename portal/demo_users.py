"""Create (or refresh) demo users for the Submit figures pages and give them roles in an organisation.

Run with the portal venv's Python (as make_admin.py is): `python demo_users.py CKAN_INI ENV_FILE ORG NAME:ROLE...`.
Each user gets a random password, set again on every run and written to ENV_FILE (mode 0600) as
`export STOKE_<NAME>_PASSWORD=...`; a password is never printed. ORG must exist (a release creates it).
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import sys
from pathlib import Path


def main(ini: str, env_file: str, org: str, specs: list[str]) -> None:
    logging.disable(logging.WARNING)
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    import ckan.model as model
    from ckan.plugins import toolkit

    lines = Path(env_file).read_text(encoding="utf-8").splitlines() if Path(env_file).exists() else []
    with app._wsgi_app.test_request_context():
        site_user = toolkit.get_action("get_site_user")({"ignore_auth": True}, {})
        context = {"ignore_auth": True, "user": site_user["name"]}
        for spec in specs:
            name, role = spec.split(":")
            password = secrets.token_urlsafe(18)
            user = model.User.get(name)
            if user is None:
                toolkit.get_action("user_create")(dict(context), {"name": name, "email": f"{name}@localhost.invalid",
                                                                  "password": password, "fullname": name.replace("-", " ").title()})
            else:
                user.password = password  # hashed by the model's setter
                model.Session.commit()
            toolkit.get_action("organization_member_create")(dict(context), {"id": org, "username": name, "role": role})
            key = "STOKE_" + re.sub(r"[^A-Z0-9]", "_", name.upper()) + "_PASSWORD"
            lines = [line for line in lines if not line.startswith(f"export {key}=")] + [f"export {key}={password}"]
    old = os.umask(0o077)
    try:
        Path(env_file).write_text("\n".join(lines) + "\n", encoding="utf-8")
    finally:
        os.umask(old)
    os.chmod(env_file, 0o600)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
