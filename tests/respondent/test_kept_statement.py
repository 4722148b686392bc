"""A defence statement written for longer than the respondent's session lasts is kept, then sent.

The same promise as the reporter's reply (``tests/reporter/test_kept_reply.py``):
the body is received after the session ended, kept encrypted under a fresh
key that only the code page holds, and submitted once the invitation code is
entered again, files re-encrypted to the invitation's key.
"""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from crypto import generate_code
from tests.support.http import HELD_RE
from tests.support.leaks import database_dump, tree_bytes
from tests.support.reporter import bind_from, code_sign_in, csrf_from
from tests.support.respondent import investigating_case, invite, respondent_client
from wbs_app.db import app_database
from wbs_app.models import HeldMessage, JournalEntry, PendingFile, RespondentSession

STATEMENT = "PEMBELAANRAHASIA saya bertugas di ruang arsip pada hari itu"
EVIDENCE = b"SURATTUGASRAHASIA " * 10_000  # three stream chunks
KEPT_NOTICE = "Tanggapan Anda disimpan"


def _post_statement(client, page: str):
    data = MultiDict(
        [
            ("csrf_token", csrf_from(page)),
            ("bind", bind_from(page)),
            ("statement", STATEMENT),
            ("evidence", (io.BytesIO(EVIDENCE), "surat-tugas.pdf")),
        ]
    )
    return client.post("/klarifikasi/pernyataan", data=data, content_type="multipart/form-data")


def _login(client, page: str, code: str):
    return code_sign_in(client, page, "/klarifikasi/masuk", "code", code)


def _count(app, model) -> int:
    with app_database(app).session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_statement_after_idle_expiry_is_kept_then_submitted_after_a_wrong_and_a_right_code(
    app, org, reporter, instance_path, moved_clock
) -> None:
    budi, case_id = investigating_case(app, org, reporter)
    code = invite(budi, case_id)
    client, _ = respondent_client(app, code)
    page = client.get("/klarifikasi/").get_data(as_text=True)
    moved_clock.advance(minutes=int(app.config["REPORTER_SESSION_IDLE_MINUTES"]) + 1)

    kept = _post_statement(client, page)
    body = kept.get_data(as_text=True)
    assert kept.status_code == 200, (kept.status_code, kept.headers.get("Location"))
    assert KEPT_NOTICE in body and HELD_RE.search(body)
    assert STATEMENT not in body and "surat-tugas" not in body
    stored = tree_bytes(instance_path) + database_dump(app)
    for secret in (STATEMENT.encode(), b"SURATTUGASRAHASIA", b"surat-tugas", code.encode()):
        assert secret not in stored
    assert code.replace(" ", "").encode() not in stored
    assert _count(app, HeldMessage) == 1

    wrong = _login(client, body, generate_code())
    wrong_page = wrong.get_data(as_text=True)
    assert wrong.status_code == 404 and KEPT_NOTICE in wrong_page
    assert HELD_RE.search(wrong_page).group(1) == HELD_RE.search(body).group(1)

    right = _login(client, wrong_page, client.new_code)  # the code the first sign-in gave
    assert right.status_code == 302 and right.headers["Location"].endswith("/klarifikasi/")
    home = client.get("/klarifikasi/").get_data(as_text=True)
    assert "Tanggapan Anda telah diterima." in home and STATEMENT in home
    assert "surat-tugas.pdf" in home
    with app_database(app).session() as session:
        assert session.scalar(select(HeldMessage.outcome)) == "sent"
        assert session.scalar(select(HeldMessage.sealed_payload)) == b""
    assert _count(app, PendingFile) == 0
    assert list(app.extensions["lentera.store"].pending.iterdir()) == []

    handler_page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert STATEMENT in handler_page
    link = re.search(r'href="(/staf/pengelola/kasus/\d+/undangan/\w+/berkas/\d+)"', handler_page)
    with budi.get(link.group(1)) as download:
        assert download.get_data() == EVIDENCE
    with app_database(app).session() as session:
        kinds = list(
            session.scalars(select(JournalEntry.kind).where(JournalEntry.case_id == case_id))
        )
    assert kinds.count("statement_received") == 1
    assert app.test_cli_runner().invoke(args=["wbs", "verify-journals"]).exit_code == 0


def test_a_statement_after_absolute_expiry_is_kept_too(app, org, reporter) -> None:
    budi, case_id = investigating_case(app, org, reporter)
    code = invite(budi, case_id)
    client, _ = respondent_client(app, code)
    page = client.get("/klarifikasi/").get_data(as_text=True)
    with app_database(app).session() as session:
        for row in session.scalars(select(RespondentSession)):
            row.expires_at = row.last_seen_at
    kept = _post_statement(client, page)
    assert kept.status_code == 200 and KEPT_NOTICE in kept.get_data(as_text=True)
    assert _login(client, kept.get_data(as_text=True), client.new_code).status_code == 302
    assert STATEMENT in client.get("/klarifikasi/").get_data(as_text=True)


def test_a_kept_statement_past_the_deadline_is_refused_plainly(
    app, org, reporter, moved_clock
) -> None:
    """The deadline is the rule for a live session too: the code page says so, nothing is added."""
    budi, case_id = investigating_case(app, org, reporter)
    code = invite(budi, case_id)
    client, _ = respondent_client(app, code)
    page = client.get("/klarifikasi/").get_data(as_text=True)
    moved_clock.advance(days=int(app.config["DEADLINE_RESPONDENT_DAYS"]) + 1)
    kept = _post_statement(client, page)
    assert kept.status_code == 200 and KEPT_NOTICE in kept.get_data(as_text=True)
    assert _login(client, kept.get_data(as_text=True), client.new_code).status_code == 302
    home = client.get("/klarifikasi/").get_data(as_text=True)
    assert "Batas waktu telah lewat." in home and STATEMENT not in home
    assert _count(app, PendingFile) == 0
    assert list(app.extensions["lentera.store"].pending.iterdir()) == []
