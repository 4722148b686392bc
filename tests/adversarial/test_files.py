"""Hostile uploads: too big, hostile names, polyglots. Refused clearly, stored and served safely.

- Over-size: on every upload route (report form, the reporter's later
  evidence, the respondent's statement) a file over ``MAX_UPLOAD_BYTES`` and a
  body over ``MAX_UPLOAD_REQUEST_BYTES`` get 413 with the translated page, leave no
  ciphertext behind, and lose nothing saved before (the draft and its file,
  earlier evidence, earlier statements).
- Names: path parts, CR/LF, quotes, semicolons, non-ASCII and direction
  overrides reach the app exactly (``filename*`` in the multipart header, as a
  hostile client can send them); what is stored is the last path part without
  control characters, and every download says ``attachment`` with an ASCII
  fallback of safe characters and the RFC 5987 ``filename*`` of the stored
  name: no header injection, no path part, nothing a browser could misread.
- Polyglots (GIF+JS, HTML, SVG with script, PDF with JavaScript) come back
  byte for byte but only ever as a download (``attachment``,
  ``application/octet-stream``, ``nosniff``, the sandbox CSP) from each
  download route: the handler's of reporter evidence and of respondent files,
  and the reporter's own. (The respondent sees their files listed by name; the
  respondent zone has no download route.) In Chromium, opening such a link
  starts a download and runs nothing.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from tests.support.casework import examine
from tests.support.headers import assert_baseline
from tests.support.http import https_client
from tests.support.reporter import DRAFT_RE, RECEIPT_RE, csrf_from, open_case, send_review
from tests.support.respondent import investigating_case, invite, respondent_client
from tests.support.staff import sign_in
from tests.support.uploads import multipart
from wbs_app.db import app_database
from wbs_app.models import Attachment, Case, PendingFile
from wbs_app.security.downloads import DOWNLOAD_CSP

LIMIT = 64 * 1024
BODY_LIMIT = 256 * 1024
TOO_BIG = b"y" * (LIMIT + 1)
TOO_LONG = b"z" * (BODY_LIMIT + 1)

HOSTILE_NAMES = {
    "../../etc/passwd": "passwd",
    "C:\\x\\y.txt": "y.txt",
    "..\\..\\boot.ini": "boot.ini",
    "a\r\nSet-Cookie: pwned=1\r\nX-Evil: 1.txt": "aSet-Cookie: pwned=1X-Evil: 1.txt",
    'say "hi".txt': 'say "hi".txt',
    "a;b=c; filename=evil.exe.txt": "a;b=c; filename=evil.exe.txt",
    "laporan Pak Budi – ü 日本.pdf": "laporan Pak Budi – ü 日本.pdf",
    "foto\u202egnp.exe": "fotognp.exe",
    "..": "file",
    "日本語.pdf": "日本語.pdf",
}
POLYGLOTS = {
    "gif.gif": b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(document.domain)//;",
    "page.html": b"<!doctype html><script>alert(document.domain)</script>",
    "image.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>'
    b"alert(document.domain)</script></svg>",
    "doc.pdf": b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>"
    b"endobj\n%%EOF\n<html><script>alert(1)</script></html>",
}
# The ASCII fallback of a few: never a dot file, never a path part, the extension kept.
FALLBACKS = {
    "passwd": "passwd",
    'say "hi".txt': "say _hi.txt",
    "file": "file",
    "日本語.pdf": "file.pdf",
    "a;b=c; filename=evil.exe.txt": "a_b_c_ filename_evil.exe.txt",
}
FALLBACK_RE = re.compile(r'^attachment; filename="([A-Za-z0-9._ -]+)"; filename\*=UTF-8\'\'(\S+)$')


@pytest.fixture
def app(make_app):
    return make_app(MAX_UPLOAD_BYTES=LIMIT, MAX_UPLOAD_REQUEST_BYTES=BODY_LIMIT)


def _ciphertexts(app) -> set[str]:
    root = app_database(app) and app.extensions["lentera.store"]
    return {p.name for folder in (root.pending, root.files) for p in folder.iterdir()}


def _pending_rows(app) -> int:
    with app_database(app).session() as session:
        return session.scalar(select(func.count()).select_from(PendingFile)) or 0


def _assert_413(response) -> None:
    assert response.status_code == 413
    assert_baseline(response)
    assert "Unggahan terlalu besar" in response.get_data(as_text=True)


def _report_fields(
    page: str, unit: int, draft: str = "", what: str = "Petugas meminta uang."
) -> list[tuple[str, str]]:
    return [
        ("draft", draft),
        ("csrf_token", csrf_from(page)),
        ("unit", str(unit)),
        ("category", "1"),
        ("what", what),
    ]


def _report_with(app, org, files: list[tuple[str, bytes]]) -> tuple[Any, str]:
    """A report whose evidence is ``files`` (names exactly as given); returns (client, receipt)."""
    reporter = https_client(app)
    page = reporter.get("/lapor/formulir").get_data(as_text=True)
    body, content_type = multipart(
        _report_fields(page, org.units["a"]), [("evidence", n, c) for n, c in files]
    )
    review = reporter.post("/lapor/formulir", data=body, content_type=content_type)
    assert review.status_code == 200, review.get_data(as_text=True)[:500]
    sent = send_review(reporter, review.get_data(as_text=True))
    receipt = RECEIPT_RE.search(sent.get_data(as_text=True)).group(1)
    open_case(reporter, receipt)
    return reporter, receipt


def _handler(app, org) -> tuple[Any, int]:
    client = https_client(app)
    assert sign_in(app, client, org.budi).status_code == 302
    with app_database(app).session() as session:
        return client, max(session.scalars(select(Case.id)))


# --- over-size uploads -------------------------------------------------------------------


@pytest.mark.parametrize("content", [TOO_BIG, TOO_LONG], ids=["file-over-limit", "body-over-limit"])
def test_report_form_413_keeps_the_draft_and_its_file(app, org, content) -> None:
    reporter = https_client(app)
    page = reporter.get("/lapor/formulir").get_data(as_text=True)
    body, content_type = multipart(
        _report_fields(page, org.units["a"], what=""),
        [("evidence", "pertama.txt", b"bukti pertama")],
    )
    first = reporter.post("/lapor/formulir", data=body, content_type=content_type)
    assert first.status_code == 400  # no answer yet: the form comes back, saved as a draft
    draft = DRAFT_RE.search(first.get_data(as_text=True)).group(1)
    saved = _ciphertexts(app)
    assert len(saved) == 1
    body, content_type = multipart(
        _report_fields(page, org.units["a"], draft), [("evidence", "besar.bin", content)]
    )
    _assert_413(reporter.post("/lapor/formulir", data=body, content_type=content_type))
    assert _ciphertexts(app) == saved and _pending_rows(app) == 1
    body, content_type = multipart(_report_fields(page, org.units["a"], draft))
    review = reporter.post("/lapor/formulir", data=body, content_type=content_type)
    assert review.status_code == 200 and "pertama.txt" in review.get_data(as_text=True)
    sent = send_review(reporter, review.get_data(as_text=True))
    assert sent.status_code == 200
    with app_database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(Attachment)) == 1


@pytest.mark.parametrize("content", [TOO_BIG, TOO_LONG], ids=["file-over-limit", "body-over-limit"])
def test_reporter_later_evidence_413_loses_nothing(app, org, content) -> None:
    reporter, _ = _report_with(app, org, [("awal.txt", b"bukti awal")])
    saved = _ciphertexts(app)
    page = reporter.get("/lapor/kasus").get_data(as_text=True)
    body, content_type = multipart(
        [("csrf_token", csrf_from(page)), ("message", "Tambahan")],
        [("evidence", "kecil.txt", b"kecil"), ("evidence", "besar.bin", content)],
    )
    _assert_413(reporter.post("/lapor/kasus/pesan", data=body, content_type=content_type))
    assert _ciphertexts(app) == saved and _pending_rows(app) == 0
    page = reporter.get("/lapor/kasus").get_data(as_text=True)
    assert "Tambahan" not in page  # all or nothing: no half message
    link = re.search(r'href="(/lapor/kasus/berkas/\d+)"', page).group(1)
    with reporter.get(link) as download:
        assert download.get_data() == b"bukti awal"


@pytest.mark.parametrize("content", [TOO_BIG, TOO_LONG], ids=["file-over-limit", "body-over-limit"])
def test_respondent_statement_413_loses_nothing(app, org, reporter, content) -> None:
    budi, case_id = investigating_case(app, org, reporter)
    client, _ = respondent_client(app, invite(budi, case_id))
    page = client.get("/klarifikasi/").get_data(as_text=True)
    body, content_type = multipart(
        [("csrf_token", csrf_from(page)), ("statement", "Pernyataan pertama")],
        [("evidence", "surat.pdf", b"surat tugas")],
    )
    assert (
        client.post("/klarifikasi/pernyataan", data=body, content_type=content_type).status_code
        == 302
    )
    saved = _ciphertexts(app)
    body, content_type = multipart(
        [("csrf_token", csrf_from(page)), ("statement", "Pernyataan kedua")],
        [("evidence", "besar.bin", content)],
    )
    _assert_413(client.post("/klarifikasi/pernyataan", data=body, content_type=content_type))
    assert _ciphertexts(app) == saved and _pending_rows(app) == 0
    page = client.get("/klarifikasi/").get_data(as_text=True)
    assert "Pernyataan pertama" in page and "surat.pdf" in page
    assert "Pernyataan kedua" not in page


# --- hostile file names ------------------------------------------------------------------


def _check_disposition(response, stored: str) -> str:
    """``attachment``, a safe ASCII fallback, the exact stored name in ``filename*``."""
    for name, value in response.headers.items():
        assert "\r" not in name + value and "\n" not in name + value
    assert (
        "pwned" not in response.headers.get("Set-Cookie", "") and "X-Evil" not in response.headers
    )
    disposition = response.headers["Content-Disposition"]
    match = FALLBACK_RE.match(disposition)
    assert match, disposition
    fallback, encoded = match.groups()
    assert fallback.strip(" .") == fallback and fallback not in {"", ".", ".."}
    assert re.fullmatch(r"[A-Za-z0-9%._~!$&'()*+,=:@-]*", encoded)  # RFC 5987 attr-chars or %XX
    assert unquote(encoded, errors="strict") == stored
    assert "/" not in stored and "\\" not in stored and stored not in {".", ".."}
    assert FALLBACKS.get(stored, fallback) == fallback
    return fallback


def test_hostile_names_are_stored_and_served_safely(app, org) -> None:
    files = [(name, f"isi {index}".encode()) for index, name in enumerate(HOSTILE_NAMES)]
    reporter, _ = _report_with(app, org, files)
    page = reporter.get("/lapor/kasus").get_data(as_text=True)
    links = re.findall(r'href="(/lapor/kasus/berkas/(\d+))">([^<]*)</a>', page)
    assert len(links) == len(files)
    budi, case_id = _handler(app, org)
    handler_page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    expected = dict(zip([content for _, content in files], HOSTILE_NAMES.values(), strict=True))
    for link, file_id, _shown in links:
        with reporter.get(link) as mine:
            content = mine.get_data()
            _check_disposition(mine, expected[content])
        with budi.get(f"/staf/pengelola/kasus/{case_id}/berkas/{file_id}") as theirs:
            assert theirs.get_data() == content
            _check_disposition(theirs, expected[content])
    for stored in HOSTILE_NAMES.values():
        escaped = stored.replace("&", "&amp;").replace('"', "&#34;").replace("<", "&lt;")
        assert escaped in page and escaped in handler_page


# --- polyglots ---------------------------------------------------------------------------


def _assert_download_only(response, content: bytes) -> None:
    assert response.status_code == 200
    assert response.get_data() == content
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.mimetype == "application/octet-stream"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == DOWNLOAD_CSP
    assert "sandbox" in DOWNLOAD_CSP and "default-src 'none'" in DOWNLOAD_CSP


@pytest.mark.browser
def test_polyglots_are_only_ever_downloads(app, org, reporter, js_page) -> None:
    files = list(POLYGLOTS.items())
    client, _ = _report_with(app, org, files)
    page = client.get("/lapor/kasus").get_data(as_text=True)
    own = re.findall(r'href="(/lapor/kasus/berkas/\d+)"', page)
    budi, case_id = _handler(app, org)
    handler_page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    staff_links = re.findall(rf'href="(/staf/pengelola/kasus/{case_id}/berkas/\d+)"', handler_page)
    examine(budi, case_id)
    respondent, _ = respondent_client(app, invite(budi, case_id))
    home = respondent.get("/klarifikasi/").get_data(as_text=True)
    body, content_type = multipart(
        [("csrf_token", csrf_from(home)), ("statement", "Bukti saya")],
        [("evidence", name, content) for name, content in files],
    )
    assert (
        respondent.post("/klarifikasi/pernyataan", data=body, content_type=content_type).status_code
        == 302
    )
    handler_page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    respondent_links = re.findall(
        r'href="(/staf/pengelola/kasus/\d+/undangan/\w+/berkas/\d+)"', handler_page
    )
    contents = set(POLYGLOTS.values())
    for who, links in ((client, own), (budi, staff_links), (budi, respondent_links)):
        assert len(links) == len(files)
        for link in links:
            with who.get(link) as response:
                assert response.get_data() in contents
                _assert_download_only(response, response.get_data())

    from tests.support.browser import AppInBrowser

    viewer = AppInBrowser(js_page, budi)
    for link in staff_links + respondent_links:
        with js_page.expect_download() as started:
            try:
                viewer.open(budi, link)
            except Exception as error:  # Playwright: "Download is starting"
                assert "Download is starting" in str(error)
        assert started.value.suggested_filename in POLYGLOTS
        started.value.cancel()
    assert js_page.dialogs == [] and viewer.foreign == []
