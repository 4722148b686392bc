"""The reporter stays in the loop: through the decision, after closing, and when retaliated against.

Issue 15, item 3: from "keputusan" on the reporter could no longer answer a
question, add evidence or tell the team about retaliation, although the safety
guide tells them to. The thread now stays open in every status and for
``REPORTER_CHANNEL_DAYS_AFTER_CLOSE`` days after closing; a report of
retaliation marks the case for its handlers until one of them takes it up.
Everything through HTTP, as a browser without JavaScript would.
"""

from __future__ import annotations

import io
import re

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.support.casework import to_decision
from tests.support.http import HELD_RE, https_client
from tests.support.reporter import Report, bind_from, csrf_from, open_case, submit_report
from tests.support.staff import signed_in
from wbs_app.db import app_database
from wbs_app.models import Case, CaseRecord, JournalEntry
from wbs_app.services.cases import journal

CLOSED_WORDS = "tidak dapat lagi menerima pesan"
RETALIATION_FORM = 'action="/lapor/kasus/tindakan-balasan"'
INBOX_FLAG = "tindakan balasan dilaporkan"


def _reply(visitor, page: str, text: str, files=(), bind: str | None = None):
    data = [("csrf_token", csrf_from(page)), ("bind", bind or bind_from(page)), ("message", text)]
    data += [("evidence", (io.BytesIO(content), name)) for name, content in files]
    return visitor.post(
        "/lapor/kasus/pesan", data=MultiDict(data), content_type="multipart/form-data"
    )


def _retaliate(visitor, page: str, text: str, files=(), bind: str | None = None):
    """The "report retaliation" form: streamed like a reply (token first, files last)."""
    data = [("csrf_token", csrf_from(page)), ("bind", bind or bind_from(page)), ("account", text)]
    data += [("evidence", (io.BytesIO(content), name)) for name, content in files]
    return visitor.post(
        "/lapor/kasus/tindakan-balasan", data=MultiDict(data), content_type="multipart/form-data"
    )


def test_reporter_answers_and_adds_evidence_while_the_case_is_decided(app, org, reporter) -> None:
    receipt, case_id, budi = to_decision(app, org, reporter)
    visitor = https_client(app)
    open_case(visitor, receipt)
    page = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert 'action="/lapor/kasus/pesan"' in page and CLOSED_WORDS not in page
    sent = _reply(visitor, page, "JAWABAN-SETELAH-PUTUSAN", [("bukti2.txt", b"bukti baru")])
    assert sent.status_code == 302
    assert "Pesan Anda telah dikirim" in visitor.get("/lapor/kasus").get_data(as_text=True)
    handler_page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert "JAWABAN-SETELAH-PUTUSAN" in handler_page and "bukti2.txt" in handler_page


def test_retaliation_marks_the_case_until_a_handler_takes_it_up(app, org, reporter) -> None:
    receipt, case_id, budi = to_decision(app, org, reporter)
    visitor = https_client(app)
    open_case(visitor, receipt)
    page = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert RETALIATION_FORM in page and "Laporkan tindakan balasan" in page

    empty = _retaliate(visitor, page, "  ")
    assert empty.status_code == 400
    assert "Ceritakan apa yang Anda alami." in empty.get_data(as_text=True)
    with app_database(app).session() as session:
        assert session.get(Case, case_id).retaliation_reported_on is None

    sent = _retaliate(
        visitor, page, "MUTASI-MENDADAK ke pulau terpencil", [("sk-mutasi.txt", b"SK mutasi")]
    )
    assert sent.status_code == 302
    after = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert "MUTASI-MENDADAK" in after and "Laporan tindakan balasan" in after

    with app_database(app).session() as session:
        case = session.get(Case, case_id)
        assert case.retaliation_reported_on is not None
        record = session.scalars(select(CaseRecord).where(CaseRecord.kind == "retaliation")).one()
        assert b"MUTASI" not in record.ciphertext  # encrypted like a reply
        entry = session.scalars(
            select(JournalEntry).where(JournalEntry.kind == "retaliation_reported")
        ).one()
        assert entry.author == f"reporter:{case.uid}"
        assert entry.created_at.endswith("T00:00:00+00:00")  # a reporter's time: the day only
        assert journal.verify_all(session) == (1, [])  # signed by the reporter, and it verifies

    inbox = budi.get("/staf/pengelola/kasus").get_data(as_text=True)
    assert INBOX_FLAG in inbox
    supervisor = signed_in(app, org.rahman)
    assert INBOX_FLAG in supervisor.get("/staf/pengelola/kasus").get_data(as_text=True)
    case_page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert "Tindakan balasan dilaporkan" in case_page and "MUTASI-MENDADAK" in case_page
    assert "sk-mutasi.txt" in case_page  # its evidence, too
    assert "Pelapor melaporkan tindakan balasan" in case_page  # the journal entry, read

    no_note = budi.post(
        f"/staf/pengelola/kasus/{case_id}/tindakan-balasan",
        data={"csrf_token": csrf_from(case_page)},
    )
    assert no_note.status_code == 400
    taken = budi.post(
        f"/staf/pengelola/kasus/{case_id}/tindakan-balasan",
        data={"csrf_token": csrf_from(case_page), "retaliation_note": "Koordinasi dengan Kanwil."},
    )
    assert taken.status_code == 302
    assert INBOX_FLAG not in budi.get("/staf/pengelola/kasus").get_data(as_text=True)
    again = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert "Tindakan balasan dilaporkan" not in again
    assert "Laporan tindakan balasan ditindaklanjuti" in again
    with app_database(app).session() as session:
        kinds = list(
            session.scalars(
                select(JournalEntry.kind)
                .where(JournalEntry.case_id == case_id)
                .order_by(JournalEntry.seq)
            )
        )
        assert kinds[-2:] == ["retaliation_reported", "retaliation_acknowledged"]
        assert journal.verify_all(session) == (1, [])
    # A second take-up (a colleague's form drawn before) changes nothing and says why.
    late = budi.post(
        f"/staf/pengelola/kasus/{case_id}/tindakan-balasan",
        data={"csrf_token": csrf_from(case_page), "retaliation_note": "Lagi."},
    )
    assert late.status_code == 302


