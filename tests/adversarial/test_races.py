"""Races: a draft sent twice at once, an activation link used twice, a database busy too long.

None may end in a 500 or a half-made record: the one draft makes one case, the
one activation link one account, two people choosing one username at once
and two password changes at once are told plainly, and a request that cannot
get SQLite's write lock in time is told to come back (503 with Retry-After),
its transaction rolled back.
"""

from __future__ import annotations

import io
import os
import sqlite3

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.support.http import https_client
from tests.support.races import SLOW_ENOUGH, at_once, runs_meet
from tests.support.reporter import (
    DRAFT_RE,
    NEW_DRAFT_RE,
    RECEIPT_RE,
    Report,
    csrf_from,
    post_form,
)
from tests.support.staff import activation_fields, enrolment_fields
from wbs_app.db import app_database
from wbs_app.models import (
    AuditEvent,
    Case,
    PendingFile,
    StaffIdentity,
    StaffMember,
    StaffStatus,
    SubmissionDraft,
    Unit,
)

DRAFT_GONE = "laporan yang belum terkirim sudah kedaluwarsa"
SENT = "Laporan Anda sudah terkirim dan diterima"
LINK_NOT_VALID = "Tautan ini tidak berlaku"
NEW_PASSWORD = "Tanjung-Bira-pasir-putih"


def _count(app, model) -> int:
    with app_database(app).session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_one_draft_sent_five_times_at_once_makes_one_case(make_app, org) -> None:
    # Argon2 slow enough (and bounds wide enough: the Argon2 gate's and the
    # send lanes') that all five have read the draft before the first commits:
    # the race, not a queue. Such bounds need a server with more threads.
    app = make_app(
        ARGON2_TIME_COST=2,
        ARGON2_MEMORY_KIB=32768,
        ARGON2_CONCURRENCY=5,
        SEND_CONCURRENCY=5,
        THREADS=96,
    )
    review = post_form(https_client(app), Report(unit=org.units["a"])).get_data(as_text=True)
    draft = DRAFT_RE.search(review).group(1)
    senders = []
    for _ in range(5):  # five tabs, each with its own session and CSRF token
        client = https_client(app)
        token = csrf_from(client.get("/lapor/formulir").get_data(as_text=True))
        senders.append((client, {"csrf_token": token, "draft": draft}))
    answers = at_once("/lapor/kirim", senders)
    # Every tab is sent to the one receipt page (the others found the draft sent):
    # whichever opens it first shows the receipt, the rest say it was sent.
    assert [status for status, _ in answers] == [303] * 5, answers
    assert len({location for _, location in answers}) == 1
    pages = [client.get(answers[0][1]).get_data(as_text=True) for client, _ in senders]
    receipts = [page for page in pages if RECEIPT_RE.search(page)]
    assert len(receipts) == 1, "the receipt is shown exactly once"
    assert all(SENT in page for page in pages if page not in receipts)
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
        assert sent.status_code == 303
        done.append(True)

    done: list[bool] = []
    response = reporter.post(
        "/lapor/formulir",
        input_stream=_SentMidStream(body, other_tab_sends),
        content_type=f"multipart/form-data; boundary={boundary}",
        content_length=len(body),
    )
    assert done, "the other tab sent the draft while the file streamed"
    assert response.status_code == 303, "not a 500, and not 'expired': it was sent"
    page = reporter.get(response.headers["Location"]).get_data(as_text=True)
    assert DRAFT_GONE not in page
    assert RECEIPT_RE.search(page), "the other tab never opened its receipt page: shown here"
    assert _count(app, Case) == 1 and _count(app, SubmissionDraft) == 0
    with app_database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(PendingFile)) == 0
    pending = instance_path / "attachments" / "pending"
    assert not pending.exists() or not any(pending.iterdir()), "the streamed file is discarded"


