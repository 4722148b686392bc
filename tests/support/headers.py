"""The security baseline of DESIGN.md section 5 that every answer must carry, as assertions.

The header tests, the access matrix, the CSRF, file and error suites all hold
their answers to the same baseline; one copy here keeps them holding to the
same one.
"""

from __future__ import annotations

from typing import Any

EXPECTED = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}
CSP_DIRECTIVES = (
    "default-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
    "form-action 'self'",
)

# The message of the exceptions the error-page tests raise inside a zone: no
# error page may ever show it.
SECRET = "RAHASIA-PESAN-PENGECUALIAN"


def assert_baseline(response: Any) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    csp = response.headers["Content-Security-Policy"]
    for directive in CSP_DIRECTIVES:
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    for absent in ("Server", "ETag", "Last-Modified", "X-Powered-By"):
        assert absent not in response.headers
    assert b"Traceback" not in response.get_data()  # a download (a PDF) is bytes


def assert_error_page(response: Any, status: int) -> None:
    """An error page: the status, the baseline, and no traceback, path or exception message."""
    assert response.status_code == status
    assert_baseline(response)
    body = response.get_data(as_text=True)
    for leak in ('File "', ".py", "wbs_app", "Error:", SECRET):
        assert leak not in body, leak
