"""The CKAN portal client: the only module in stoke-opendata that speaks HTTP.

A thin layer over ckanapi.RemoteCKAN that adds what publishing jobs need and ckanapi leaves out:
a timeout on every request, bounded retries with exponential backoff on connection errors, 429 and
5xx (urllib3's Retry on a mounted requests adapter), streamed multipart uploads with a progress
callback (requests-toolbelt), counters of API calls and bytes uploaded (for bench/), anonymous mode
for downloads, and one-line PortalErrors that never contain the API token.

The token comes from CKAN_API_TOKEN or a config file (never from the command line): credentials.py. requests,
urllib3, ckanapi and requests-toolbelt are imported lazily so the CLI starts fast.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any, Callable, Optional

from stoke_opendata import __version__
from stoke_opendata.errors import PortalError
from stoke_opendata.portal.credentials import PortalSettings
from stoke_opendata.safety.atomic import clean_stale, temp_path
from stoke_opendata.settings import env_number

USER_AGENT = f"stoke-opendata/{__version__}"
DEFAULT_TIMEOUT = (5.0, 120.0)  # seconds: connect, read (read: env STOKE_OPENDATA_TIMEOUT)
DEFAULT_RETRIES = 4  # env STOKE_OPENDATA_RETRIES
DEFAULT_BACKOFF = 0.5  # seconds; doubles each retry: 0.5, 1, 2, 4
RETRY_STATUSES = (429, 500, 502, 503, 504)


class PortalNotFound(PortalError):
    """The portal answered that the dataset, resource or organisation does not exist."""


class PortalValidationError(PortalError):
    """The portal refused the data (HTTP 409 'Validation Error'); `errors` holds CKAN's field errors."""

    def __init__(self, message: str, errors: dict, **kw: Any):
        super().__init__(message, **kw)
        self.errors = errors

    @property
    def is_match_conflict(self) -> bool:
        """True when package_revise's `match` failed: someone changed the dataset since we read it."""
        return "match" in self.errors


class PortalAuthError(PortalError):
    """The portal refused the request for lack of (valid) credentials."""


