"""The invitation taken over by its addressee (issue 15, item 5).

A handler prints the invitation code, so with the printed code alone a
handler could sign in as the respondent and write "their" statement. At the
first sign-in the respondent is given a new code that only they see: the
printed code stops working, the invitation's key is wrapped to the new code's
identity, their statements are signed by it, and the journal says when the
invitation was taken over. These tests drive it through HTTP as the
respondent and the handler do.
"""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

from sqlalchemy import select

from crypto import CodeKind, Identity, derive_code_secrets, parse_code, seal_record
from tests.support.reporter import csrf_from, follow
from tests.support.respondent import CODE_RE, investigating_case, invite, respondent_client
from wbs_app.appctx import argon2_params
from wbs_app.db import app_database
from wbs_app.models import (
    Audience,
    AudienceKey,
    Case,
    CaseRecord,
    JournalEntry,
    RecipientKind,
    RespondentInvitation,
)
from wbs_app.services.cases import case_keys

HANDOVER = "/klarifikasi/kode-baru"
SIGNED = "Ditandatangani oleh penerima undangan"
BROKEN = "Tanda tangan tanggapan ini tidak cocok"


def _new_code(client) -> str:
    page = client.get(HANDOVER)
    assert page.status_code == 200, page.status_code
    found = CODE_RE.search(page.get_data(as_text=True))
    assert found, "the hand-over page shows no new code"
    return found.group(1)


def _confirm(client, code: str):
    page = client.get(HANDOVER).get_data(as_text=True)
    return client.post(HANDOVER, data={"csrf_token": csrf_from(page), "code": code})


def _taken_over(app, org, reporter):
    """A case, an invitation, the respondent's first sign-in and their confirmed new code."""
    budi, case_id = investigating_case(app, org, reporter)
    printed = invite(budi, case_id)
    client, response = respondent_client(app, printed, confirm_new_code=False)
    assert response.status_code == 302, response.status_code
    new = _new_code(client)
    assert _confirm(client, new).status_code == 302
    return budi, case_id, printed, client, new


