"""Where the portal is and which token to send: the --portal option, CKAN_URL or the config file for the
address; CKAN_API_TOKEN or the config file for the token (never the command line). Kept apart from the
client, which speaks HTTP, because the alert webhook and the release job read the same config file.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlsplit

from stoke_opendata.errors import PortalError

CONFIG_ENV = "STOKE_OPENDATA_CONFIG"


@dataclass(frozen=True)
class PortalSettings:
    """Where the portal is and how to authenticate; the token is kept out of repr()."""

    url: str
    token: Optional[str] = None

    def __repr__(self) -> str:  # never show the token
        return f"PortalSettings(url={self.url!r}, token={'***' if self.token else None})"


def config_path() -> Path:
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "stoke-opendata" / "portal.toml"


def _read_config() -> dict[str, Any]:
    """The [portal] table of the config file (url, api_token), or {} when there is none."""
    import tomllib

    path = config_path()
    if not path.exists():
        return {}
    mode = path.stat().st_mode
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PortalError(f"cannot read the portal config file ({type(exc).__name__})", where=str(path)) from None
    portal = data.get("portal", {})
    if not isinstance(portal, dict):
        raise PortalError("[portal] must be a table with url and api_token", where=str(path))
    if portal.get("api_token") and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise PortalError("holds an API token but others may read it; run chmod 600 on it", where=str(path))
    return portal


def resolve_settings(url: Optional[str] = None, *, anonymous: bool = False) -> PortalSettings:
    """The portal URL (option, then CKAN_URL, then the config file) and token (CKAN_API_TOKEN, then config)."""
    config: Optional[dict[str, Any]] = None

    def cfg() -> dict[str, Any]:
        nonlocal config
        if config is None:
            config = _read_config()
        return config

    url = url or os.environ.get("CKAN_URL") or cfg().get("url")
    if not url:
        raise PortalError(
            "no portal given: pass --portal URL or set CKAN_URL (run `make portal` and `source .portal/env` "
            "for the local test portal)"
        )
    if not str(url).startswith(("http://", "https://")):
        raise PortalError(f"the portal URL {url!r} must start with http:// or https://")
    token = None
    if not anonymous:
        token = os.environ.get("CKAN_API_TOKEN") or cfg().get("api_token") or None
    host = (urlsplit(str(url)).hostname or "").lower()
    if token and str(url).startswith("http://") and host not in ("localhost", "127.0.0.1", "::1") and not (
            os.environ.get("STOKE_OPENDATA_ALLOW_HTTP", "").lower() in ("1", "true", "yes") or cfg().get("allow_http") is True):
        raise PortalError(f"refusing to send the API token over plain http to {host}: use https, or set "
                          "STOKE_OPENDATA_ALLOW_HTTP=1 ([portal] allow_http = true) if this network is trusted")
    return PortalSettings(url=str(url).rstrip("/"), token=token)
