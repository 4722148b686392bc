"""Case A of the world driven through every journal kind there is, and what no page may show.

The journal's words are checked on the pages (``tests/casework/test_journal_words.py``)
and in Chromium (``tests/browser/test_journal_browser.py``) after the same walk:
every step, grant, reveal, request, decision, reclassification, retaliation
report and withdrawal, each made through the pages people use.
"""

from __future__ import annotations

import re
import time
from typing import Any

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.support.http import https_client
from tests.support.reporter import bind_from, csrf_from
from tests.support.staff import PASSWORD, activation_fields, enrolment_fields, make_staff
from tests.support.trust import ceremony_shares, certify_by_test_root
from tests.support.world import World
from wbs_app.db import app_database
from wbs_app.models import Case, Category, StaffMember, StaffRole
from wbs_app.services.staff import staff_admin


def _post(client: Any, path: str, page: str, **fields: str) -> Any:
    """A form of ``page`` posted to ``path`` with the page's CSRF token."""
    return client.post(path, data={"csrf_token": csrf_from(page), **fields})


def every_kind_on_case_a(world: World) -> None:
    """Drive case A through every step, grant, reveal, request and decision there is."""
    app, case = world.app, world.case_a
    base = f"/staf/pengelola/kasus/{case}"
    budi = world.clients["inv_a"]
    dewi = make_staff(app, "dewi", StaffRole.INVESTIGATOR, unit_ids=(world.org.units["a"],))
    page = budi.get(base).get_data(as_text=True)
    assert _post(budi, f"{base}/identitas", page).status_code == 200
    for path in ("akses/beri", "akses/tugaskan", "akses/cabut"):
        assert _post(budi, f"{base}/{path}", page, staff_id=str(dewi.id)).status_code == 302, path
    respondent = world.clients["respondent"]
    for decision in ("grant", "refuse"):
        home = respondent.get("/klarifikasi/").get_data(as_text=True)
        asked = _post(
            respondent, "/klarifikasi/perpanjangan", home, days="5", reason="Sedang dinas luar"
        )
        assert asked.status_code == 302
        decided = _post(
            budi,
            f"{base}/undangan/perpanjangan",
            page,
            invitation=world.invitation_a1,
            decision=decision,
            days="5",
            reason="Waktunya cukup",
        )
        assert decided.status_code == 302, decision
    # The respondent lost the new code: a new invitation, the old one closed.
    reissue = f"{base}/undangan/{world.invitation_a1}/ganti"
    confirm = budi.get(reissue).get_data(as_text=True)
    assert _post(budi, reissue, confirm).status_code == 303
    steps = (
        {
            "kind": "investigation",
            "activity": "interview",
            "description": "Wawancara saksi",
            "record_number": "BAP-7",
        },
        {
            "kind": "finding",
            "finding": "discipline",
            "reasoning": "Terbukti meminta uang",
            "ahead_reason": "Terlapor sudah menjawab secara lisan",
        },
        {
            "kind": "sanction",
            "level": "light",
            "sanction_type": "Teguran tertulis",
            "decree_number": "SK-1/2026",
            "decided_on": "2026-12-01",
        },
        {"kind": "status", "to": "selesai", "reason": "Sanksi dijalankan"},
        {"kind": "reopen", "reason": "Bukti baru"},
    )
    for step in steps:
        assert _post(budi, f"{base}/langkah", page, **step).status_code == 302, step
    # A password reset makes Dewi's key new: granting her again is its own kind.
    _regrant(world, dewi, base, page)
    _recovered(world, dewi)
    _reclassify(world, base, page)
    _retaliation(world, base)
    _triage(world, base)
    # Referred up to the Kanwil, the unit keeping its access (issue 20).
    page = budi.get(base).get_data(as_text=True)
    up = _post(budi, f"{base}/teruskan-ke-atas", page, reason="Pejabat UPT", keep_access="y")
    assert up.status_code == 302
    reporter = world.clients["reporter"]
    confirm = reporter.get("/lapor/kasus/cabut").get_data(as_text=True)
    withdrawn = _post(reporter, "/lapor/kasus/cabut", confirm, reason="Sudah selesai")
    assert withdrawn.status_code == 302


def _retaliation(world: World, base: str) -> None:
    """The reporter reports retaliation; Budi takes it up."""
    reporter = world.clients["reporter"]
    own = reporter.get("/lapor/kasus").get_data(as_text=True)
    fields = [("csrf_token", csrf_from(own)), ("bind", bind_from(own)), ("account", "Dimutasi")]
    reported = reporter.post(
        "/lapor/kasus/tindakan-balasan", data=MultiDict(fields), content_type="multipart/form-data"
    )
    assert reported.status_code == 302
    budi = world.clients["inv_a"]
    page = budi.get(base).get_data(as_text=True)
    taken = _post(budi, f"{base}/tindakan-balasan", page, retaliation_note="Koordinasi")
    assert taken.status_code == 302


def _triage(world: World, base: str) -> None:
    """Budi marks case A spam, archives it from the inbox, and reopens it."""
    budi = world.clients["inv_a"]
    page = budi.get(base).get_data(as_text=True)
    assert _post(budi, f"{base}/triase", page, mark="spam", note="Isi acak").status_code == 302
    archived = budi.post(
        "/staf/pengelola/kasus/arsipkan",
        data={"csrf_token": csrf_from(page), "case": str(world.case_a)},
    )
    assert archived.status_code == 302
    reopened = _post(budi, f"{base}/langkah", page, kind="reopen", reason="Bukan spam")
    assert reopened.status_code == 302


