"""The right of reply as the respondent and the handlers use it (issue 15, items 1 and 2).

Nothing the reporter does reaches a respondent: their thread stays open until
the team closes it, and every close sends the same outcome notice. No finding,
sanction or closing while an answer period runs, unless a handler records why
they go ahead; requests for more time say how many days and why, and are
granted or refused with a reason, in words.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from tests.support.http import https_client
from tests.support.reporter import Report, csrf_from, open_case, submit_report
from tests.support.respondent import invite, respondent_client, to_examination
from wbs_app.db import app_database
from wbs_app.models import Case, CaseStatus, JournalEntry, RespondentInvitation

STATEMENT_FORM = 'action="/klarifikasi/pernyataan"'
EXTENSION_FORM = 'action="/klarifikasi/perpanjangan"'
TOKENS = re.compile(r'(name="(?:csrf_token|bind)"[^>]*?value=")[^"]*"')


def _without_tokens(page: str) -> str:
    return TOKENS.sub(r'\1"', page)


def _case_with_respondent(app, org):
    """A report under examination, its receipt, its handler and a signed-in respondent."""
    receipt = submit_report(https_client(app), Report(unit=org.units["a"], what="laporan"))
    budi, case_id = to_examination(app, org)
    client, signed_in = respondent_client(app, invite(budi, case_id))
    assert signed_in.status_code == 302
    return receipt, budi, case_id, client


def _withdraw(app, receipt: str) -> None:
    visitor = https_client(app)
    open_case(visitor, receipt)
    page = visitor.get("/lapor/kasus").get_data(as_text=True)
    withdrawn = visitor.post(
        "/lapor/kasus/cabut", data={"csrf_token": csrf_from(page), "reason": "Saya ditekan."}
    )
    assert withdrawn.status_code == 302


def _answer_period_over(app, case_id: int) -> None:
    with app_database(app).session() as session:
        for invitation in session.scalars(
            select(RespondentInvitation).where(RespondentInvitation.case_id == case_id)
        ):
            invitation.answer_due -= timedelta(days=30)


TODAY = date.today().isoformat()


def _step(budi, case_id: int, **fields):
    page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    return budi.post(
        f"/staf/pengelola/kasus/{case_id}/langkah", data={"csrf_token": csrf_from(page), **fields}
    )


def _status(app, case_id: int) -> CaseStatus:
    with app_database(app).session() as session:
        return session.get(Case, case_id).status


def _journal(app, case_id: int) -> list[str]:
    with app_database(app).session() as session:
        return list(
            session.scalars(
                select(JournalEntry.kind)
                .where(JournalEntry.case_id == case_id)
                .order_by(JournalEntry.seq)
            )
        )


def _home(client) -> str:
    return client.get("/klarifikasi/").get_data(as_text=True)


def _statement(client, text: str):
    return client.post(
        "/klarifikasi/pernyataan",
        data={"csrf_token": csrf_from(_home(client)), "statement": text},
        content_type="multipart/form-data",
    )


def test_a_withdrawal_changes_nothing_the_respondent_sees(app, org) -> None:
    receipt_a, budi, case_a, respondent_a = _case_with_respondent(app, org)
    _, _, _case_b, respondent_b = _case_with_respondent(app, org)
    _withdraw(app, receipt_a)
    assert _status(app, case_a) is CaseStatus.WITHDRAWN

    page_a, page_b = _home(respondent_a), _home(respondent_b)
    assert STATEMENT_FORM in page_a and EXTENSION_FORM in page_a
    assert _without_tokens(page_a) == _without_tokens(page_b)
    # The thread stays open: a statement still arrives, and is answered the same way.
    sent_a, sent_b = (
        _statement(respondent_a, "Saya menolak."),
        _statement(respondent_b, "Saya menolak."),
    )
    assert sent_a.status_code == sent_b.status_code == 302
    assert _without_tokens(_home(respondent_a)) == _without_tokens(_home(respondent_b))
    assert "Saya menolak." in budi.get(f"/staf/pengelola/kasus/{case_a}").get_data(as_text=True)


def test_every_close_sends_the_same_outcome_notice(app, org) -> None:
    """The withdrawn case's thread is closed by its handler; the other by a finding."""
    receipt_a, budi, case_a, respondent_a = _case_with_respondent(app, org)
    _, _, case_b, respondent_b = _case_with_respondent(app, org)
    _withdraw(app, receipt_a)
    _answer_period_over(app, case_a)
    _answer_period_over(app, case_b)
    page = budi.get(f"/staf/pengelola/kasus/{case_a}").get_data(as_text=True)
    assert (
        "Pelapor mencabut laporan" in page
        and f'action="/staf/pengelola/kasus/{case_a}/undangan/tutup"' in page
    )
    closed = budi.post(
        f"/staf/pengelola/kasus/{case_a}/undangan/tutup", data={"csrf_token": csrf_from(page)}
    )
    assert closed.status_code == 302
    decided = _step(budi, case_b, kind="finding", finding="not_proven", reasoning="RAHASIA")
    assert decided.status_code == 302

    page_a, page_b = _home(respondent_a), _home(respondent_b)
    assert "Pemeriksaan perkara ini telah selesai" in page_a
    assert STATEMENT_FORM not in page_a and EXTENSION_FORM not in page_a
    assert _without_tokens(page_a) == _without_tokens(page_b)
    assert "outcome_notified" in _journal(app, case_a) and "outcome_notified" in _journal(
        app, case_b
    )
    # Closed once: a second close is refused and sends nothing more.
    again = budi.post(
        f"/staf/pengelola/kasus/{case_a}/undangan/tutup", data={"csrf_token": csrf_from(page)}
    )
    assert again.status_code == 302 and _journal(app, case_a).count("outcome_notified") == 1


