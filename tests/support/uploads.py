"""Multipart bodies with file names exactly as given, as a hostile client can send them.

Werkzeug's test encoder writes ``filename="..."`` unescaped, so a quote or a
line break in a name breaks the header instead of reaching the app. Here the
name goes in RFC 7578 / RFC 2231 form, ``filename*=UTF-8''<percent-encoded>``,
which the streaming parser decodes back to the very characters the attacker
chose: quotes, CR/LF, semicolons, path parts, any Unicode.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from urllib.parse import quote


def multipart(
    fields: Sequence[tuple[str, str]], files: Sequence[tuple[str, str, bytes]] = ()
) -> tuple[bytes, str]:
    """(body, content type) for ``fields`` then ``files`` as (field name, file name, content)."""
    boundary = "----lentera" + secrets.token_hex(12)
    parts: list[bytes] = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for name, filename, content in files:
        header = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f"filename*=UTF-8''{quote(filename, safe='')}\r\n"
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(header.encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"
