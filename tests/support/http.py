"""The Flask test client as a browser on HTTPS (Secure cookies, HSTS), as in production."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient


def https_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    return client
