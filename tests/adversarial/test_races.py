"""Races a careful reviewer found: a draft sent twice at once, a database busy beyond its timeout.

Neither may end in a 500 or a half-made case: the one draft makes one case,
and a request that cannot get SQLite's write lock in time is told to come
back (503 with Retry-After), its transaction rolled back.
"""

from __future__ import annotations

import io
import os
import sqlite3
import threading

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.support.http import https_client
from tests.support.reporter import DRAFT_RE, RECEIPT_RE, Report, csrf_from, post_form
from wbs_app.db import app_database
from wbs_app.models import Case, PendingFile, SubmissionDraft

DRAFT_GONE = "laporan yang belum terkirim sudah kedaluwarsa"


def _count(app, model) -> int:
    with app_database(app).session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_one_draft_sent_five_times_at_once_makes_one_case(make_app, org) -> None:
    # Argon2 slow enough (and a bound wide enough) that all five have read the
    # draft before the first commits: the race, not a queue.
    app = make_app(ARGON2_TIME_COST=2, ARGON2_MEMORY_KIB=32768, ARGON2_CONCURRENCY=5)
    review = post_form(https_client(app), Report(unit=org.units["a"])).get_data(as_text=True)
    draft = DRAFT_RE.search(review).group(1)
    senders = []
    for _ in range(5):  # five tabs, each with its own session and CSRF token
        client = https_client(app)
        token = csrf_from(client.get("/lapor/formulir").get_data(as_text=True))
        senders.append((client, token))
    start = threading.Barrier(len(senders))
    answers: list[tuple[int, str]] = []

    def send(client, token) -> None:
        start.wait()
        response = client.post("/lapor/kirim", data={"csrf_token": token, "draft": draft})
        answers.append((response.status_code, response.get_data(as_text=True)))

    threads = [threading.Thread(target=send, args=sender) for sender in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200, 400, 400, 400, 400], statuses
    receipts = [RECEIPT_RE.search(page) for status, page in answers if status == 200]
    assert len(receipts) == 1 and receipts[0] is not None
    assert _count(app, Case) == 1 and _count(app, SubmissionDraft) == 0


def test_a_write_that_cannot_get_the_lock_is_told_to_come_back(make_app, org) -> None:
    app = make_app(SQLITE_BUSY_TIMEOUT_MS=100)
    if app_database(app).engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single writer; PostgreSQL locks rows")
    reporter = https_client(app)
    page = reporter.get("/lapor/formulir").get_data(as_text=True)
    holder = sqlite3.connect(app_database(app).engine.url.database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock past the timeout
        landing = https_client(app).get("/")
        assert landing.status_code == 200, "reads go on"
        response = reporter.post(
            "/lapor/formulir",
            data={"draft": "", "csrf_token": csrf_from(page), "unit": "1", "what": "x"},
            content_type="multipart/form-data",
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert "Layanan sedang sibuk" in response.get_data(as_text=True)
    assert _count(app, SubmissionDraft) == 0


class _SentMidStream(io.BytesIO):
    """A request body that, halfway through, lets another tab send the draft."""

    def __init__(self, body: bytes, meanwhile) -> None:
        super().__init__(body)
        self.half, self.meanwhile = len(body) // 2, meanwhile

    def _maybe(self) -> None:
        if self.meanwhile and self.tell() > self.half:
            meanwhile, self.meanwhile = self.meanwhile, None
            meanwhile()

    def read(self, size: int | None = -1) -> bytes:
        self._maybe()
        return super().read(min(size, 8192) if size and size > 0 else 8192)

    def readline(self, size: int | None = -1) -> bytes:
        self._maybe()
        return super().readline(size)

    def readinto(self, buffer) -> int:
        self._maybe()
        return super().readinto(memoryview(buffer)[:8192])

    read1 = read


def test_a_draft_sent_elsewhere_while_a_file_streams_in_is_said_plainly(app, org, instance_path):
    reporter = https_client(app)
    review = post_form(reporter, Report(unit=org.units["a"])).get_data(as_text=True)
    draft = DRAFT_RE.search(review).group(1)
    page = reporter.get("/lapor/formulir").get_data(as_text=True)
    fields = MultiDict(
        [
            ("draft", draft),
            ("csrf_token", csrf_from(page)),
            ("unit", str(org.units["a"])),
            ("category", "1"),
            ("what", "tambahan"),
            ("evidence", FileStorage(io.BytesIO(os.urandom(300_000)), "bukti.bin")),
        ]
    )
    boundary, body = encode_multipart(fields)

    def other_tab_sends() -> None:
        other = https_client(app)
        token = csrf_from(other.get("/lapor/formulir").get_data(as_text=True))
        sent = other.post("/lapor/kirim", data={"csrf_token": token, "draft": draft})
        assert sent.status_code == 200
        done.append(True)

    done: list[bool] = []
    response = reporter.post(
        "/lapor/formulir",
        input_stream=_SentMidStream(body, other_tab_sends),
        content_type=f"multipart/form-data; boundary={boundary}",
        content_length=len(body),
    )
    assert done, "the other tab sent the draft while the file streamed"
    assert response.status_code == 400, "not a 500"
    assert DRAFT_GONE in response.get_data(as_text=True)
    assert _count(app, Case) == 1 and _count(app, SubmissionDraft) == 0
    with app_database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(PendingFile)) == 0
    pending = instance_path / "attachments" / "pending"
    assert not pending.exists() or not any(pending.iterdir()), "the streamed file is discarded"
