"""A reply written for longer than the reporter's session lasts is kept, then sent.

The reporter reads the case, writes for a while, attaches evidence, presses
Send: the session has ended meanwhile (idle, absolute expiry, or its cookie
is gone). The body is received anyway; text and files are kept encrypted
under a fresh key whose only copy is in the code page that answers; after
the receipt is entered again the message and its files reach the case.
"""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.support.http import HELD_RE, https_client
from tests.support.leaks import database_dump, tree_bytes
from tests.support.reporter import (
    Report,
    bind_from,
    code_sign_in,
    csrf_from,
    open_case,
    submit_report,
)
from tests.support.uploads import multipart
from wbs_app.db import app_database
from wbs_app.models import Attachment, CaseRecord, HeldMessage, PendingFile, ReporterSession
from wbs_app.security.reporter_auth import COOKIE, COOKIE_PATH

MESSAGE = "PESANRAHASIA jam 9 pagi petugas loket 2 menerima amplop"
FIRST = b"BERKASRAHASIA-satu " * 12_000  # about 230 KB: four stream chunks
SECOND = b"BERKASRAHASIA-dua"
KEPT_NOTICE = "Pesan Anda disimpan"


def _signed_in(app, receipt: str):
    """A reporter on the case page: the browser and the page (with the reply form)."""
    visitor = https_client(app)
    assert open_case(visitor, receipt).status_code == 302
    return visitor, visitor.get("/lapor/kasus").get_data(as_text=True)


def _end_session(app, visitor, how: str, moved_clock) -> None:
    if how == "idle":
        moved_clock.advance(minutes=int(app.config["REPORTER_SESSION_IDLE_MINUTES"]) + 1)
    elif how == "absolute":
        with app_database(app).session() as session:
            for row in session.scalars(select(ReporterSession)):
                row.expires_at = row.last_seen_at
    else:  # the cookie is gone (another tab's redirect cleared it, say)
        visitor.delete_cookie(COOKIE, path=COOKIE_PATH)


def _reply(visitor, page: str, files=((FIRST, "foto-amplop.jpg"), (SECOND, "catatan.txt"))):
    data = MultiDict(
        [("csrf_token", csrf_from(page)), ("bind", bind_from(page)), ("message", MESSAGE)]
        + [("evidence", (io.BytesIO(content), name)) for content, name in files]
    )
    return visitor.post("/lapor/kasus/pesan", data=data, content_type="multipart/form-data")


def _login(visitor, page: str, receipt: str):
    return code_sign_in(visitor, page, "/lapor/masuk", "receipt", receipt)


def _login_again(visitor, page: str, receipt: str):
    """The same kept message sent a second time (a double click: the sign-in renewed the token)."""
    fresh = visitor.get("/lapor/masuk").get_data(as_text=True)
    return visitor.post(
        "/lapor/masuk",
        data={
            "csrf_token": csrf_from(fresh),
            "receipt": receipt,
            "held": HELD_RE.search(page).group(1),
        },
    )


def _count(app, model) -> int:
    with app_database(app).session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _waiting(app) -> int:
    """Kept messages not settled yet; a settled one keeps only its outcome, no payload."""
    with app_database(app).session() as session:
        rows = list(session.scalars(select(HeldMessage)))
    assert all(row.sealed_payload == b"" for row in rows if row.outcome is not None)
    return sum(1 for row in rows if row.outcome is None)


def _thread_files(visitor, page: str) -> list[bytes]:
    found = []
    for file_id in re.findall(r"/lapor/kasus/berkas/(\d+)", page):
        with visitor.get(f"/lapor/kasus/berkas/{file_id}") as download:
            found.append(download.get_data())
    return found


