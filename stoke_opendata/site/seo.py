"""What search engines and link previews read from the site: a meta description and Open Graph tags per page
(rendered in the page <head> by base.html.j2), sitemap.xml with each page's last change taken from the data
(the packages' own `created` date, so an unchanged page keeps its date), and robots.txt pointing at the
sitemap. Pure."""

from __future__ import annotations

from xml.sax.saxutils import escape

from stoke_opendata.site import words

SITE_DESCRIPTION = ("Where Stoke-on-Trent starts from and whether it is making progress: every indicator of the "
                    "City Council's Corporate Strategy 2024-28 and growth prospectus, with baselines, targets, "
                    "the latest figures and open data downloads.")


def _clip(text: str, limit: int = 300) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def describe(rel: str, context: dict) -> str:
    """The page's meta description (also its og:description)."""
    if context.get("ind") is not None:
        ind = context["ind"]
        said = words.clean(ind.description) or "the latest figure, the target and progress towards it"
        return _clip(f"{ind.title}, Stoke-on-Trent: {said}")
    if context.get("group"):
        group = context["group"]
        return _clip(f"{context.get('kind', '')} {group['title']}: how Stoke-on-Trent is doing on each of its "
                     f"{len(group.get('facts') or [])} indicators, with the latest figures and targets.")
    if context.get("package") is not None:
        package = context["package"]
        return _clip(package.descriptor.get("description") or package.descriptor.get("title") or package.name)
    if rel == "methodology.html":
        return _clip("How the Stoke-on-Trent progress site judges each indicator: baselines, targets, the "
                     "straight line between them and the national comparison.")
    if rel == "reporting-status.html":
        return _clip("Which of Stoke-on-Trent's indicators have figures, which are due and which are still "
                     "to be reported.")
    return SITE_DESCRIPTION


def last_changed(rel: str, context: dict, packages: list) -> str:
    """The page's last change from the data: the newest `created` date of the packages it shows."""
    shown = [context["package"]] if context.get("package") is not None else []
    shown += [v["package"] for v in context.get("views") or []]
    dates = [str(p.descriptor.get("created") or "")[:10] for p in (shown or packages)]
    return max((d for d in dates if d), default="")


def sitemap(base: str, pages: dict[str, str]) -> str:
    """sitemap.xml (sitemaps.org 0.9) for pages {relative path: last change YYYY-MM-DD}."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for rel in sorted(pages):
        lastmod = f"<lastmod>{pages[rel]}</lastmod>" if pages[rel] else ""
        lines.append(f"<url><loc>{escape(base.rstrip('/') + '/' + rel)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots(base: str) -> str:
    return f"User-agent: *\nAllow: /\nSitemap: {base.rstrip('/')}/sitemap.xml\n"
