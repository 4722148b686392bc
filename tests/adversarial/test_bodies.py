"""Request bodies are bounded by route and refused before they are read (issue 18, "Bodies").

- A url-encoded body declared at 500 MiB is refused on every POST route of the
  app without one byte read: 413 where a form would be parsed, 400 on the
  upload views (which take multipart only), a guard's answer elsewhere.
- Sent chunked (no Content-Length), a url-encoded body is cut at the form limit:
  what the app reads stays within the limit and one read beyond it.
- Multipart on a route that takes no files is refused with 415, translated,
  before Werkzeug's parser could spool a part to the temp folder.
- The upload views still take a multipart body above the small default limit.

The worker's memory under the real 500 MiB body is measured by
``bench/bodies.py`` (and its slow test, ``test_bodies_memory_bound``).
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest

from tests.support.headers import assert_baseline
from tests.support.http import https_client
from tests.support.reporter import csrf_from
from tests.support.uploads import multipart
from wbs_app.security.bodies import TAKES_FILES

MiB = 1024 * 1024
HUGE = 500 * MiB
FORM_LIMIT = 1024 * 1024  # MAX_FORM_MEMORY_SIZE


class CountingStream(io.RawIOBase):
    """An endless body of ``a=aaaa...`` that counts what the app read of it."""

    def __init__(self, limit: int | None = None) -> None:
        self.read_bytes = 0
        self.limit = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        size = len(buffer)
        if self.limit is not None:
            size = min(size, self.limit - self.read_bytes)
        buffer[:size] = b"a" * size
        self.read_bytes += size
        return size


def _send(client, path: str, stream: CountingStream, content_type: str, length: int | None):
    """POST ``stream`` as the body, with a declared length or chunked (no length)."""
    environ = {"wsgi.input": stream}
    if length is None:
        environ.update({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True})
    else:
        environ["CONTENT_LENGTH"] = str(length)
    return client.open(
        path, method="POST", data=b"", content_type=content_type, environ_overrides=environ
    )


def _post_routes(app) -> list[tuple[str, str]]:
    """(endpoint, a URL for it) for every route that takes POST, with dummy arguments."""
    routes = []
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()):
            continue
        args = {name: 1 for name in rule.arguments}
        try:
            with app.test_request_context():
                from flask import url_for

                url = url_for(rule.endpoint, **args)
        except Exception:  # a string argument: any word will do
            with app.test_request_context():
                from flask import url_for

                url = url_for(rule.endpoint, **{name: "x" for name in rule.arguments})
        routes.append((rule.endpoint, url))
    return routes


def test_every_post_route_refuses_a_huge_urlencoded_body_unread(app, org) -> None:
    routes = _post_routes(app)
    assert len(routes) > 40
    client = https_client(app)
    client.get("/lapor/formulir")  # a reporter-side cookie, as a browser has
    for endpoint, url in routes:
        stream = CountingStream()
        response = _send(client, url, stream, "application/x-www-form-urlencoded", HUGE)
        assert stream.read_bytes == 0, endpoint
        assert response.status_code in (302, 303, 400, 403, 404, 413), (endpoint, response.status)
        if response.status_code == 413:
            assert_baseline(response)
            assert "Unggahan terlalu besar" in response.get_data(as_text=True)


def test_an_upload_view_holds_a_body_that_is_not_multipart_to_the_form_limit(app, org) -> None:
    """Only multipart carries files: any other body to an upload view is a form's, and one over
    its limit is refused unread, even where a guard would answer first (no staff session)."""
    uploads = [
        url
        for endpoint, url in _post_routes(app)
        if getattr(app.view_functions[endpoint], TAKES_FILES, False)
    ]
    assert "/staf/pengelola/laporan-baru" in uploads and len(uploads) == 6
    for url in uploads:
        stream = CountingStream()
        response = _send(https_client(app), url, stream, "application/x-www-form-urlencoded", HUGE)
        assert (response.status_code, stream.read_bytes) == (413, 0), url


def test_a_form_route_answers_413_for_a_body_over_the_form_limit(app, org) -> None:
    stream = CountingStream()
    response = _send(
        https_client(app),
        "/staf/masuk",
        stream,
        "application/x-www-form-urlencoded",
        FORM_LIMIT + 1,
    )
    assert response.status_code == 413 and stream.read_bytes == 0


def test_a_chunked_urlencoded_body_is_cut_at_the_form_limit(app, org) -> None:
    stream = CountingStream(limit=HUGE)
    response = _send(
        https_client(app), "/staf/masuk", stream, "application/x-www-form-urlencoded", None
    )
    assert response.status_code == 413
    assert stream.read_bytes <= FORM_LIMIT + 64 * 1024


def test_a_form_under_the_limit_still_works(app, org) -> None:
    client = https_client(app)
    page = client.get("/staf/masuk").get_data(as_text=True)
    response = client.post(
        "/staf/masuk",
        data={"csrf_token": csrf_from(page), "login": "budi", "password": "x" * 100_000},
    )
    assert response.status_code in (200, 400)  # a wrong password, not a refused body


@pytest.mark.parametrize("path", ["/staf/masuk", "/lapor/kirim", "/lapor/masuk"])
def test_multipart_on_a_route_without_files_is_415_and_spools_nothing(app, org, path) -> None:
    client = https_client(app)
    page = client.get("/lapor/formulir").get_data(as_text=True)
    body, content_type = multipart(
        [("csrf_token", csrf_from(page))], [("evidence", "big.bin", b"s" * (200 * 1024))]
    )
    before = set(Path(tempfile.gettempdir()).iterdir())
    stream = CountingStream()
    response = _send(client, path, stream, content_type, len(body))
    assert response.status_code == 415
    assert_baseline(response)
    assert "Halaman ini tidak menerima berkas" in response.get_data(as_text=True)
    assert stream.read_bytes == 0
    assert set(Path(tempfile.gettempdir()).iterdir()) <= before


def test_only_the_streaming_upload_views_take_files(app) -> None:
    marked = sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if getattr(view, TAKES_FILES, False)
    )
    assert marked == [
        "investigator.record_report",  # a report received elsewhere, with its scans (issue 20)
        "reporter.correct_record",  # a correction is kept after the visit, as a reply is
        "reporter.receive_form",
        "reporter.reply",
        "reporter.report_retaliation",
        "respondent.statement",
    ]


def test_the_report_form_still_takes_a_file_above_the_default_limit(app, org) -> None:
    client = https_client(app)
    page = client.get("/lapor/formulir").get_data(as_text=True)
    body, content_type = multipart(
        [
            ("draft", ""),
            ("csrf_token", csrf_from(page)),
            ("unit", str(org.units["a"])),
            ("category", "1"),
            ("what", "Petugas meminta uang."),
        ],
        [("evidence", "foto.jpg", b"j" * (2 * MiB))],
    )
    assert len(body) > FORM_LIMIT
    review = client.post("/lapor/formulir", data=body, content_type=content_type)
    assert review.status_code == 200
    assert "foto.jpg" in review.get_data(as_text=True)


def test_every_multipart_form_posts_to_a_view_that_takes_files(app) -> None:
    """A form with ``enctype=multipart/form-data`` elsewhere would meet the 415."""
    import re

    root = Path(__file__).resolve().parents[2] / "wbs_app"
    forms = re.compile(r"<form[^>]*url_for\('([\w.]+)'\)[^>]*multipart/form-data")
    endpoints = {
        endpoint for page in root.rglob("*.html") for endpoint in forms.findall(page.read_text())
    }
    assert len(endpoints) == 6
    for endpoint in endpoints:
        assert getattr(app.view_functions[endpoint], TAKES_FILES, False), endpoint
