"""The baseline server of ``bench upload``: the same parser and server, storing plaintext.

Only for measuring: it shows what receiving and writing the bytes costs
without encryption, so the ratio isolates what encryption adds.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from wbs_app.streaming_form import FormLimits, parse

STORE = Path(os.environ.get("BENCH_PLAIN_DIR", tempfile.gettempdir())) / "plain-upload"
LIMITS = FormLimits(max_file_bytes=8 * 1024 * 1024 * 1024)


class PlainSink:
    def __init__(self) -> None:
        STORE.mkdir(exist_ok=True)
        self.path = STORE / secrets.token_hex(16)
        self.handle = self.path.open("wb")

    def write(self, data: bytes) -> int:
        return self.handle.write(data)

    def close(self) -> None:
        self.handle.close()

    def discard(self) -> None:
        self.handle.close()
        self.path.unlink(missing_ok=True)


def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    form = parse(
        environ["wsgi.input"], environ.get("CONTENT_TYPE"), LIMITS, lambda _n, _t: PlainSink()
    )
    for received in form.files:
        received.sink.discard()  # keep the disk clean between runs; the bytes were written
    body = f"{len(form.files)} files".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
