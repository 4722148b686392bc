"""What one anonymous client can put on disk is bounded (issue 18, "Disk").

- A draft holds at most MAX_FILES_PER_SUBMISSION files and MAX_DRAFT_BYTES
  bytes however often it is posted again (the files it holds count); the text
  of a post over the cap is kept, its new files are not.
- The caps are checked again at send: a draft holding more never becomes a case.
- A sent case takes later evidence only up to MAX_FILES_PER_CASE files, a reply
  kept after its session and sent by the receipt included.
- Beyond DRAFT_BYTES_BUDGET held by all unsent drafts, a new upload into a draft
  gets a translated 503 before its bytes are written, while a post without
  files, the reply of a sent case with its evidence, and sending a draft work.
"""

from __future__ import annotations

import dataclasses
import re

from sqlalchemy import func, select

from tests.support.http import https_client
from tests.support.reporter import (
    DRAFT_RE,
    Report,
    bind_from,
    code_sign_in,
    csrf_from,
    open_case,
    post_form,
    send_review,
    submit_report,
)
from tests.support.settings import replace_settings
from tests.support.uploads import multipart
from wbs_app.db import app_database
from wbs_app.models import Attachment, Case, PendingFile
from wbs_app.security.reporter_auth import COOKIE, COOKIE_PATH
from wbs_app.settings import settings

DRAFT_FULL = "Laporan Anda sudah memuat berkas sebanyak"
CASE_FULL = "Laporan ini sudah memuat berkas sebanyak"
DRAFTS_FULL = "Berkas tidak dapat diterima saat ini"


def _count(app, model) -> int:
    with app_database(app).session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _ciphertexts(app) -> int:
    store = app.extensions["lentera.store"]
    return sum(1 for folder in (store.pending, store.files) for _ in folder.iterdir())


def _draft_of(response) -> str:
    return DRAFT_RE.search(response.get_data(as_text=True)).group(1)


def _reply(client, files: list[tuple[str, bytes]]):
    page = client.get("/lapor/kasus").get_data(as_text=True)
    body, content_type = multipart(
        [("csrf_token", csrf_from(page)), ("message", "Bukti tambahan")],
        [("evidence", name, content) for name, content in files],
    )
    return client.post("/lapor/kasus/pesan", data=body, content_type=content_type)


def test_posting_a_draft_again_adds_no_file_beyond_its_cap(make_app, org) -> None:
    app = make_app(MAX_FILES_PER_SUBMISSION=2)
    reporter = https_client(app)
    two = Report(unit=org.units["a"], files=[("a.txt", b"satu"), ("b.txt", b"dua")])
    review = post_form(reporter, two)
    assert review.status_code == 200
    draft = _draft_of(review)
    for attempt in range(3):
        more = Report(unit=org.units["a"], what=f"Tambahan {attempt}", files=[("c.txt", b"x")])
        again = post_form(reporter, more, draft=draft)
        assert again.status_code == 400
        page = again.get_data(as_text=True)
        assert DRAFT_FULL in page and f"Tambahan {attempt}" in page  # the text is kept
        draft = _draft_of(again)
    assert _count(app, PendingFile) == 2 and _ciphertexts(app) == 2


def test_a_draft_holds_at_most_its_bytes(make_app, org) -> None:
    app = make_app(MAX_DRAFT_BYTES=100_000)
    reporter = https_client(app)
    review = post_form(reporter, Report(unit=org.units["a"], files=[("a.bin", b"a" * 60_000)]))
    assert review.status_code == 200
    again = post_form(
        reporter,
        Report(unit=org.units["a"], files=[("b.bin", b"b" * 60_000)]),
        draft=_draft_of(review),
    )
    assert again.status_code == 400 and DRAFT_FULL in again.get_data(as_text=True)
    assert _count(app, PendingFile) == 1 and _ciphertexts(app) == 1


def test_the_caps_are_checked_again_at_send(make_app, org) -> None:
    app = make_app(MAX_FILES_PER_SUBMISSION=2)
    reporter = https_client(app)
    review = post_form(
        reporter, Report(unit=org.units["a"], files=[("a.txt", b"1"), ("b.txt", b"2")])
    )
    assert review.status_code == 200
    caps = settings(app).disk_caps
    replace_settings(app, disk_caps=dataclasses.replace(caps, files_per_draft=1))
    refused = send_review(reporter, review.get_data(as_text=True))
    assert refused.status_code == 400
    assert DRAFT_FULL in refused.get_data(as_text=True)
    assert _count(app, Case) == 0


