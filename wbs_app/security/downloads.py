"""Serving a decrypted file: always a download, never rendered by the browser.

RFC 6266 ``Content-Disposition: attachment`` with an ASCII fallback name and
the UTF-8 name percent-encoded, ``application/octet-stream``, ``nosniff`` and a
sandboxing CSP, so an HTML or SVG "evidence" file can never run in our origin.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from urllib.parse import quote

from flask import Response, stream_with_context

# The page policy's every restriction (DESIGN.md section 5), plus the sandbox.
DOWNLOAD_CSP = (
    "default-src 'none'; sandbox; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'; form-action 'self'"
)


def ascii_fallback(filename: str) -> str:
    """The name for clients without RFC 5987: ASCII letters, digits, ``._- `` only.

    Never empty, never a dot file or a bare ``.``/``..``, and the extension
    kept: "日本語.pdf" falls back to "file.pdf", not ".pdf" (a hidden file on
    the handler's disk), and ".." to "file".
    """
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(ch if ch.isalnum() or ch in "._- " else "_" for ch in ascii_name)
    stem, dot, extension = ascii_name.rpartition(".")
    if not dot:
        stem, extension = ascii_name, ""
    stem = stem.strip(" ._-") or "file"
    extension = extension.strip(" ._-")
    return f"{stem}.{extension}" if extension else stem


def content_disposition(filename: str) -> str:
    """RFC 6266: ``attachment``, the ASCII fallback, then the exact name as RFC 5987 UTF-8."""
    encoded = quote(filename, safe="")
    return f"attachment; filename=\"{ascii_fallback(filename)}\"; filename*=UTF-8''{encoded}"


def download_response(filename: str, size: int, chunks: Iterator[bytes]) -> Response:
    response = Response(stream_with_context(chunks), mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Content-Length"] = str(size)
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