@pytest.mark.parametrize("how", ["idle", "absolute", "cookie_lost"])
def test_a_reply_after_the_session_ended_is_kept_then_sent_with_its_files(
    app, org, reporter, instance_path, moved_clock, how
) -> None:
    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    visitor, page = _signed_in(app, receipt)
    _end_session(app, visitor, how, moved_clock)

    kept = _reply(visitor, page)
    body = kept.get_data(as_text=True)
    assert kept.status_code == 200, (kept.status_code, kept.headers.get("Location"))
    assert KEPT_NOTICE in body and "masukkan kode laporan" in body.lower()
    assert HELD_RE.search(body), "the code page carries the kept message's key"
    assert MESSAGE not in body and "foto-amplop.jpg" not in body  # nothing of it on the page
    # Kept encrypted: no plaintext, no receipt, on disk or in the database.
    stored = tree_bytes(instance_path) + database_dump(app)
    for secret in (MESSAGE.encode(), b"BERKASRAHASIA", b"foto-amplop", receipt.encode()):
        assert secret not in stored
    assert receipt.replace(" ", "").encode() not in stored
    assert _waiting(app) == 1 and _count(app, PendingFile) == 2

    sent = _login(visitor, body, receipt)
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/lapor/kasus")
    assert receipt.replace(" ", "") not in sent.headers["Location"]
    case_page = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert "Pesan Anda telah dikirim kepada tim." in case_page
    assert MESSAGE in case_page and "foto-amplop.jpg" in case_page
    assert _thread_files(visitor, case_page) == [FIRST, SECOND]
    assert _waiting(app) == 0 and _count(app, PendingFile) == 0
    store = app.extensions["lentera.store"]
    assert list(store.pending.iterdir()) == [], "the kept files were re-encrypted, then removed"
    with app_database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(Attachment)) == 2
        kinds = list(session.scalars(select(CaseRecord.kind)))
    assert kinds.count("message") == 1

    again = _login_again(visitor, body, receipt)
    assert again.status_code == 302
    assert "Pesan Anda telah dikirim kepada tim." in visitor.get("/lapor/kasus").get_data(
        as_text=True
    )
    with app_database(app).session() as session:
        assert list(session.scalars(select(CaseRecord.kind))).count("message") == 1


def test_a_wrong_code_keeps_the_message_for_another_try(app, org, reporter, moved_clock) -> None:
    from crypto import generate_code

    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    visitor, page = _signed_in(app, receipt)
    _end_session(app, visitor, "idle", moved_clock)
    body = _reply(visitor, page).get_data(as_text=True)
    held = HELD_RE.search(body).group(1)

    wrong = _login(visitor, body, generate_code())
    wrong_page = wrong.get_data(as_text=True)
    assert wrong.status_code == 404 and "Tidak ada laporan" in wrong_page
    assert HELD_RE.search(wrong_page).group(1) == held and KEPT_NOTICE in wrong_page
    digits = receipt.replace(" ", "")
    typo = digits[:3] + str((int(digits[3]) + 1) % 10) + digits[4:]
    mistyped = _login(visitor, wrong_page, typo)
    mistyped_page = mistyped.get_data(as_text=True)
    assert mistyped.status_code == 400 and HELD_RE.search(mistyped_page).group(1) == held
    assert _waiting(app) == 1

    right = _login(visitor, mistyped_page, receipt)
    assert right.status_code == 302
    case_page = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert MESSAGE in case_page and "Pesan Anda telah dikirim kepada tim." in case_page
    assert _thread_files(visitor, case_page) == [FIRST, SECOND]


def test_a_kept_reply_goes_only_to_the_report_it_was_written_to(
    app, org, reporter, moved_clock
) -> None:
    """A reporter with two receipts: the reply written on one is never sent to the other.

    The other report may be another unit's, whose handlers must not read a
    message meant for the first one's (found in review: it was delivered).
    """
    first = submit_report(reporter, Report(unit=org.units["a"]))
    second = submit_report(https_client(app), Report(unit=org.units["b"], what="laporan kedua"))
    visitor, page = _signed_in(app, first)
    _end_session(app, visitor, "idle", moved_clock)
    body = _reply(visitor, page).get_data(as_text=True)
    held = HELD_RE.search(body).group(1)

    other = _login(visitor, body, second)
    other_page = other.get_data(as_text=True)
    assert other.status_code == 409, (other.status_code, other.headers.get("Location"))
    assert "laporan lain" in other_page and HELD_RE.search(other_page).group(1) == held
    assert COOKIE not in (other.headers.get("Set-Cookie") or "")
    assert _waiting(app) == 1
    with app_database(app).session() as session:
        assert list(session.scalars(select(CaseRecord.kind))).count("message") == 0
    opened = https_client(app)
    assert open_case(opened, second).status_code == 302
    assert MESSAGE not in opened.get("/lapor/kasus").get_data(as_text=True)

    right = _login(visitor, other_page, first)
    assert right.status_code == 302
    case_page = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert MESSAGE in case_page and _thread_files(visitor, case_page) == [FIRST, SECOND]


def test_a_post_that_names_no_report_is_not_kept(app, org, reporter, moved_clock) -> None:
    """Only a reply form drawn in a live visit can be kept: a post without its binding is not."""
    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    visitor, page = _signed_in(app, receipt)
    _end_session(app, visitor, "idle", moved_clock)
    data = MultiDict([("csrf_token", csrf_from(page)), ("message", MESSAGE)])
    posted = visitor.post("/lapor/kasus/pesan", data=data, content_type="multipart/form-data")
    assert posted.status_code == 302 and _waiting(app) == 0


