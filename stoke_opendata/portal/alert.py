"""The failure alert of the release job: one plain JSON POST to a webhook the operator configured.

Why here, beside client.py: only the portal layer speaks HTTP (pyproject.toml's import-linter contract
"Only portal.client and portal.alert speak HTTP" names the two modules allowed to import an HTTP library),
and the alert is HTTP too. It is not a CKAN call, so it does not go through PortalClient: no retries (an
alert is sent once per failed run, never once per retry), a short timeout, and no Authorization header, so
the portal token can never travel with it.

The URL comes from STOKE_OPENDATA_ALERT_URL or `[alert] url` in the config file (the one client.py reads,
refused unless mode 0600 when it holds a secret). A Slack or Teams webhook URL is itself a secret: it is
never printed or logged; messages name only its host.

The body is `{"text": ..., "summary": ..., "title": ..., "run": {...}}`: Slack and Teams' incoming webhooks
show `text`; a council's own endpoint can read the structured `run` record (the run log's line).
"""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

from stoke_opendata.errors import UsageError

ALERT_ENV = "STOKE_OPENDATA_ALERT_URL"
ALERT_TIMEOUT_ENV = "STOKE_OPENDATA_ALERT_TIMEOUT"
ALERT_TIMEOUT = 10.0  # seconds to connect and to read: a webhook that does not answer costs ~20 s at most


def alert_url() -> str | None:
    """The configured webhook URL, or None. A URL that is not http(s) is a usage error (exit 2)."""
    url = (os.environ.get(ALERT_ENV) or "").strip()
    if not url:
        from stoke_opendata.portal.credentials import config_path

        path = config_path()
        if path.exists():
            import tomllib

            try:
                table = tomllib.loads(path.read_text(encoding="utf-8")).get("alert", {})
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise UsageError(f"cannot read the config file ({type(exc).__name__})", where=str(path)) from None
            url = str(table.get("url") or "").strip() if isinstance(table, dict) else ""
    if not url:
        return None
    if not url.startswith(("http://", "https://")) or not urlsplit(url).hostname:
        raise UsageError(f"the alert URL must start with http:// or https:// (set {ALERT_ENV} or [alert] url)")
    return url


def host_of(url: str) -> str:
    """What may be said about a webhook URL in a message: its host (the path often holds a secret)."""
    return urlsplit(url).hostname or "the webhook"


def send_alert(url: str, title: str, text: str, run: dict) -> str:
    """POST the alert once; return what happened in one line ("sent to HOST (HTTP 200)" or why not).
    Never raises for the network: a failed alert must not hide the failure it reports."""
    import requests

    from stoke_opendata.settings import env_number

    timeout = env_number(ALERT_TIMEOUT_ENV, ALERT_TIMEOUT, exclusive=True)
    body = {"title": title, "summary": title, "text": f"{title}\n{text}", "run": run}
    try:
        r = requests.post(url, data=json.dumps(body, default=str).encode("utf-8"), timeout=(timeout, timeout),
                          headers={"Content-Type": "application/json", "User-Agent": "stoke-opendata-alert"},
                          allow_redirects=False)
    except requests.Timeout:
        return f"not sent: {host_of(url)} did not answer within {timeout:g} s"
    except requests.RequestException as exc:
        return f"not sent: {host_of(url)} could not be reached ({type(exc).__name__})"
    if 200 <= r.status_code < 300:
        return f"sent to {host_of(url)} (HTTP {r.status_code})"
    return f"not sent: {host_of(url)} answered HTTP {r.status_code}"