def test_the_same_first_post_sent_twice_at_once_makes_one_draft(app, org, instance_path):
    """A double click on the empty form's button: both posts name the same new draft."""
    reporter = https_client(app)
    page = reporter.get("/lapor/formulir").get_data(as_text=True)
    fields = [
        ("draft", ""),
        ("new_draft", NEW_DRAFT_RE.search(page).group(1)),
        ("csrf_token", csrf_from(page)),
        ("unit", str(org.units["a"])),
        ("category", "1"),
        ("what", "KLIK-DUA-KALI"),
    ]
    evidence = os.urandom(300_000)
    boundary, body = encode_multipart(
        MultiDict([*fields, ("evidence", FileStorage(io.BytesIO(evidence), "bukti.bin"))])
    )
    stored: list[str] = []

    def the_other_click() -> None:
        again = MultiDict([*fields, ("evidence", FileStorage(io.BytesIO(evidence), "bukti.bin"))])
        other = reporter.post("/lapor/formulir", data=again, content_type="multipart/form-data")
        assert other.status_code == 200
        stored.append(DRAFT_RE.search(other.get_data(as_text=True)).group(1))

    response = reporter.post(
        "/lapor/formulir",
        input_stream=_SentMidStream(body, the_other_click),
        content_type=f"multipart/form-data; boundary={boundary}",
        content_length=len(body),
    )
    assert stored, "the other click stored the draft while this one streamed"
    assert response.status_code == 200, "not a 500"
    review = response.get_data(as_text=True)
    assert DRAFT_RE.search(review).group(1) == stored[0] and "KLIK-DUA-KALI" in review
    assert review.count("bukti.bin") == 1, "the file is attached once"
    assert _count(app, SubmissionDraft) == 1 and _count(app, PendingFile) == 1
    pending = instance_path / "attachments" / "pending"
    assert len(list(pending.iterdir())) == 1, "the second copy of the file is discarded"


def _activation_form(client, token: str, username: str) -> dict[str, str]:
    page = client.get(f"/staf/aktivasi?kode={token}").get_data(as_text=True)
    return enrolment_fields(page) | activation_fields(token, username, NEW_PASSWORD)


def _invitation(app, email: str) -> str:
    from wbs_app.models import StaffRole
    from wbs_app.services.staff import accounts

    with app_database(app).session() as session:
        unit = session.scalar(select(Unit.id))
        name = email.split("@")[0].title()  # display names are unique (issue 17)
        _, token = accounts.invite(session, None, email, name, StaffRole.INVESTIGATOR, [unit])
    return token


# Argon2 slow enough that both requests have passed their checks before
# either stores its account: the race, not a queue.
def test_one_activation_link_sent_from_two_tabs_at_once_makes_one_account(make_app, org) -> None:
    app = make_app(**SLOW_ENOUGH)
    token = _invitation(app, "andi@kanwil.example")
    tabs = [https_client(app), https_client(app)]
    answers = at_once(
        "/staf/aktivasi", [(tab, _activation_form(tab, token, "andi")) for tab in tabs]
    )
    assert [status for status, _ in answers] == [302, 404], answers
    assert LINK_NOT_VALID in answers[1][1]
    with app_database(app).session() as session:
        staff = session.scalar(select(StaffMember).where(StaffMember.username == "andi"))
        assert staff is not None and staff.status is StaffStatus.ACTIVE
        identities = session.scalars(
            select(StaffIdentity).where(StaffIdentity.staff_id == staff.id)
        ).all()
        assert [identity.generation for identity in identities] == [1]


def test_two_people_choosing_one_username_at_once_are_told_plainly(
    make_app, org, monkeypatch
) -> None:
    app = make_app(**SLOW_ENOUGH)
    first = _invitation(app, "andi@kanwil.example")
    second = _invitation(app, "andika@kanwil.example")
    andi, andika = https_client(app), https_client(app)
    forms = [_activation_form(andi, first, "andi"), _activation_form(andika, second, "andi")]
    runs_meet(monkeypatch, 2)
    answers = at_once("/staf/aktivasi", list(zip((andi, andika), forms, strict=True)))
    assert [status for status, _ in answers] == [302, 400], answers
    assert "Nama pengguna itu sudah dipakai" in answers[1][1]
    with app_database(app).session() as session:
        names = session.scalars(select(StaffMember.username)).all()
        assert names.count("andi") == 1


def test_two_password_changes_at_once_keep_one_and_refuse_the_other(
    make_app, org, monkeypatch
) -> None:
    from tests.support.staff import csrf_token, sign_in

    app = make_app(**SLOW_ENOUGH)
    desks = [https_client(app), https_client(app)]  # the same person signed in twice
    for desk in desks:
        assert sign_in(app, desk, org.budi).status_code == 302
    posts = []
    for number, desk in enumerate(desks):
        new = f"Bantimurung-air-terjun-{number}"
        posts.append(
            (
                desk,
                {
                    "csrf_token": csrf_token(desk, "/staf/kata-sandi"),
                    "current": org.budi.password,
                    "password": new,
                    "password_confirm": new,
                },
            )
        )
    runs_meet(monkeypatch, 2)  # both open the old seal before either stores a new one
    answers = at_once("/staf/kata-sandi", posts)
    assert [status for status, _ in answers] == [302, 400], answers
    assert "Akun ini diubah di tempat lain" in answers[1][1]
    with app_database(app).session() as session:
        changes = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "password_changed")
        ).all()
        assert len(changes) == 1
