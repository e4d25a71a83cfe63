"""deploy/ckan/wsgi.py, the entry point uWSGI serves in production, builds the real CKAN application: loaded
here beside the local portal's ckan.ini, in the portal's own venv, and asked for status_show through
werkzeug's WSGI test client (a WSGI call, no development server)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PORTAL_PYTHON = ROOT / ".portal" / "venv" / "bin" / "python"

PROBE = """
import json, runpy, sys
app = runpy.run_path(sys.argv[1])["application"]
from werkzeug.test import Client
r = Client(app).get("/api/3/action/status_show")
print(json.dumps({"status": r.status_code, "body": json.loads(r.get_data(as_text=True))}))
"""


def test_the_production_wsgi_entry_point_serves_ckan(portal, tmp_path):
    shutil.copyfile(ROOT / "deploy" / "ckan" / "wsgi.py", tmp_path / "wsgi.py")
    (tmp_path / "ckan.ini").symlink_to(ROOT / ".portal" / "ckan.ini")
    proc = subprocess.run([str(PORTAL_PYTHON), "-c", PROBE, str(tmp_path / "wsgi.py")], capture_output=True,
                          text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    answer = json.loads(proc.stdout.strip().splitlines()[-1])
    assert answer["status"] == 200 and answer["body"]["success"] is True
    assert answer["body"]["result"]["site_url"] == portal.url