def test_the_thread_stays_open_after_closing_then_says_since_when_it_closed(
    app, org, reporter, moved_clock
) -> None:
    receipt = submit_report(reporter, Report(unit=org.units["a"], what="Pungli di loket"))
    visitor = https_client(app)
    open_case(visitor, receipt)
    page = visitor.get("/lapor/kasus").get_data(as_text=True)
    withdrawn = visitor.post(
        "/lapor/kasus/cabut", data={"csrf_token": csrf_from(page), "reason": "Saya ditekan."}
    )
    assert withdrawn.status_code == 302
    closed = visitor.get("/lapor/kasus").get_data(as_text=True)
    # Closed (withdrawn), yet the reporter can still write and report retaliation.
    assert RETALIATION_FORM in closed and 'action="/lapor/kasus/pesan"' in closed
    assert "masih dapat menulis" in closed
    assert _reply(visitor, closed, "Saya dipaksa mencabut").status_code == 302

    moved_clock.advance(days=731)  # past the two years (730 days) after the withdrawal
    later = https_client(app)
    open_case(later, receipt)
    page = later.get("/lapor/kasus").get_data(as_text=True)
    assert "ditutup sejak" in page
    assert RETALIATION_FORM not in page and 'action="/lapor/kasus/pesan"' not in page
    refused = _reply(later, page, "TERLAMBAT", bind=bind_from(closed))  # a form kept open
    assert refused.status_code == 302
    assert CLOSED_WORDS in later.get("/lapor/kasus").get_data(as_text=True)
    late = _retaliate(later, page, "x", bind=bind_from(closed))
    assert late.status_code == 302
    with app_database(app).session() as session:
        assert session.scalars(select(Case.retaliation_reported_on)).one() is None
        kinds = set(session.scalars(select(CaseRecord.kind)))
    assert "retaliation" not in kinds
    assert re.search(r"ditutup sejak \d+ \w+ \d{4}", page)




def test_a_report_of_retaliation_posted_after_the_visit_ended_is_kept_and_sent(
    app, org, reporter, moved_clock
) -> None:
    """Nothing typed is lost: the idle session ended while the reporter wrote."""
    receipt = submit_report(reporter, Report(unit=org.units["a"], what="Pungli di loket"))
    visitor = https_client(app)
    open_case(visitor, receipt)
    page = visitor.get("/lapor/kasus").get_data(as_text=True)
    moved_clock.advance(minutes=int(app.config["REPORTER_SESSION_IDLE_MINUTES"]) + 1)
    kept = _retaliate(visitor, page, "ANCAMAN-SETELAH-SESI", [("pesan.txt", b"ancaman")])
    body = kept.get_data(as_text=True)
    assert kept.status_code == 200 and "ANCAMAN" not in body
    held = HELD_RE.search(body).group(1)
    with app_database(app).session() as session:
        assert session.scalars(select(Case.retaliation_reported_on)).one() is None
    signed_in = visitor.post(
        "/lapor/masuk", data={"csrf_token": csrf_from(body), "receipt": receipt, "held": held}
    )
    assert signed_in.status_code == 302
    after = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert "Laporan tindakan balasan Anda telah dikirim" in after
    assert "ANCAMAN-SETELAH-SESI" in after and "pesan.txt" in after
    with app_database(app).session() as session:
        assert session.scalars(select(Case.retaliation_reported_on)).one() is not None
        assert journal.verify_all(session) == (1, [])
