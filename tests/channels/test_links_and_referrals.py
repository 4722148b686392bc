"""Linked cases, referral up the tiers and to outside bodies (issue 20), through HTTP.

A link is symmetric, journaled in both cases, and only between cases the
handler holds; "same matter" links make one matter for the statistics. A
UPT refers a case to the Kanwil and the Kanwil to the central unit: the
keys reach the receiving unit's certified handlers and never one the
reporter excluded, the sender keeps or loses access as chosen, and the
reporter is told in plain words. A referral to KPK is recorded with the
body, the date and the reference, and the case follows the referred status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.support.casework import journal_kinds, post_on_case
from tests.support.http import https_client
from tests.support.recording import Recorded, record, sign_in_with_letter
from tests.support.reporter import Report, open_case, submit_report
from tests.support.staff import StaffLogin, make_staff, signed_in
from wbs_app.db import app_database
from wbs_app.models import Case, CaseLink, CaseStatus, KeyWrap, StaffRole
from wbs_app.services.cases import case_links, journal
from wbs_app.services.office import organisation


def _wraps(app, case_id: int, staff_id: int) -> int:
    with app_database(app).session() as session:
        return session.scalar(
            select(func.count())
            .select_from(KeyWrap)
            .where(KeyWrap.case_id == case_id, KeyWrap.staff_id == staff_id)
        )


def test_links_are_symmetric_journaled_and_only_between_held_cases(app, org) -> None:
    budi = signed_in(app, org.budi)
    first, _ = record(budi, Recorded(channel="lapor", unit=org.units["a"]))
    second, _ = record(budi, Recorded(channel="telepon", unit=org.units["a"]))
    third, _ = record(budi, Recorded(channel="surat", unit=org.units["a"]))
    sitti = signed_in(app, org.sitti)
    theirs, _ = record(sitti, Recorded(channel="email", unit=org.units["b"]))

    linked = post_on_case(
        budi, first, "tautan", other_case=second, kind="sama", note="Satu pengaduan"
    )
    assert linked.status_code == 302
    for here, there in ((first, second), (second, first)):
        page = budi.get(f"/staf/pengelola/kasus/{here}").get_data(as_text=True)
        assert f'href="/staf/pengelola/kasus/{there}"' in page
        assert "Perkara yang sama (dihitung sekali)" in page
        assert journal_kinds(app, here)[-1] == "case_linked"
    again = post_on_case(budi, second, "tautan", other_case=first, kind="sama")
    assert again.status_code == 400 and "sudah ditautkan" in again.get_data(as_text=True)
    # A case he does not hold answers as one that does not exist, and nothing is written.
    for other in (theirs, 999_999):
        refused = post_on_case(budi, first, "tautan", other_case=other, kind="terkait")
        assert refused.status_code == 400
        assert "Tidak ada kasus dengan nomor ini yang Anda pegang." in refused.get_data(
            as_text=True
        )
    assert post_on_case(budi, first, "tautan", other_case=first, kind="sama").status_code == 400
    assert "case_linked" not in journal_kinds(app, theirs)
    # Nor can she link her case to his.
    assert post_on_case(sitti, theirs, "tautan", other_case=first, kind="sama").status_code == 400
    with app_database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(CaseLink)) == 1
        # The statistics count the matter once; a "related" link joins nothing.
        assert case_links.matter_count(session, [first, second, third]) == 2
    assert post_on_case(budi, third, "tautan", other_case=first, kind="terkait").status_code == 302
    with app_database(app).session() as session:
        assert case_links.matter_count(session, [first, second, third]) == 2
    # Unlinking is journaled on both sides too.
    assert post_on_case(budi, second, "tautan/hapus", other_case=first).status_code == 302
    assert (
        journal_kinds(app, first)[-1] == "case_unlinked"
        and journal_kinds(app, second)[-1] == "case_unlinked"
    )
    with app_database(app).session() as session:
        assert case_links.matter_count(session, [first, second, third]) == 3
        for case_id in (first, second):
            assert journal.verify_case(session, session.get(Case, case_id)) is None


@dataclass
class Tiers:
    central: int
    kanwil: int
    upt: int
    budi: StaffLogin  # investigator of the UPT
    rahman: StaffLogin  # supervisor of the Kanwil
    andi: StaffLogin  # supervisor of the Kanwil
    dewi: StaffLogin  # investigator of the Kanwil
    wati: StaffLogin  # investigator of the central unit
    pusat: StaffLogin  # supervisor of the central unit


@pytest.fixture
def tiers(app) -> Tiers:
    with app_database(app).session() as session:
        central = organisation.create_unit(session, None, "Unit Pengaduan Pusat", None)
        kanwil = organisation.create_unit(session, None, "Kanwil Sulawesi Selatan", central.id)
        upt = organisation.create_unit(session, None, "UPT Makassar", kanwil.id)
        ids = central.id, kanwil.id, upt.id
    return Tiers(
        *ids,
        budi=make_staff(app, "budi", unit_ids=(ids[2],)),
        rahman=make_staff(app, "rahman", StaffRole.SUPERVISOR, unit_ids=(ids[1],)),
        andi=make_staff(app, "andi", StaffRole.SUPERVISOR, unit_ids=(ids[1],)),
        dewi=make_staff(app, "dewi", unit_ids=(ids[1],)),
        wati=make_staff(app, "wati", unit_ids=(ids[0],)),
        pusat=make_staff(app, "pusat", StaffRole.SUPERVISOR, unit_ids=(ids[0],)),
    )


def test_a_case_climbs_the_tiers_with_its_keys_and_never_to_an_excluded_handler(app, tiers) -> None:
    reporter = https_client(app)
    receipt = submit_report(reporter, Report(unit=tiers.upt), exclude=[tiers.rahman.id])
    with app_database(app).session() as session:
        case_id = session.scalar(select(func.max(Case.id)))
    budi, dewi = signed_in(app, tiers.budi), signed_in(app, tiers.dewi)
    assert dewi.get(f"/staf/pengelola/kasus/{case_id}").status_code == 404
    no_reason = post_on_case(budi, case_id, "teruskan-ke-atas", reason="")
    assert no_reason.status_code == 400 and "Tuliskan alasannya." in no_reason.get_data(
        as_text=True
    )
    # Unticked: the UPT's access ends, the sender's own included.
    sent = post_on_case(budi, case_id, "teruskan-ke-atas", reason="Melibatkan kepala UPT")
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/staf/pengelola/kasus")
    with app_database(app).session() as session:
        assert session.get(Case, case_id).unit_id == tiers.kanwil
    assert dewi.get(f"/staf/pengelola/kasus/{case_id}").status_code == 200
    assert budi.get(f"/staf/pengelola/kasus/{case_id}").status_code == 404
    assert _wraps(app, case_id, tiers.rahman.id) == 0  # the reporter excluded him
    assert _wraps(app, case_id, tiers.budi.id) == 0
    kinds = journal_kinds(app, case_id)
    assert "referred_up" in kinds and "access_granted" in kinds and "access_revoked" in kinds
    # The reporter is told, in plain words.
    own = https_client(app)
    open_case(own, receipt)
    assert "unit pengaduan tingkat di atasnya" in own.get("/lapor/kasus").get_data(as_text=True)
    # The Kanwil refers it on to the central unit, keeping its own access.
    up = post_on_case(
        dewi, case_id, "teruskan-ke-atas", reason="Kerugian negara besar", keep_access="y"
    )
    assert up.status_code == 302
    wati = signed_in(app, tiers.wati)
    assert wati.get(f"/staf/pengelola/kasus/{case_id}").status_code == 200
    assert dewi.get(f"/staf/pengelola/kasus/{case_id}").status_code == 200
    assert _wraps(app, case_id, tiers.rahman.id) == 0
    # The top of the tree has nowhere to send it.
    page = wati.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert "teruskan-ke-atas" not in page
    topmost = post_on_case(wati, case_id, "teruskan-ke-atas", reason="x")
    assert topmost.status_code == 400 and "tidak memiliki tingkat aktif" in topmost.get_data(
        as_text=True
    )
    with app_database(app).session() as session:
        assert journal.verify_case(session, session.get(Case, case_id)) is None


def test_a_referral_to_kpk_is_recorded_and_the_reporter_told(app, org) -> None:
    budi = signed_in(app, org.budi)
    case_id, printed = record(budi, Recorded(unit=org.units["a"]))
    future = (date.today() + timedelta(days=3)).isoformat()
    step = {"kind": "referral", "outside_body": "kpk", "reason": "Kerugian negara di atas Rp1 M"}
    late = post_on_case(budi, case_id, "langkah", **step, referred_on=future)
    assert late.status_code == 400 and "Tanggal ini belum tiba." in late.get_data(as_text=True)
    unnamed = post_on_case(
        budi,
        case_id,
        "langkah",
        **{**step, "outside_body": "other"},
        referred_on=date.today().isoformat(),
    )
    assert unnamed.status_code == 400
    done = post_on_case(
        budi,
        case_id,
        "langkah",
        **step,
        referred_on=date.today().isoformat(),
        referral_reference="R-123/KPK/2026",
    )
    assert done.status_code == 302
    with app_database(app).session() as session:
        assert session.get(Case, case_id).status is CaseStatus.REFERRED
    page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert "R-123/KPK/2026" in page and "KPK (Komisi Pemberantasan Korupsi)" in page
    visitor = https_client(app)
    sign_in_with_letter(visitor, printed)
    mine = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert "diteruskan kepada Komisi Pemberantasan Korupsi (KPK)" in mine
    assert "R-123/KPK/2026" not in mine  # the internal detail stays with the handlers


def test_a_case_number_too_large_for_the_database_is_refused_in_words(app, org) -> None:
    budi = signed_in(app, org.budi)
    case_id, _ = record(budi, Recorded(unit=org.units["a"]))
    for number in ("99999999999999999999", "-3", "tujuh"):
        refused = post_on_case(budi, case_id, "tautan", other_case=number, kind="sama")
        assert refused.status_code == 400
        assert "Tidak ada kasus dengan nomor ini yang Anda pegang." in refused.get_data(
            as_text=True
        )
