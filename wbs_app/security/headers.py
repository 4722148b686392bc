"""The security headers of DESIGN.md section 5, on every response.

Set in one ``after_request`` hook (error pages pass through it too), so no
view can forget them. Downloads may tighten the CSP further. One page loosens
it by one word: the report's review page runs the site's own puzzle script
(``PUZZLE_PAGE_CSP``: ``script-src 'self'``, no inline script, nothing from
elsewhere), which makes a report go first in a flood; the page works the same
with JavaScript off.
"""

from __future__ import annotations

from flask import Flask, Response

from wbs_app.settings import settings

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)

PUZZLE_PAGE_CSP = CONTENT_SECURITY_POLICY + "; script-src 'self'"

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cache-Control": "no-store",
}

HSTS = "max-age=63072000; includeSubDomains"

# Headers that identify software or let a cache or client correlate visits.
REMOVED_HEADERS = ("Server", "ETag", "Last-Modified", "X-Powered-By")


def register_security_headers(app: Flask) -> None:
    tls = settings(app).tls

    @app.after_request
    def _apply(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            if name == "Content-Security-Policy" and name in response.headers:
                continue  # a view chose a stricter policy (downloads)
            response.headers[name] = value
        if tls:
            response.headers["Strict-Transport-Security"] = HSTS
        response.headers.pop("Pragma", None)
        for name in REMOVED_HEADERS:
            response.headers.pop(name, None)
        return response
