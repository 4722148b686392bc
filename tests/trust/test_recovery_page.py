"""The custodians' recovery page: K shares give a lost case back, K-1 and wrong ones nothing.

Through HTTP, as custodians and handlers use it: every holder of a case is
reset, one of them makes a new key through the reset link, the custodians
type two shares on /staf/pemulihan, and the handler reads the case again.
"""

from __future__ import annotations

import logging
import re
import time

from sqlalchemy import select

from tests.support.http import https_client
from tests.support.reporter import Report, csrf_from, submit_report
from tests.support.staff import (
    PASSWORD,
    StaffLogin,
    activation_fields,
    enrolment_fields,
    make_staff,
    signed_in,
)
from tests.support.trust import CUSTODIANS, ceremony_shares
from wbs_app.db import app_database
from wbs_app.models import AuditEvent, Case, JournalEntry, StaffMember, StaffRole
from wbs_app.services.cases import journal
from wbs_app.services.staff import staff_admin, throttle, totp
from wbs_app.services.trust import certificates, recovery

PAGE = "/staf/pemulihan"


def _recover(client, shares: list[str], email: str, cases: str = "", unit: int = 0):
    page = client.get(PAGE).get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "staff_email": email, "case_numbers": cases}
    data |= {f"share_{n}": share for n, share in enumerate(shares, start=1)}
    data |= {"unit_id": str(unit), "action": "regrant"}
    return client.post(PAGE, data=data)


def _certify(client, shares: list[str], email: str, fingerprint: str):
    page = client.get(PAGE).get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "staff_email": email, "fingerprint": fingerprint}
    data |= {f"share_{n}": share for n, share in enumerate(shares, start=1)}
    data |= {"unit_id": "0", "action": "certify"}
    return client.post(PAGE, data=data)


def _fingerprint(app, staff_id: int) -> str:
    with app_database(app).session() as session:
        return certificates.fingerprint_of(session.get_one(StaffMember, staff_id)) or ""


def _reset_and_return(app, admin_id: int, login: StaffLogin) -> StaffLogin:
    """An administrator resets the account; its owner makes a new key through the link."""
    with app_database(app).session() as session:
        token = staff_admin.reset_password(session, session.get(StaffMember, admin_id), login.id)
        session.commit()
    newcomer = https_client(app)
    page = newcomer.get(f"/staf/aktivasi?kode={token}").get_data(as_text=True)
    enrolment = enrolment_fields(page, when=time.time() - 30)
    secret = totp.parse_secret_text(enrolment["totp_secret"])
    fields = enrolment | activation_fields(token, login.username, PASSWORD)
    assert newcomer.post("/staf/aktivasi", data=fields).status_code == 302
    return StaffLogin(login.id, login.username, PASSWORD, secret)


def _no_share_anywhere(shares: list[str], texts: list[str]) -> None:
    for share in shares:
        words = share.split()
        for text in texts:
            assert share not in text
            # Not even a run of four of its words (a share copied back in part).
            for start in range(len(words) - 3):
                assert " ".join(words[start : start + 4]) not in text