def _reclassify(world: World, base: str, page: str) -> None:
    """Budi files case A under another category; the supervisor moves it to unit b and back."""
    with app_database(world.app).session() as session:
        current = session.get(Case, world.case_a)
        other = session.scalar(select(Category.id).where(Category.id != current.category_id))
    budi = world.clients["inv_a"]
    changed = _post(budi, f"{base}/kategori", page, category_id=str(other), reason="Salah pilih")
    assert changed.status_code == 302
    rahman = world.clients["supervisor"]
    overview = rahman.get(base).get_data(as_text=True)
    for unit in ("b", "a"):
        moved = _post(
            rahman, f"{base}/unit", overview, unit_id=str(world.org.units[unit]), reason="Lokasi"
        )
        assert moved.status_code == 302, unit


def _regrant(world: World, dewi: Any, base: str, page: str) -> None:
    """Dewi is granted, her password reset, she makes a new key; Budi grants her again."""
    budi = world.clients["inv_a"]
    assert _post(budi, f"{base}/akses/beri", page, staff_id=str(dewi.id)).status_code == 302
    with app_database(world.app).session() as session:
        admin = session.get(StaffMember, world.admin.id)
        token = staff_admin.reset_password(session, admin, dewi.id)
    newcomer = https_client(world.app)
    form = newcomer.get(f"/staf/aktivasi?kode={token}").get_data(as_text=True)
    fields = enrolment_fields(form, when=time.time() - 30) | activation_fields(
        token, "dewi", PASSWORD
    )
    assert newcomer.post("/staf/aktivasi", data=fields).status_code == 302
    certify_by_test_root(world.app, dewi.id)  # a new key is certified before it receives any
    assert _post(budi, f"{base}/akses/beri", page, staff_id=str(dewi.id)).status_code == 302


def _reset_and_activate(world: World, staff_id: int, username: str) -> None:
    with app_database(world.app).session() as session:
        admin = session.get(StaffMember, world.admin.id)
        token = staff_admin.reset_password(session, admin, staff_id)
    newcomer = https_client(world.app)
    form = newcomer.get(f"/staf/aktivasi?kode={token}").get_data(as_text=True)
    fields = enrolment_fields(form, when=time.time() - 30) | activation_fields(
        token, username, PASSWORD
    )
    assert newcomer.post("/staf/aktivasi", data=fields).status_code == 302


def _recovered(world: World, dewi: Any) -> None:
    """Dewi's key is lost again; two custodians give case A back on the recovery page."""
    _reset_and_activate(world, dewi.id, "dewi")
    certify_by_test_root(world.app, dewi.id)
    custodians = https_client(world.app)
    page = custodians.get("/staf/pemulihan").get_data(as_text=True)
    shares = ceremony_shares(world.app)
    fields = {"staff_email": "dewi@kanwil.example", "case_numbers": str(world.case_a)}
    fields |= {"share_1": shares[0], "share_2": shares[2], "unit_id": "0", "action": "regrant"}
    assert _post(custodians, "/staf/pemulihan", page, **fields).status_code == 200


# What no journal, thread or audit log may show a person: codes, labels, raw dates, ids.
RAW = (
    (re.compile(r"\b[a-z]+_[a-z_]+\b"), "a code"),
    (re.compile(r"\b(staff|respondent):"), "a signing label"),
    (re.compile(r"\d{4}-\d{2}-\d{2}"), "an ISO date"),
    (re.compile(r"\b[0-9a-f]{12,}\b"), "an identifier"),
    (re.compile(r"\bUTC\b"), "UTC"),
)


def every_kind_on_a_recorded_case(world: World) -> int:
    """A report Budi records from a telephone call, taken over, corrected and confirmed by
    its reporter, linked to case A and unlinked, then referred to KPK; returns its id."""
    from tests.support.recording import Recorded, record, sign_in_with_letter

    budi = world.clients["inv_a"]
    case_id, printed = record(
        budi, Recorded(channel="telepon", reference="LP-0042", unit=world.org.units["a"])
    )
    reporter = https_client(world.app)
    sign_in_with_letter(reporter, printed)
    mine = reporter.get("/lapor/kasus").get_data(as_text=True)
    corrected = reporter.post(
        "/lapor/kasus/koreksi",
        data={"csrf_token": csrf_from(mine), "message": "Jumlahnya Rp 250.000"},
        content_type="multipart/form-data",
    )
    assert corrected.status_code == 302
    assert _post(reporter, "/lapor/kasus/catatan-benar", mine).status_code == 302
    base = f"/staf/pengelola/kasus/{case_id}"
    page = budi.get(base).get_data(as_text=True)
    linked = _post(budi, f"{base}/tautan", page, other_case=str(world.case_a), kind="sama")
    assert linked.status_code == 302
    assert (
        _post(budi, f"{base}/tautan/hapus", page, other_case=str(world.case_a)).status_code == 302
    )
    referral = {
        "kind": "referral",
        "outside_body": "kpk",
        "referred_on": "2026-12-01",
        "referral_reference": "R-1/KPK",
        "reason": "Kerugian negara",
    }
    assert _post(budi, f"{base}/langkah", page, **referral).status_code == 302
    return case_id
