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


def code_sign_in(client: Any, page: str, path: str, field: str, code: str) -> Any:
    """Post a code from its code page, with the kept post's key when the page carries one."""
    token = CSRF_RE.search(page)
    data = {"csrf_token": token.group(1) if token else "", field: code}
    held = HELD_RE.search(page)
    if held:
        data["held"] = held.group(1)
    return client.post(path, data=data)