def test_k_shares_give_back_a_case_whose_every_holder_was_reset(app, org, reporter, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    shares = ceremony_shares(app)
    submit_report(reporter, Report(unit=org.units["a"], what="RAHASIALAPORAN uang loket"))
    submit_report(reporter, Report(unit=org.units["a"]))
    with app_database(app).session() as session:
        first, second = session.scalars(select(Case.id).order_by(Case.id)).all()
    admin = make_staff(app, "admin", StaffRole.ADMIN)
    # Budi and Rahman held both cases; both are reset (recovery wraps make it allowed).
    budi = _reset_and_return(app, admin.id, org.budi)
    _reset_and_return(app, admin.id, org.rahman)
    budi_browser = signed_in(app, budi)
    # He held it: the page says it waits to be given back, and shows nothing written in it.
    waiting = budi_browser.get(f"/staf/pengelola/kasus/{first}")
    assert waiting.status_code == 403
    assert "menunggu diberikan kembali" in waiting.get_data(as_text=True)
    assert "RAHASIALAPORAN" not in waiting.get_data(as_text=True)

    custodians = https_client(app)
    answers = [custodians.get(PAGE)]
    assert answers[0].status_code == 200
    # K-1 shares: refused, nothing given.
    answers.append(_recover(custodians, shares[:1], "budi@kanwil.example", str(first)))
    assert answers[-1].status_code == 400
    assert "tidak membuka" in answers[-1].get_data(as_text=True)
    assert budi_browser.get(f"/staf/pengelola/kasus/{first}").status_code == 403
    # Budi's new key is not certified yet: nothing can be given to it.
    answers.append(_recover(custodians, shares[1:], "budi@kanwil.example", str(first)))
    assert answers[-1].status_code == 400
    assert "belum disertifikasi" in answers[-1].get_data(as_text=True)
    # The custodians certify it, typing the fingerprint Budi reads out from his key page.
    heard = _fingerprint(app, budi.id)
    key_page = budi_browser.get("/staf/pengelola/kunci").get_data(as_text=True)
    assert heard in key_page
    wrong = heard[:-1] + ("1" if heard[-1] != "1" else "2")
    answers.append(_certify(custodians, shares[:2], "budi@kanwil.example", wrong))
    assert answers[-1].status_code == 400
    answers.append(_certify(custodians, shares[:2], "budi@kanwil.example", heard))
    assert answers[-1].status_code == 200, answers[-1].get_data(as_text=True)
    assert heard in answers[-1].get_data(as_text=True)
    with app_database(app).session() as session:
        assert certificates.is_certified(session, session.get_one(StaffMember, budi.id))
    # K shares (the second and third custodians), the first case by number.
    answers.append(_recover(custodians, shares[1:], "BUDI@kanwil.example", f"{first}, 999"))
    assert answers[-1].status_code == 200
    shown = answers[-1].get_data(as_text=True)
    assert "Budi" in shown and "999" in shown
    # Done: the form comes back empty, not looking like a request still pending
    # (walk 2, finding 14).
    assert not re.search(r'<input[^>]*name="(staff_email|case_numbers)"[^>]*value="[^"]', shown)
    page = budi_browser.get(f"/staf/pengelola/kasus/{first}")
    assert page.status_code == 200 and "RAHASIALAPORAN" in page.get_data(as_text=True)
    assert budi_browser.get(f"/staf/pengelola/kasus/{second}").status_code == 403
    # Every case of the unit: the second now, the first already readable.
    answers.append(_recover(custodians, shares[:2], "budi@kanwil.example", "", org.units["a"]))
    assert answers[-1].status_code == 200
    assert budi_browser.get(f"/staf/pengelola/kasus/{second}").status_code == 200

    with app_database(app).session() as session:
        for case_id in (first, second):
            case = session.get_one(Case, case_id)
            kinds = session.scalars(
                select(JournalEntry.kind, JournalEntry.author)
                .where(JournalEntry.case_id == case_id)
                .order_by(JournalEntry.seq)
            )
            assert list(kinds) == [recovery.REGRANTED]
            author = session.scalar(
                select(JournalEntry.author).where(JournalEntry.case_id == case_id)
            )
            assert author == "custodians:1"
            assert journal.verify_case(session, case) is None  # signed by the root identity
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        assert actions.count("recovery_regrant") == 2
        assert actions.count("recovery_refused") == 1
        details = " ".join(session.scalars(select(AuditEvent.detail)))
    timeline = budi_browser.get(f"/staf/pengelola/kasus/{first}").get_data(as_text=True)
    assert "kustodian" in timeline.lower()
    # Which custodians met, by their shares' numbers and names (walk 2, finding 13):
    # the second and third gave the first case back, the first and second the rest.
    acted = f"2, 3: {CUSTODIANS[1].name}; {CUSTODIANS[2].name}"
    assert "Kustodian yang hadir (nomor bagian)" in timeline and acted in timeline
    assert f"root 1: 1; {acted}" in details
    audit_page = signed_in(app, admin).get("/staf/admin/audit").get_data(as_text=True)
    assert f"akar 1: 1 kasus; bagian {acted}" in audit_page
    texts = [a.get_data(as_text=True) for a in answers] + [timeline, caplog.text, details]
    _no_share_anywhere(shares, texts)


def test_wrong_shares_are_throttled_and_a_non_handler_gets_nothing(app, org, reporter) -> None:
    shares = ceremony_shares(app)
    submit_report(reporter, Report(unit=org.units["a"]))
    admin = make_staff(app, "admin", StaffRole.ADMIN)
    custodians = https_client(app)
    # An administrator is no handler: the custodians cannot give a case to one.
    refused = _recover(custodians, shares[:2], "admin@kanwil.example", "1")
    assert refused.status_code == 400
    assert signed_in(app, admin).get("/staf/pengelola/kasus/1").status_code in (302, 403, 404)
    other = "academic " * 20
    statuses = [
        _recover(custodians, [other, shares[0]], "budi@kanwil.example", "1").status_code
        for _ in range(throttle.FREE_FAILURES)
    ]
    assert statuses == [400] * (throttle.FREE_FAILURES - 1) + [429]
    # Locked: even the right shares wait now.
    assert _recover(custodians, shares[:2], "sitti@kanwil.example", "1").status_code == 429
    with app_database(app).session() as session:
        sitti = session.get_one(StaffMember, org.sitti.id)
        assert journal.verify_all(session)[1] == []
        assert sitti.display_name == "Sitti"
    assert signed_in(app, org.sitti).get("/staf/pengelola/kasus/1").status_code == 404


def test_the_page_before_the_ceremony_explains_and_takes_no_shares(client) -> None:
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "share_1" not in text
    assert page.headers["Cache-Control"].startswith("no-store")
