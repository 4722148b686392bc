"""The Flask test client as a browser on HTTPS (as in production), and a quiet threaded server."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import WSGIRequestHandler

# The CSRF token of any form: Flask-WTF's field and the hand-written hidden inputs alike.
CSRF_RE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
# The key of a post kept after its session ended, carried by the code page (services.codes.held).
HELD_RE = re.compile(r'name="held" value="([^"]+)"')


def https_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    return client


class QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without its access log (which wants the address the app strips)."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        return None

