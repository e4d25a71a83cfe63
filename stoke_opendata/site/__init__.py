"""The residents' progress site: static, accessible pages built from the published data packages.

The Corporate Strategy promises residents "the data that shows both where we are starting from and
whether we are making progress". Residents do not read CKAN resource lists, so this sub-package turns
the built packages into plain HTML: a home page, a page per priority, mission, indicator and dataset,
a reporting-status page and a methodology page, each indicator with an inline SVG chart, its data as
a table, its status in words and a JSON twin. No server and no JavaScript are needed to read it.

    model.py    the packages read into one picture of every indicator (pure)
    words.py    figures, statuses, gaps and citations in plain words (pure)
    svg.py      chart geometry for the inline SVG (pure)
    pages.py    Jinja2 rendering with autoescape (every value from data is escaped)
    links.py    download links: the portal's files and DataStore queries, the site's own copies
    build.py    the build: packages in, a complete site folder out, atomically
    history.py  the release ledger: what changed between builds (new, revised, statuses moved)
    follow.py   per-indicator CSVs, Atom feeds, what-changed pages, due and overdue, embed pages

Layer (pyproject [tool.importlinter]): below portal and cli, above package. It may import package
(the progress method's wording, chart unit labels), catalogue, settings and errors; it never imports
the portal client: the CLI fetches the portal's answers and passes them in. portal.publishing imports
site.links only for the address of a dataset's site page.
"""