def test_a_kept_message_expires_like_a_draft_and_its_files_are_swept(
    app, org, reporter, moved_clock
) -> None:
    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    visitor, page = _signed_in(app, receipt)
    _end_session(app, visitor, "idle", moved_clock)
    body = _reply(visitor, page).get_data(as_text=True)
    store = app.extensions["lentera.store"]
    assert len(list(store.pending.iterdir())) == 2

    moved_clock.advance(hours=int(app.config["DRAFT_HOURS"]) - 1)
    app.test_cli_runner().invoke(args=["wbs", "sweep"])
    assert _count(app, HeldMessage) == 1 and len(list(store.pending.iterdir())) == 2

    moved_clock.advance(hours=2 + 24)  # its expiry is a whole day (issue 18): up to a day more
    app.test_cli_runner().invoke(args=["wbs", "sweep"])
    moved_clock.advance(hours=2)  # past the upload grace of the files it no longer claims
    result = app.test_cli_runner().invoke(args=["wbs", "sweep"])
    assert result.exit_code == 0
    assert _count(app, HeldMessage) == 0 and _count(app, PendingFile) == 0
    assert list(store.pending.iterdir()) == []

    late = _login(visitor, body, receipt)
    assert late.status_code == 302  # the code still opens the case, and says what happened
    case_page = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert "belum terkirim sudah tidak tersimpan lagi" in case_page and MESSAGE not in case_page


def test_a_reply_to_a_closed_case_after_the_session_ended_says_so(
    app, org, reporter, moved_clock
) -> None:
    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    visitor, page = _signed_in(app, receipt)
    visitor.post("/lapor/kasus/cabut", data={"csrf_token": csrf_from(page), "reason": "selesai"})
    # A withdrawn case takes messages for a while (services.cases.reporter_channel); past that
    # period (which ends the visit too), the kept reply is refused.
    moved_clock.advance(days=int(app.config["REPORTER_CHANNEL_DAYS_AFTER_CLOSE"]) + 1)
    body = _reply(visitor, page).get_data(as_text=True)
    assert _login(visitor, body, receipt).status_code == 302
    case_page = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert "Laporan ini sudah ditutup" in case_page and MESSAGE not in case_page
    assert _waiting(app) == 0 and _count(app, PendingFile) == 0
    assert list(app.extensions["lentera.store"].pending.iterdir()) == []
    assert _login_again(visitor, body, receipt).status_code == 302  # the same answer again
    assert "Laporan ini sudah ditutup" in visitor.get("/lapor/kasus").get_data(as_text=True)


def test_a_post_without_the_browsers_csrf_token_keeps_nothing(
    app, org, reporter, moved_clock
) -> None:
    """Whoever next types a receipt here would send a kept message: a forged one must not be."""
    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    visitor, page = _signed_in(app, receipt)
    _end_session(app, visitor, "idle", moved_clock)
    forged = _reply(https_client(app), page)
    assert forged.status_code == 400
    assert _count(app, HeldMessage) == 0 and _count(app, PendingFile) == 0
    assert list(app.extensions["lentera.store"].pending.iterdir()) == []


def test_an_empty_post_after_the_session_ended_goes_to_the_code_page(
    app, org, reporter, moved_clock
) -> None:
    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    visitor, page = _signed_in(app, receipt)
    _end_session(app, visitor, "idle", moved_clock)
    empty = visitor.post(
        "/lapor/kasus/pesan",
        data={"csrf_token": csrf_from(page), "bind": bind_from(page), "message": "  "},
        content_type="multipart/form-data",
    )
    assert empty.status_code == 302 and empty.headers["Location"].endswith("/lapor/masuk")
    assert _count(app, HeldMessage) == 0


def test_a_reply_just_inside_the_idle_limit_is_sent_at_once(
    app, org, reporter, moved_clock
) -> None:
    """A live session sends as before: nothing of the kept path gets in the way."""
    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    visitor, page = _signed_in(app, receipt)
    moved_clock.advance(minutes=int(app.config["REPORTER_SESSION_IDLE_MINUTES"]) - 1)
    sent = _reply(visitor, page)
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/lapor/kasus")
    assert _count(app, HeldMessage) == 0
    assert MESSAGE in visitor.get("/lapor/kasus").get_data(as_text=True)