def test_a_sent_case_takes_evidence_up_to_its_cap(make_app, org) -> None:
    app = make_app(MAX_FILES_PER_CASE=2, MAX_FILES_PER_SUBMISSION=2)
    reporter = https_client(app)
    receipt = submit_report(reporter, Report(unit=org.units["a"], files=[("a.txt", b"awal")]))
    assert open_case(reporter, receipt).status_code in (302, 303)
    refused = _reply(reporter, [("b.txt", b"dua"), ("c.txt", b"tiga")])
    assert refused.status_code in (302, 303)
    assert CASE_FULL in reporter.get("/lapor/kasus").get_data(as_text=True)
    assert _count(app, Attachment) == 1 and _ciphertexts(app) == 1
    assert _reply(reporter, [("b.txt", b"dua")]).status_code in (302, 303)
    assert _count(app, Attachment) == 2


def test_the_drafts_budget_refuses_new_uploads_with_503_and_nothing_else(make_app, org) -> None:
    app = make_app(DRAFT_BYTES_BUDGET=128 * 1024)
    sent = https_client(app)
    receipt = submit_report(sent, Report(unit=org.units["a"]))
    holder = https_client(app)
    held = post_form(holder, Report(unit=org.units["a"], files=[("a.bin", b"a" * 100_000)]))
    assert held.status_code == 200  # 128 KiB rounded: the budget is now full

    late = https_client(app)
    refused = post_form(late, Report(unit=org.units["a"], files=[("b.bin", b"b" * 1000)]))
    assert refused.status_code == 503
    assert DRAFTS_FULL in refused.get_data(as_text=True)
    assert refused.headers["Retry-After"]
    assert _count(app, PendingFile) == 1 and _ciphertexts(app) == 1

    # A report without files is still saved; a sent case still takes evidence.
    assert post_form(https_client(app), Report(unit=org.units["a"])).status_code == 200
    assert open_case(sent, receipt).status_code in (302, 303)
    assert _reply(sent, [("bukti.txt", b"bukti")]).status_code in (302, 303)
    assert _count(app, Attachment) == 1

    # A post kept without a session (anyone can make one) waits within the same budget.
    stranger = https_client(app)
    page = stranger.get("/lapor/masuk").get_data(as_text=True)
    body, content_type = multipart(
        [("csrf_token", csrf_from(page)), ("message", "Halo"), ("bind", "0" * 32)],
        [("evidence", "c.bin", b"c" * 1000)],
    )
    kept = stranger.post("/lapor/kasus/pesan", data=body, content_type=content_type)
    assert kept.status_code == 503 and DRAFTS_FULL in kept.get_data(as_text=True)
    assert _count(app, PendingFile) == 1

    # Sending the held draft frees its share of the budget.
    assert send_review(holder, held.get_data(as_text=True)).status_code == 200
    again = post_form(late, Report(unit=org.units["a"], files=[("b.bin", b"b" * 1000)]))
    assert again.status_code == 200
    assert re.search(r"b\.bin", again.get_data(as_text=True))


def test_a_kept_reply_joins_its_case_only_within_the_caps(make_app, org) -> None:
    """A reply kept after its session (then sent by the receipt) is not a way around the cap."""
    app = make_app(MAX_FILES_PER_CASE=2, MAX_FILES_PER_SUBMISSION=2)
    reporter = https_client(app)
    receipt = submit_report(reporter, Report(unit=org.units["a"], files=[("a.txt", b"awal")]))
    assert open_case(reporter, receipt).status_code in (302, 303)
    page = reporter.get("/lapor/kasus").get_data(as_text=True)
    reporter.delete_cookie(COOKIE, path=COOKIE_PATH)  # the session is gone: the post is kept
    body, content_type = multipart(
        [("csrf_token", csrf_from(page)), ("bind", bind_from(page)), ("message", "Simpan")],
        [("evidence", "b.txt", b"dua"), ("evidence", "c.txt", b"tiga")],
    )
    kept = reporter.post("/lapor/kasus/pesan", data=body, content_type=content_type)
    assert kept.status_code == 200 and _count(app, PendingFile) == 2
    signed_in = code_sign_in(
        reporter, kept.get_data(as_text=True), "/lapor/masuk", "receipt", receipt
    )
    assert signed_in.status_code == 302
    assert CASE_FULL in reporter.get("/lapor/kasus").get_data(as_text=True)
    assert _count(app, Attachment) == 1 and _count(app, PendingFile) == 0
