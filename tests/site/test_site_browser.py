"""The site in a real browser (Debian's Chromium, headless): axe-core finds no WCAG 2.1 A/AA violation on
any page, no page scrolls sideways at 320 px, and the keyboard reaches everything with a visible focus."""

from __future__ import annotations

import pytest

from site_fixtures import run_axe


def _pages(site):
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def test_axe_finds_no_wcag21_aa_violation_on_any_page_and_nothing_scrolls_sideways_at_320px(built_site, browser):
    pages = _pages(built_site)
    assert len(pages) > 150  # home, 6 priorities, 5 missions, 136 indicators, 4 datasets, 2 more
    context = browser.new_context(viewport={"width": 320, "height": 640}, java_script_enabled=True)
    page = context.new_page()
    failures, too_wide = {}, {}
    for rel in pages:
        page.goto((built_site / rel).as_uri())
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[rel] = width
        violations = run_axe(page)
        if violations:
            failures[rel] = violations
    context.close()
    assert not failures, f"axe violations on {len(failures)} page(s): {dict(list(failures.items())[:3])}"
    assert not too_wide, f"pages wider than 320 px: {dict(list(too_wide.items())[:5])}"


def test_axe_on_the_desktop_layout(built_site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for rel in ("index.html", "indicators/healthy-life-expectancy-male.html", "reporting-status.html",
                "datasets/stoke-corporate-strategy-2024-28.html"):
        page.goto((built_site / rel).as_uri())
        assert run_axe(page) == [], rel
    context.close()


@pytest.mark.parametrize("rel", ["index.html", "indicators/healthy-life-expectancy-male.html"])
def test_keyboard_reaches_every_link_with_a_visible_focus(built_site, browser, rel):
    context = browser.new_context(viewport={"width": 320, "height": 640}, java_script_enabled=True)
    page = context.new_page()
    page.goto((built_site / rel).as_uri())
    focusable = page.evaluate("document.querySelectorAll('a[href], [tabindex=\"0\"]').length")
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.textContent")
    assert first == "Skip to the content"
    box = page.evaluate("(() => { const r = document.activeElement.getBoundingClientRect(); return [r.left, r.top, r.width] })()")
    assert box[0] >= 0 and box[1] >= 0 and box[2] > 0, "the skip link must show on screen when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.goto((built_site / rel).as_uri())  # from the top again: walk the whole page by Tab
    seen = set()
    for _ in range(focusable + 2):
        page.keyboard.press("Tab")
        info = page.evaluate(
            "(() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " const all = Array.from(document.querySelectorAll('a[href], [tabindex=\"0\"]'));"
            " return [all.indexOf(e), s.outlineStyle, s.outlineWidth, e.tagName, e.outerHTML.slice(0, 80)] })()")
        if info[3] == "BODY":
            break
        seen.add(info[0])
        assert info[1] != "none" and info[2] != "0px", f"no visible focus on {info[4]}"
    assert len(seen - {-1}) == focusable, f"Tab reached {len(seen)} of {focusable} focusable elements"
    context.close()


def test_search_box_narrows_the_a_to_z_from_the_prebuilt_index_and_the_list_is_whole_without_scripts(built_site, browser):
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        page = browser.new_page()
        # narrowed by the index (titles, descriptions, units), read over HTTP as a static host serves it
        page.goto(f"{base}/a-z.html?q=fuel+poverty")
        page.wait_for_function("document.getElementById('found').textContent.includes('match')")
        visible = page.eval_on_selector_all("ul.az li:not([hidden]) a", "els => els.map(e => e.getAttribute('href'))")
        assert visible and all("fuel-poverty" in h for h in visible), visible
        page.fill("#q", "hectares")  # a unit: only indicators measured in hectares
        shown = page.eval_on_selector_all("ul.az li:not([hidden])", "els => els.length")
        assert 0 < shown < 136
        page.close()
        quiet = browser.new_context(java_script_enabled=False)
        page = quiet.new_page()
        page.goto(f"{base}/a-z.html?q=fuel")
        assert page.eval_on_selector_all("ul.az li:not([hidden])", "els => els.length") == 136
        quiet.close()
    finally:
        server.shutdown()