def test_no_finding_or_closing_while_the_answer_period_runs(app, org) -> None:
    _, budi, case_id, respondent = _case_with_respondent(app, org)
    refused = _step(budi, case_id, kind="finding", finding="ethics", reasoning="Terbukti.")
    assert refused.status_code == 400
    assert "Waktu menanggapi bagi pihak yang diundang belum berakhir" in refused.get_data(
        as_text=True
    )
    moved = _step(
        budi, case_id, kind="referral", outside_body="apip", referred_on=TODAY, reason="Ke APIP."
    )
    assert moved.status_code == 400
    assert _status(app, case_id) is CaseStatus.INVESTIGATION
    assert "finding" not in _journal(app, case_id)
    assert STATEMENT_FORM in _home(respondent)

    ahead = _step(
        budi,
        case_id,
        kind="finding",
        finding="ethics",
        reasoning="RAHASIA-PERTIMBANGAN",
        ahead_reason="Terlapor memasuki masa pensiun pekan depan.",
    )
    assert ahead.status_code == 302 and _status(app, case_id) is CaseStatus.DECISION
    page = _home(respondent)
    assert "Terlapor memasuki masa pensiun pekan depan." in page
    assert "Pemeriksaan perkara ini telah selesai" in page and "RAHASIA" not in page
    assert STATEMENT_FORM not in page and EXTENSION_FORM not in page
    assert "Kirim tanggapan" not in page and "Minta perpanjangan waktu" not in page
    late = _statement(respondent, "PERNYATAANSETELAHKEPUTUSAN")
    assert late.status_code == 302
    assert "PERNYATAANSETELAHKEPUTUSAN" not in _home(respondent)
    asked = respondent.post(
        "/klarifikasi/perpanjangan",
        data={"csrf_token": csrf_from(page), "days": "7", "reason": "Sakit."},
    )
    assert asked.status_code == 302 and "Sakit." not in _home(respondent)
    with app_database(app).session() as session:
        entry = session.scalars(
            select(JournalEntry).where(
                JournalEntry.case_id == case_id, JournalEntry.kind == "finding"
            )
        ).one()
        assert entry is not None
    handler_page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert "Terlapor memasuki masa pensiun pekan depan." in handler_page
    # The inbox counts a closed thread as done, not as an answer still awaited.
    inbox = budi.get("/staf/pengelola/kasus").get_data(as_text=True)
    row = inbox.split(f"#{case_id}</a>")[1].split("</tr>")[0]
    assert 'class="deadline done"' in row
    # Decided: the sanction needs no second reason, the period no longer runs.
    sanctioned = _step(
        budi,
        case_id,
        kind="sanction",
        level="light",
        sanction_type="Teguran lisan",
        decree_number="KEP-1",
        decided_on="2026-12-01",
    )
    assert sanctioned.status_code == 302


