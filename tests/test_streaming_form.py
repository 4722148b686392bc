"""The streaming multipart parser: fields in memory, files only through their sink."""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.test import encode_multipart

from wbs_app.streaming_form import FormLimits, parse


class CollectingSink:
    """Keeps what it is given, as the encrypting sink would write it on."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.closed = False
        self.discarded = False

    def write(self, data: bytes) -> int:
        self.data += data
        return len(data)

    def close(self) -> None:
        self.closed = True

    def discard(self) -> None:
        self.discarded = True


def _body(fields: dict[str, object]) -> tuple[io.BytesIO, str]:
    data = MultiDict()
    for name, value in fields.items():
        data.add(name, value)
    boundary, body = encode_multipart(data, boundary="----LenteraBoundary7x")
    return io.BytesIO(body), f"multipart/form-data; boundary={boundary}"


def _parse(stream, content_type, limits=None, sinks=None):
    limits = limits or FormLimits()
    sinks = [] if sinks is None else sinks

    def new_sink(filename: str, content_type: str) -> CollectingSink:
        sink = CollectingSink()
        sinks.append((filename, content_type, sink))
        return sink

    return parse(stream, content_type, limits, new_sink), sinks


def test_fields_and_files() -> None:
    payload = bytes(range(256)) * 3000  # several chunks
    stream, content_type = _body(
        {
            "what": "Pungutan liar\r\ndi loket",
            "csrf_token": "abc",
            "evidence": FileStorage(
                io.BytesIO(payload), "bukti foto.jpg", content_type="image/jpeg"
            ),
            "empty": FileStorage(io.BytesIO(b""), "", content_type="application/octet-stream"),
        }
    )
    form, sinks = _parse(stream, content_type)
    assert form.fields["what"] == "Pungutan liar\ndi loket"
    assert form.fields["csrf_token"] == "abc"
    assert len(form.files) == 1 and len(sinks) == 1
    received = form.files[0]
    assert (received.filename, received.content_type, received.size) == (
        "bukti foto.jpg",
        "image/jpeg",
        len(payload),
    )
    assert bytes(sinks[0][2].data) == payload and sinks[0][2].closed


def test_file_over_limit_is_413_and_discarded() -> None:
    stream, content_type = _body({"f": FileStorage(io.BytesIO(b"x" * 5000), "a.bin")})
    sinks: list = []
    with pytest.raises(RequestEntityTooLarge):
        _parse(stream, content_type, FormLimits(max_file_bytes=4096), sinks)
    assert sinks and sinks[0][2].discarded


def test_too_many_files_and_oversized_field() -> None:
    files = {f"f{i}": FileStorage(io.BytesIO(b"1"), f"{i}.txt") for i in range(3)}
    stream, content_type = _body(files)
    with pytest.raises(RequestEntityTooLarge):
        _parse(stream, content_type, FormLimits(max_files=2))
    stream, content_type = _body({"what": "x" * 70_000})
    with pytest.raises(RequestEntityTooLarge):
        _parse(stream, content_type)


def test_truncated_body_discards_files() -> None:
    stream, content_type = _body({"f": FileStorage(io.BytesIO(b"y" * 200_000), "a.bin")})
    cut = io.BytesIO(stream.getvalue()[:150_000])
    sinks: list = []
    with pytest.raises(BadRequest):
        _parse(cut, content_type, sinks=sinks)
    assert sinks[0][2].discarded


@pytest.mark.parametrize(
    "content_type",
    [None, "", "text/plain", "multipart/form-data", "application/x-www-form-urlencoded"],
)
def test_wrong_content_type(content_type) -> None:
    with pytest.raises(BadRequest):
        _parse(io.BytesIO(b"what=1"), content_type)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_junk_bodies_only_raise_http_errors(junk: bytes) -> None:
    with contextlib.suppress(BadRequest, RequestEntityTooLarge):
        _parse(io.BytesIO(junk), "multipart/form-data; boundary=----LenteraBoundary7x")


def test_non_utf8_field_is_400() -> None:
    body = (
        b'------LenteraBoundary7x\r\nContent-Disposition: form-data; name="what"\r\n\r\n'
        b"\xff\xfe\r\n------LenteraBoundary7x--\r\n"
    )
    with pytest.raises(BadRequest):
        _parse(io.BytesIO(body), "multipart/form-data; boundary=----LenteraBoundary7x")
