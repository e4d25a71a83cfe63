"""CORS for GET and gzip for text, on the CKAN portal's read API and the static files it serves.

Why a plugin: CKAN's own `ckan.cors.origin_allow_all` answers every Origin with POST, PUT and DELETE
allowed too, and CKAN has no compression at all; the residents' site (served by CKAN from
`extra_public_paths`) and the read API should be fetchable from another site's page and sent compressed.
So: a read (GET, HEAD, OPTIONS) gets `Access-Control-Allow-Origin: *` and `Access-Control-Allow-Methods:
GET, HEAD, OPTIONS` (no credentials: a token-bearing write from another origin stays refused by the
browser), and text responses (HTML, CSS, JavaScript, JSON, JSON-LD, CSV, SVG, XML) are gzipped by
flask-compress when the client accepts it.
"""

from __future__ import annotations

import ckan.plugins as plugins

READS = ("GET", "HEAD", "OPTIONS")
TEXT = ["text/html", "text/css", "text/csv", "text/plain", "text/xml", "text/javascript", "application/javascript",
        "application/json", "application/ld+json", "application/xml", "application/rdf+xml", "text/turtle",
        "image/svg+xml", "application/geo+json"]


BUFFER_LIMIT = 8 * 1024 * 1024  # static text files up to this size are read whole so they can be gzipped


def _buffer(response):
    """A static file is sent as a stream, which flask-compress gzips only with COMPRESS_STREAMS (and then not
    as gzip): a text file of reasonable size is read into memory first, so it goes out as one gzip body."""
    if (response.is_streamed and response.mimetype in TEXT and response.status_code == 200
            and (response.content_length or 0) <= BUFFER_LIMIT):
        response.direct_passthrough = False
        response.make_sequence()
    return response


def _cors(response):
    from flask import request

    if request.method in READS:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers.add("Vary", "Origin")
    return response


class ReusePlugin(plugins.SingletonPlugin):
    plugins.implements(plugins.IMiddleware, inherit=True)

    def make_middleware(self, app, config):
        if not hasattr(app, "after_request"):  # only the Flask app
            return app
        from flask_compress import Compress

        app.config.update(COMPRESS_MIMETYPES=TEXT, COMPRESS_ALGORITHM=["gzip"], COMPRESS_MIN_SIZE=500,
                          COMPRESS_LEVEL=6, COMPRESS_STREAMS=False)
        Compress(app)
        app.after_request(_buffer)  # Flask runs after_request hooks last-registered first: this before Compress
        app.after_request(_cors)
        return app