def test_a_pending_request_for_more_time_holds_the_decision(app, org) -> None:
    _, budi, case_id, respondent = _case_with_respondent(app, org)
    page = _home(respondent)
    respondent.post(
        "/klarifikasi/perpanjangan",
        data={"csrf_token": csrf_from(page), "days": "10", "reason": "Dokumen di kantor lama."},
    )
    _answer_period_over(app, case_id)  # the period ended while the request waits
    refused = _step(
        budi, case_id, kind="referral", outside_body="apip", referred_on=TODAY, reason="Ke APIP."
    )
    assert refused.status_code == 400 and _status(app, case_id) is CaseStatus.INVESTIGATION


def test_a_sanction_waits_for_an_open_answer_period(app, org) -> None:
    """A case decided before this rule, its invitation still open: the sanction waits too."""
    _, budi, case_id, _respondent = _case_with_respondent(app, org)
    with app_database(app).session() as session:
        session.get(Case, case_id).status = CaseStatus.DECISION
    fields = {
        "kind": "sanction",
        "level": "light",
        "sanction_type": "Teguran lisan",
        "decree_number": "KEP-1",
        "decided_on": "2026-12-01",
    }
    assert _step(budi, case_id, **fields).status_code == 400
    assert _status(app, case_id) is CaseStatus.DECISION
    assert _step(budi, case_id, **fields, ahead_reason="Keputusan pimpinan.").status_code == 302
    assert _status(app, case_id) is CaseStatus.SANCTION


def _invitation(app, case_id: int) -> RespondentInvitation:
    with app_database(app).session() as session:
        found = session.scalars(
            select(RespondentInvitation).where(RespondentInvitation.case_id == case_id)
        ).one()
        session.expunge(found)
        return found


def _decide(budi, case_id: int, **fields):
    page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    uid = re.search(r'name="invitation" value="(\w+)"', page).group(1)
    return budi.post(
        f"/staf/pengelola/kasus/{case_id}/undangan/perpanjangan",
        data={"csrf_token": csrf_from(page), "invitation": uid, **fields},
    )


def test_a_request_for_more_time_says_how_long_and_why_and_is_answered_in_words(app, org) -> None:
    _, budi, case_id, respondent = _case_with_respondent(app, org)
    page = _home(respondent)
    assert 'name="days"' in page
    for bad in ({"reason": "Sakit."}, {"days": "0", "reason": "Sakit."}, {"days": "10"}):
        asked = respondent.post(
            "/klarifikasi/perpanjangan", data={"csrf_token": csrf_from(page), **bad}
        )
        assert asked.status_code == 302
        assert "Sebutkan berapa hari" in _home(respondent)
    assert not _invitation(app, case_id).extension_requested
    respondent.post(
        "/klarifikasi/perpanjangan",
        data={"csrf_token": csrf_from(page), "days": "10", "reason": "Dokumen di kantor lama."},
    )
    page = _home(respondent)
    assert "perpanjangan waktu 10 hari" in page and "Dokumen di kantor lama." in page
    handler_page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert "perpanjangan waktu 10 hari" in handler_page and "0 menolak" not in handler_page

    before = _invitation(app, case_id).answer_due
    assert _decide(budi, case_id, decision="refuse").status_code == 302  # no reason: refused
    assert _invitation(app, case_id).extension_requested
    assert _decide(budi, case_id, decision="refuse", reason="Waktu sudah cukup.").status_code == 302
    invitation = _invitation(app, case_id)
    assert not invitation.extension_requested and invitation.answer_due == before
    page = _home(respondent)
    assert "tidak dikabulkan" in page and "Waktu sudah cukup." in page

    respondent.post(
        "/klarifikasi/perpanjangan",
        data={"csrf_token": csrf_from(page), "days": "10", "reason": "Masih sakit."},
    )
    granted = _decide(budi, case_id, decision="grant", days="10", reason="Surat dokter terlampir.")
    assert granted.status_code == 302
    invitation = _invitation(app, case_id)
    assert invitation.answer_due == before + timedelta(days=10)
    page = _home(respondent)
    assert "dikabulkan: 10 hari" in page and "Surat dokter terlampir." in page
    kinds = _journal(app, case_id)
    assert kinds.count("extension_requested") == 2
    assert "extension_refused" in kinds and "extension_granted" in kinds