def test_one_kept_message_sent_from_five_tabs_at_once_arrives_once(make_app, org) -> None:
    """Every tab is told it was sent; the case has it once, with its files once."""
    import threading

    # Argon2 slow enough, and a bound wide enough, that the five sign-ins overlap.
    app = make_app(ARGON2_TIME_COST=2, ARGON2_MEMORY_KIB=32768, ARGON2_CONCURRENCY=5, THREADS=96)
    receipt = submit_report(https_client(app), Report(unit=org.units["a"]))
    visitor, page = _signed_in(app, receipt)
    visitor.delete_cookie(COOKIE, path=COOKIE_PATH)
    held = HELD_RE.search(_reply(visitor, page).get_data(as_text=True)).group(1)
    tabs = []
    for _ in range(5):
        client = https_client(app)
        token = csrf_from(client.get("/lapor/masuk").get_data(as_text=True))
        tabs.append((client, {"csrf_token": token, "receipt": receipt, "held": held}))
    start = threading.Barrier(len(tabs))
    statuses: list[int] = []

    def sign_in(client, data) -> None:
        start.wait()
        statuses.append(client.post("/lapor/masuk", data=data).status_code)

    threads = [threading.Thread(target=sign_in, args=tab) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [302] * 5
    for client, _ in tabs:
        assert "Pesan Anda telah dikirim kepada tim." in client.get("/lapor/kasus").get_data(
            as_text=True
        )
    with app_database(app).session() as session:
        assert list(session.scalars(select(CaseRecord.kind))).count("message") == 1
        assert session.scalar(select(func.count()).select_from(Attachment)) == 2
    assert _waiting(app) == 0 and list(app.extensions["lentera.store"].pending.iterdir()) == []
    assert _thread_files(tabs[0][0], tabs[0][0].get("/lapor/kasus").get_data(as_text=True)) == [
        FIRST,
        SECOND,
    ]


def test_a_full_argon2_gate_at_the_code_page_keeps_the_page_and_its_message(make_app, org) -> None:
    """The app's generic busy page would lose the kept message's key: the code page comes back."""
    from wbs_app.appctx import ARGON2_GATE
    from wbs_app.services.infra.argon2_gate import CODES

    app = make_app(ARGON2_QUEUE=0, ARGON2_WAIT_MS=0)
    receipt = submit_report(https_client(app), Report(unit=org.units["a"]))
    visitor, page = _signed_in(app, receipt)
    visitor.delete_cookie(COOKIE, path=COOKIE_PATH)
    body = _reply(visitor, page).get_data(as_text=True)
    with app.extensions[ARGON2_GATE].lane(CODES).slot():  # someone else's code login holds it
        busy = _login(visitor, body, receipt)
    busy_page = busy.get_data(as_text=True)
    assert busy.status_code == 503 and busy.headers["Retry-After"]
    assert KEPT_NOTICE in busy_page and "masih tersimpan" in busy_page
    assert HELD_RE.search(busy_page).group(1) == HELD_RE.search(body).group(1)
    assert _login(visitor, busy_page, receipt).status_code == 302
    assert MESSAGE in visitor.get("/lapor/kasus").get_data(as_text=True)


def test_a_large_kept_file_is_re_encrypted_in_constant_memory(app, org, reporter) -> None:
    """Sending a kept 24 MiB file allocates a few chunks' worth, not the file."""
    import tracemalloc

    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    visitor, page = _signed_in(app, receipt)
    visitor.delete_cookie(COOKIE, path=COOKIE_PATH)
    large = bytes(range(256)) * (24 * 2**20 // 256)
    raw, content_type = multipart(
        [("csrf_token", csrf_from(page)), ("bind", bind_from(page)), ("message", MESSAGE)],
        [("evidence", "rekaman.bin", large)],
    )
    kept = visitor.post("/lapor/kasus/pesan", data=raw, content_type=content_type)
    body = kept.get_data(as_text=True)
    assert kept.status_code == 200 and KEPT_NOTICE in body
    tracemalloc.start()
    try:
        sent = _login(visitor, body, receipt)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sent.status_code == 302
    assert peak < 4 * 2**20, f"peak {peak / 2**20:.1f} MiB while re-encrypting 24 MiB"
    assert _thread_files(visitor, visitor.get("/lapor/kasus").get_data(as_text=True)) == [large]


def test_a_kept_file_lost_from_disk_says_so_and_leaves_no_file_open(
    app, org, reporter, moved_clock
) -> None:
    """Another tab sent it and removed its files, or the disk lost one: nothing half-sent, no leak.

    The re-encryption opens a new pending file before it reads the kept one;
    if the kept one is gone the new one is closed, not left to the collector
    (a ``ResourceWarning`` that failed CI when another tab won the race).
    """
    import gc
    import warnings

    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    visitor, page = _signed_in(app, receipt)
    _end_session(app, visitor, "idle", moved_clock)
    body = _reply(visitor, page).get_data(as_text=True)
    store = app.extensions["lentera.store"]
    for path in store.pending.iterdir():
        path.unlink()

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        late = _login(visitor, body, receipt)
        gc.collect()
    assert not [w for w in seen if issubclass(w.category, ResourceWarning)]
    assert late.status_code == 302
    case_page = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert "belum terkirim sudah tidak tersimpan lagi" in case_page and MESSAGE not in case_page
    assert list(store.pending.iterdir()) == [], "the new pending file was removed too"
    with app_database(app).session() as session:
        assert list(session.scalars(select(CaseRecord.kind))).count("message") == 0