class PortalClient:
    """One portal session: JSON actions, streamed uploads and downloads, with counters for bench/."""

    def __init__(
        self,
        settings: PortalSettings,
        *,
        timeout: Optional[tuple[float, float]] = None,
        retries: Optional[int] = None,
        backoff: Optional[float] = None,
    ):
        import requests
        from ckanapi import RemoteCKAN
        from requests.adapters import HTTPAdapter
        from urllib3.util.retry import Retry

        self.settings = settings
        self.url = settings.url
        self.timeout = timeout or (DEFAULT_TIMEOUT[0], env_number("STOKE_OPENDATA_TIMEOUT", DEFAULT_TIMEOUT[1], error=PortalError))
        self.retries = retries if retries is not None else int(env_number("STOKE_OPENDATA_RETRIES", DEFAULT_RETRIES, error=PortalError))
        self.backoff = backoff if backoff is not None else DEFAULT_BACKOFF
        retries, backoff = self.retries, self.backoff
        self.calls = 0  # Action API calls made (each counted once, however many retries it took)
        self.bytes_uploaded = 0  # file bytes sent in uploads
        self.bytes_downloaded = 0

        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            other=0,
            backoff_factor=backoff,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=None,  # CKAN actions are POSTs; ours are safe to repeat (see publishing)
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        self._session = requests.Session()
        self._session.mount("http://", HTTPAdapter(max_retries=retry))
        self._session.mount("https://", HTTPAdapter(max_retries=retry))
        self._session.headers["User-Agent"] = USER_AGENT
        # uploads stream a body that cannot be rewound, so they are retried here, not by urllib3
        self._upload_session = requests.Session()
        self._upload_session.headers["User-Agent"] = USER_AGENT
        self._last_status: Optional[int] = None

        client = self

        class _RemoteCKAN(RemoteCKAN):
            def _request_fn(self, url, data, headers, files, requests_kwargs):
                r = self.session.post(url, data=data, headers=headers, files=files,
                                      allow_redirects=False, **requests_kwargs)
                client._last_status = r.status_code
                return r.status_code, r.text

            def _request_fn_get(self, url, data_dict, headers, requests_kwargs):
                r = self.session.get(url, params=data_dict, headers=headers, **requests_kwargs)
                client._last_status = r.status_code
                return r.status_code, r.text

        self._ckan = _RemoteCKAN(self.url, apikey=settings.token, user_agent=USER_AGENT, session=self._session)

    # ------------------------------------------------------------------ context manager

    def close(self) -> None:
        self._session.close()
        self._upload_session.close()

    def __enter__(self) -> "PortalClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PortalClient({self.url!r}, token={'***' if self.settings.token else None})"

    # ------------------------------------------------------------------ actions

    def action(self, name: str, /, **data: Any) -> Any:
        """Call one Action API action with a JSON body; returns its result or raises a PortalError."""
        import requests
        from ckanapi.errors import CKANAPIError

        self.calls += 1
        attempt = 0
        while True:
            self._last_status = None
            try:
                return self._ckan.call_action(name, data, requests_kwargs={"timeout": self.timeout})
            except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
                # the answer broke off mid-body, after urllib3's retries had no say: retry here, bounded
                if attempt >= self.retries:
                    raise self._transport_error(exc) from None
                self._sleep(attempt, None)
                attempt += 1
            except requests.exceptions.RequestException as exc:
                raise self._transport_error(exc) from None
            except CKANAPIError as exc:
                raise self._api_error(name, exc, self._last_status) from None

    def upload(
        self,
        name: str,
        /,
        fields: dict[str, Any],
        files: dict[str, tuple[str, Path, str]],
        progress: Optional[Callable[[int], None]] = None,
    ) -> Any:
        """Call an action with a streamed multipart body: `files` maps a field to (filename, path, mimetype).

        Non-file fields that are not strings are sent as JSON. Retries (connection errors, 429, 5xx)
        rebuild the body from the files, so the bound and the backoff are the same as for JSON actions.
        """
        import requests
        from ckanapi.common import reverse_apicontroller_action
        from ckanapi.errors import CKANAPIError
        from requests_toolbelt.multipart.encoder import MultipartEncoder, MultipartEncoderMonitor

        self.calls += 1
        url = f"{self.url}/api/3/action/{name}"
        headers = {}
        if self.settings.token:
            headers["Authorization"] = self.settings.token
        file_bytes = sum(Path(p).stat().st_size for _n, p, _m in files.values())
        attempt = 0
        while True:
            handles = []
            try:
                parts: list[tuple[str, Any]] = [
                    (k, v if isinstance(v, str) else json.dumps(v)) for k, v in fields.items() if v is not None
                ]
                for field_name, (filename, path, mimetype) in files.items():
                    fh = open(path, "rb")
                    handles.append(fh)
                    parts.append((field_name, (filename, fh, mimetype)))
                encoder = MultipartEncoder(fields=parts)
                sent = [0]

                def on_read(monitor: Any) -> None:
                    if progress is not None:
                        progress(monitor.bytes_read - sent[0])
                    sent[0] = monitor.bytes_read

                body = MultipartEncoderMonitor(encoder, on_read)
                try:
                    r = self._upload_session.post(
                        url, data=body, headers={**headers, "Content-Type": body.content_type},
                        timeout=self.timeout, allow_redirects=False,
                    )
                except requests.exceptions.RequestException as exc:
                    if attempt < self.retries and not isinstance(exc, requests.exceptions.InvalidURL):
                        self._sleep(attempt, None)
                        attempt += 1
                        if progress is not None:
                            progress(-sent[0])
                        continue
                    raise self._transport_error(exc) from None
                if r.status_code in RETRY_STATUSES and attempt < self.retries:
                    if progress is not None:
                        progress(-sent[0])
                    self._sleep(attempt, r.headers.get("Retry-After"))
                    attempt += 1
                    continue
                self.bytes_uploaded += file_bytes
                try:
                    return reverse_apicontroller_action(url, r.status_code, r.text)
                except CKANAPIError as exc:
                    raise self._api_error(name, exc, r.status_code) from None
            finally:
                for fh in handles:
                    fh.close()

    def _sleep(self, attempt: int, retry_after: Optional[str]) -> None:
        delay = self.backoff * (2 ** attempt)
        if retry_after:
            try:
                delay = max(delay, min(float(retry_after), 60.0))
            except ValueError:
                pass
        time.sleep(delay)

    # ------------------------------------------------------------------ downloads

    def download(self, url: str, dest: Path, progress: Optional[Callable[[int], None]] = None) -> tuple[int, str]:
        """Stream one file to `dest` (written whole or not at all); returns (bytes, sha256 hex)."""
        import requests

        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(dest.parent, [dest.name])
        tmp = temp_path(dest)
        digest = hashlib.sha256()
        size = 0
        try:
            with self._session.get(url, stream=True, timeout=self.timeout) as r:
                if r.status_code == 404:
                    raise PortalNotFound(f"the portal has no file at {url} (HTTP 404)")
                if r.status_code >= 400:
                    raise PortalError(f"the portal answered HTTP {r.status_code} for {url}")
                dest.parent.mkdir(parents=True, exist_ok=True)
                with open(tmp, "wb") as out:
                    for chunk in r.iter_content(chunk_size=1 << 16):
                        out.write(chunk)
                        digest.update(chunk)
                        size += len(chunk)
                        if progress is not None:
                            progress(len(chunk))
            os.replace(tmp, dest)
        except requests.exceptions.RequestException as exc:
            raise self._transport_error(exc) from None
        finally:
            if tmp.exists():
                tmp.unlink()
        self.bytes_downloaded += size
        return size, digest.hexdigest()

    # ------------------------------------------------------------------ errors

    def _transport_error(self, exc: Exception) -> PortalError:
        import requests

        text = str(exc)
        if isinstance(exc, requests.exceptions.ConnectTimeout) or "ConnectTimeoutError" in text:
            why = f"no connection within {self.timeout[0]:g} s"
        elif isinstance(exc, requests.exceptions.Timeout) or "Read timed out" in text:
            why = f"no answer within {self.timeout[1]:g} s"
        elif isinstance(exc, requests.exceptions.ConnectionError):
            why = "connection refused, reset or host not found"
        else:
            why = type(exc).__name__
        if self.retries:
            why += f" (tried {self.retries + 1} times)"
        return PortalError(f"cannot reach the portal at {self.url}: {why}")

    def _api_error(self, action: str, exc: Exception, status: Optional[int]) -> PortalError:
        from ckanapi.errors import NotAuthorized, NotFound, ValidationError

        if isinstance(exc, NotAuthorized):
            detail = _message(exc)
            if self.settings.token:
                return PortalAuthError(
                    f"the portal refused the API token (HTTP 403) for {action}: {detail}; "
                    "check CKAN_API_TOKEN (or the config file) and the token's user's rights"
                )
            return PortalAuthError(
                f"{action} needs an API token (HTTP 403: {detail}); set CKAN_API_TOKEN"
            )
        if isinstance(exc, NotFound):
            return PortalNotFound(f"not found on the portal ({action}: {_message(exc) or 'HTTP 404'})")
        if isinstance(exc, ValidationError):
            errors = exc.error_dict if isinstance(getattr(exc, "error_dict", None), dict) else {}
            errors = {k: v for k, v in errors.items() if k != "__type"}
            return PortalValidationError(f"the portal refused {action} (HTTP 409): {_flatten(errors)}", errors)
        if status == 429:
            return PortalError(f"the portal kept answering 'too many requests' (HTTP 429) to {action} "
                               f"after {self.retries} retries")
        if status and status >= 500:
            return PortalError(f"the portal failed (HTTP {status}) on {action} after {self.retries} retries")
        if status in (301, 302, 303, 307, 308):
            return PortalError(f"the portal redirected {action} (HTTP {status}); use its final https:// URL")
        return PortalError(
            f"{self.url} did not answer {action} like a CKAN Action API (HTTP {status or '?'})"
        )


def _message(exc: Exception) -> str:
    arg = exc.args[0] if exc.args else ""
    if isinstance(arg, dict):
        arg = arg.get("message", "")
    return " ".join(str(arg).split())[:300]


def _flatten(errors: Any) -> str:
    if isinstance(errors, dict):
        return "; ".join(f"{k}: {_flatten(v)}" for k, v in errors.items()) or "no details"
    if isinstance(errors, (list, tuple)):
        return ", ".join(_flatten(e) for e in errors)
    return " ".join(str(errors).split())[:300]