def _send_statement(client, text: str) -> None:
    page = client.get("/klarifikasi/").get_data(as_text=True)
    sent = client.post(
        "/klarifikasi/pernyataan",
        data={
            "csrf_token": csrf_from(page),
            "statement": text,
            "evidence": (io.BytesIO(b"surat tugas"), "surat-tugas.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302, sent.status_code


def test_the_printed_code_stops_working_at_the_first_sign_in(app, org, reporter) -> None:
    budi, case_id = investigating_case(app, org, reporter)
    printed = invite(budi, case_id)
    first, response = respondent_client(app, printed, confirm_new_code=False)
    assert response.status_code == 302
    new = _new_code(first)
    assert new.replace(" ", "") != printed.replace(" ", "")

    again, refused = respondent_client(app, printed, confirm_new_code=False)
    assert refused.status_code == 403, f"the printed code still opens: {refused.status_code}"
    page = refused.get_data(as_text=True)
    assert "sudah diganti" in page, page[:3000]
    assert again.get("/klarifikasi/").status_code == 302  # no session was made
    # The handlers' copy of the code is gone too: no reprint of a dead code.
    assert "Cetak ulang surat" not in budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(
        as_text=True
    )


def test_the_new_code_opens_the_invitation(app, org, reporter) -> None:
    _, _, _, _, new = _taken_over(app, org, reporter)
    client, response = respondent_client(app, new)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/klarifikasi/"
    home = client.get("/klarifikasi/")
    assert home.status_code == 200
    assert "Diduga meminta biaya di luar tarif resmi." in home.get_data(as_text=True)
    # Signing in with the new code hands over nothing more.
    assert CODE_RE.search(client.get(HANDOVER).get_data(as_text=True)) is None


def test_reloading_the_hand_over_page_loses_nothing(app, org, reporter) -> None:
    budi, case_id = investigating_case(app, org, reporter)
    printed = invite(budi, case_id)
    client, response = respondent_client(app, printed, confirm_new_code=False)
    # The sign-in's answer is a redirect; the code is in no URL.
    landing = follow(client, response)
    assert landing.status_code in (200, 302)
    code = _new_code(client)
    assert code.replace(" ", "") not in response.headers["Location"]
    # Reloads, and a visit to the home page before confirming, show the same code again.
    assert _new_code(client) == code
    home = client.get("/klarifikasi/")
    assert home.status_code == 302 and urlsplit(home.headers["Location"]).path == HANDOVER
    assert _new_code(client) == code
    # A wrong copy is refused and the code is still there.
    wrong = _confirm(client, printed)
    assert wrong.status_code == 400
    assert CODE_RE.search(wrong.get_data(as_text=True)).group(1) == code
    assert _new_code(client) == code
    # Nothing in the database reads as the code.
    digits = code.replace(" ", "").encode()
    with app_database(app).session() as session:
        for table in ("receipt_handovers", "respondent_invitations", "respondent_sessions"):
            for row in session.execute(select(Base_table(table))):
                for value in row:
                    if isinstance(value, (bytes, str)):
                        raw = value if isinstance(value, bytes) else value.encode()
                        assert digits not in raw, f"the new code in {table}"
    confirmed = _confirm(client, code)
    assert confirmed.status_code == 302
    assert urlsplit(confirmed.headers["Location"]).path == "/klarifikasi/"
    assert client.get("/klarifikasi/").status_code == 200
    assert CODE_RE.search(client.get(HANDOVER).get_data(as_text=True)) is None


def Base_table(name: str):
    from wbs_app.database import Base

    return Base.metadata.tables[name]


def test_a_statement_is_signed_by_the_addressee_and_verifies(app, org, reporter) -> None:
    budi, case_id, _, client, _ = _taken_over(app, org, reporter)
    _send_statement(client, "Saya menolak tuduhan ini.")
    page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert "Saya menolak tuduhan ini." in page
    assert SIGNED in page, page[page.find("Hak jawab") :][:3000]
    assert BROKEN not in page
    assert "Undangan diambil alih oleh penerimanya" in page  # the journal's take-over entry
    assert app.test_cli_runner().invoke(args=["wbs", "verify-journals"]).exit_code == 0
    with app_database(app).session() as session:
        authors = set(
            session.scalars(select(JournalEntry.author).where(JournalEntry.case_id == case_id))
        )
    assert any(author.startswith("addressee:") for author in authors), authors


def _statement_key(app, case_id: int, new_code: str) -> tuple[bytes, CaseRecord, Case]:
    """What a handler holds anyway: the invitation's key (here derived from the new code)."""
    with app.app_context():
        params = argon2_params()
    salt = bytes.fromhex(app.config["INSTALLATION_SALT"])
    seed = derive_code_secrets(parse_code(new_code), CodeKind.INVITATION, salt, params)
    identity = Identity.from_seed(seed.identity_seed)
    with app_database(app).session() as session:
        case = session.get(Case, case_id)
        key_row = session.scalar(
            select(AudienceKey).where(
                AudienceKey.case_id == case_id, AudienceKey.audience == Audience.RESPONDENT
            )
        )
        key = case_keys.unwrap_for_holder(
            session, case, key_row, identity, RecipientKind.RESPONDENT
        )
        record = session.scalar(
            select(CaseRecord).where(CaseRecord.case_id == case_id, CaseRecord.kind == "statement")
        )
        session.expunge_all()
    return key, record, case


def test_a_statement_changed_afterwards_fails_verification(app, org, reporter) -> None:
    budi, case_id, _, client, new = _taken_over(app, org, reporter)
    _send_statement(client, "Saya menolak tuduhan ini.")
    key, record, case = _statement_key(app, case_id, new)
    forged = seal_record(key, b"Saya mengakui semuanya.", case_keys.record_context(case, record))
    with app_database(app).session() as session:
        session.get(CaseRecord, record.id).ciphertext = forged
        session.commit()
    page = budi.get(f"/staf/pengelola/kasus/{case_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Saya mengakui semuanya." in text  # shown, but not as the addressee's
    assert BROKEN in text and SIGNED not in text


def test_a_forged_signature_fails_with_the_same_error(app, org, reporter) -> None:
    budi, case_id, _, client, _ = _taken_over(app, org, reporter)
    _send_statement(client, "Saya menolak tuduhan ini.")
    with app_database(app).session() as session:
        entry = session.scalar(
            select(JournalEntry).where(
                JournalEntry.case_id == case_id, JournalEntry.kind == "statement_received"
            )
        )
        entry.signature = bytes([entry.signature[0] ^ 1]) + entry.signature[1:]
        session.commit()
    text = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert BROKEN in text and SIGNED not in text


def test_a_lost_new_code_means_a_new_invitation_and_the_old_one_closes(app, org, reporter) -> None:
    budi, case_id, printed, _, lost = _taken_over(app, org, reporter)
    page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    uid = re.search(r'/undangan/(\w{32})/ganti"', page).group(1)
    asked = budi.get(f"/staf/pengelola/kasus/{case_id}/undangan/{uid}/ganti")
    assert asked.status_code == 200  # a confirmation page first: what will happen
    reissued = budi.post(
        f"/staf/pengelola/kasus/{case_id}/undangan/{uid}/ganti",
        data={"csrf_token": csrf_from(asked.get_data(as_text=True))},
    )
    assert reissued.status_code == 303, reissued.status_code
    letter = follow(budi, reissued).get_data(as_text=True)
    fresh = CODE_RE.search(letter).group(1)
    # Sending the same confirmation again makes no third invitation.
    again = budi.post(
        f"/staf/pengelola/kasus/{case_id}/undangan/{uid}/ganti",
        data={"csrf_token": csrf_from(asked.get_data(as_text=True))},
    )
    assert again.status_code == 303 and again.headers["Location"] == reissued.headers["Location"]
    with app_database(app).session() as session:
        rows = list(session.scalars(select(RespondentInvitation)))
        kinds = list(
            session.scalars(select(JournalEntry.kind).where(JournalEntry.case_id == case_id))
        )
        old_body = [
            e
            for e in session.scalars(select(JournalEntry).where(JournalEntry.case_id == case_id))
            if e.kind == "invitation_reissued"
        ]
    assert len(rows) == 2 and kinds.count("invitation_reissued") == 1 and old_body
    for code in (lost, printed):
        _, refused = respondent_client(app, code)
        assert refused.status_code == 403, refused.status_code
    client, response = respondent_client(app, fresh, confirm_new_code=False)
    assert response.status_code == 302
    assert CODE_RE.search(client.get(HANDOVER).get_data(as_text=True)) is not None
    case_page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert "Undangan ini ditutup" in case_page


def test_two_first_sign_ins_at_once_take_the_invitation_over_once(
    make_app, org, reporter, monkeypatch
) -> None:
    """The respondent and a handler who got the printed code, at the same moment: one wins."""
    from tests.support.http import https_client
    from tests.support.races import SLOW_ENOUGH, at_once, runs_meet

    app = make_app(**SLOW_ENOUGH)
    budi, case_id = investigating_case(app, org, reporter)
    printed = invite(budi, case_id)
    visitors = [https_client(app), https_client(app)]
    forms = [
        (v, {"csrf_token": csrf_from(v.get("/klarifikasi/masuk").get_data(as_text=True))})
        for v in visitors
    ]
    for _, form in forms:
        form["code"] = printed
    runs_meet(monkeypatch, 2)  # both derive the printed code, then both their new codes
    answers = at_once("/klarifikasi/masuk", forms)
    assert [status for status, _ in answers] == [302, 403], answers
    assert "sudah diganti" in answers[1][1]
    monkeypatch.undo()
    codes = [CODE_RE.search(v.get(HANDOVER).get_data(as_text=True)) for v in visitors]
    assert len([found for found in codes if found]) == 1, "exactly one visitor got a new code"
    with app_database(app).session() as session:
        kinds = list(
            session.scalars(select(JournalEntry.kind).where(JournalEntry.case_id == case_id))
        )
    assert kinds.count("invitation_taken_over") == 1
