"""Strip everything that identifies a client before the application sees a request.

DESIGN.md section 5: no address or user agent is read, stored or logged. Rather
than trusting every line of code to leave them alone, this WSGI middleware
removes them from the environ, so ``request`` simply has none to offer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

IDENTIFYING_ENVIRON_KEYS = frozenset(
    {
        "REMOTE_ADDR",
        "REMOTE_HOST",
        "REMOTE_PORT",
        "REMOTE_USER",
        "HTTP_USER_AGENT",
        "HTTP_FORWARDED",
        "HTTP_X_FORWARDED_FOR",
        "HTTP_X_FORWARDED_HOST",
        "HTTP_X_REAL_IP",
        "HTTP_X_CLIENT_IP",
        "HTTP_CLIENT_IP",
        "HTTP_TRUE_CLIENT_IP",
        "HTTP_CF_CONNECTING_IP",
        "HTTP_X_CLUSTER_CLIENT_IP",
        "HTTP_VIA",
        "HTTP_REFERER",
        "HTTP_SEC_CH_UA",
        "HTTP_SEC_CH_UA_PLATFORM",
        "HTTP_SEC_CH_UA_MOBILE",
        "HTTP_DNT",
    }
)


class StripClientIdentity:
    """WSGI middleware that deletes identifying keys from every request environ."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        for key in IDENTIFYING_ENVIRON_KEYS.intersection(environ):
            del environ[key]
        return self.app(environ, start_response)
