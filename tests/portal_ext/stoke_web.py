"""A logged-in web session on the portal for the refusal tests (requests, as a browser's form posts would be).

CKAN sends its session cookie with an empty `Domain=` attribute, which browsers ignore but Python's cookie
jar treats as a domain that matches nothing; the hook below keeps the cookie for the portal's host."""

from __future__ import annotations

import re

import requests

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def _keep_cookie(session: requests.Session):
    def hook(response, *args, **kwargs):
        for header in response.raw.headers.getlist("Set-Cookie") if response.raw is not None else []:
            name, _, rest = header.partition("=")
            session.cookies.set(name.strip(), rest.split(";", 1)[0])
    return hook


def session() -> requests.Session:
    s = requests.Session()
    s.hooks["response"].append(_keep_cookie(s))
    return s


def csrf(text: str) -> str:
    found = CSRF.search(text)
    assert found, "the page carries no CSRF token"
    return found.group(1)


def login(url: str, name: str, password: str) -> requests.Session:
    s = session()
    page = s.get(f"{url}/user/login", timeout=30)
    r = s.post(f"{url}/user/login", data={"login": name, "password": password, "_csrf_token": csrf(page.text)},
               allow_redirects=False, timeout=30)
    assert r.status_code == 302 and "/user/login" not in r.headers.get("location", ""), f"login of {name} failed"
    return s
