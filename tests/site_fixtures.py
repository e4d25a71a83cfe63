"""Shared fixtures for the site tests: the bundled datasets packaged once per session, the site built
from them, and Debian's Chromium (driven by Playwright for Python) with axe-core from .a11y/.

Chromium and axe-core are installed by tools/browser_up.sh (called by `make test`); under CI=true a
missing browser fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("STOKE_OPENDATA_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / ".a11y" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _missing(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; run `bash tools/browser_up.sh`", pytrace=False)
    pytest.skip(f"{reason}; run `bash tools/browser_up.sh`")


@pytest.fixture(scope="session")
def bundled_packages(tmp_path_factory) -> list[Path]:
    """Every bundled manifest, packaged (validated data, as `stoke-opendata package` builds it)."""
    from stoke_opendata.package.manifests import load_manifests
    from stoke_opendata.package.build import build_package

    out = tmp_path_factory.mktemp("packages")
    return [build_package(m, out).directory for m in load_manifests()]


@pytest.fixture(scope="session")
def built_site(bundled_packages, tmp_path_factory) -> Path:
    from stoke_opendata.site.build import build_site

    out = tmp_path_factory.mktemp("site") / "site"
    build_site(bundled_packages, out, disagreements=ROOT / "docs" / "disagreements.md")
    return out


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        _missing(f"Chromium is not installed at {CHROMIUM}")
    if not AXE.is_file():
        _missing("axe-core is not installed in .a11y/")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is not installed (pyproject's dev extra)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.1 A and AA violations on the loaded page (axe injected from the file)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))",
        WCAG_TAGS,
    )
