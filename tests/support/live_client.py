"""A client of the real gunicorn server that looks like Flask's test client to the helpers.

The journey helpers (``tests.support.reporter``, ``tests.support.staff``) call
``client.get(path).get_data(as_text=True)`` and ``client.post(path, data=...,
content_type=...)``; this class answers the same calls over a real socket, so
the same journeys run against ``LiveServer``. It can bind its socket to a
chosen loopback source address and send extra headers on every request
(forwarding headers, a user agent), which is what the anonymity scans need.
Redirects are not followed, as with the test client.
"""

from __future__ import annotations

import http.client
import io
import urllib.parse
from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart


class LiveResponse:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status_code = status
        self.headers = headers
        self.body = body

    def get_data(self, as_text: bool = False) -> Any:
        return self.body.decode("utf-8") if as_text else self.body

    def __enter__(self) -> LiveResponse:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None


class LiveClient:
    """Cookies kept by name (the paths of our cookies never overlap), no redirects followed."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        source_address: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.source = (source_address, 0) if source_address else None
        self.extra_headers = dict(headers or {})
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> LiveResponse:
        return self._request("GET", path, None, {})

    def post(
        self, path: str, data: Any = None, content_type: str | None = None, **_ignored: Any
    ) -> LiveResponse:
        if content_type == "multipart/form-data":
            boundary, body = encode_multipart(_multidict_with_files(data))
            headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        else:
            body = urllib.parse.urlencode(_pairs(data), doseq=True).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self._request("POST", path, body, headers)

    def _request(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> LiveResponse:
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=120, source_address=self.source
        )
        headers = {**self.extra_headers, **headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for line in response.headers.get_all("Set-Cookie") or []:
            self._keep(line)
        return LiveResponse(response.status, response.headers, data)

    def _keep(self, line: str) -> None:
        name, _, rest = line.partition("=")
        value = rest.split(";", 1)[0]
        attributes = rest.lower()
        if not value or "max-age=0" in attributes or "expires=thu, 01 jan 1970" in attributes:
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = value


def _pairs(data: Any) -> list[tuple[str, Any]]:
    if data is None:
        return []
    if isinstance(data, MultiDict):
        return list(data.items(multi=True))
    return list(data.items())


def _multidict_with_files(data: Any) -> MultiDict[str, Any]:
    """The test client's ``(stream, filename)`` tuples as FileStorage, for ``encode_multipart``."""
    fields: MultiDict[str, Any] = MultiDict()
    for key, value in _pairs(data):
        if isinstance(value, tuple):
            stream, filename = value[0], value[1]
            if isinstance(stream, bytes):
                stream = io.BytesIO(stream)
            fields.add(key, FileStorage(stream, filename))
        elif isinstance(value, list):
            for item in value:
                fields.add(key, item)
        else:
            fields.add(key, value)
    return fields
