"""Notices in the app (issue 19): who hears of a new report and a reporter's message; reading.

Through HTTP: the count in every staff page's header, the list on the
handler's overview, a case opened, "mark all as read"; the rows themselves
hold the day only and nothing of what was written.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from crypto import TEST_ARGON2, CodeKind, Identity, derive_code_secrets
from tests.support.reporter import Report, csrf_from, open_case, reply, submit_report
from tests.support.respondent import investigating_case, invite, respondent_client
from tests.support.staff import make_staff, signed_in
from wbs_app.db import app_database
from wbs_app.models import Case, CaseRecord, NoticeKind, StaffNotice, StaffRole
from wbs_app.services.cases.reporter_seen import seen_by_reporter
from wbs_app.services.infra.clock import today

COUNT = re.compile(r'<strong class="count">(\d+)<')


def _count(client) -> int:
    """The unread count in the header of the handler's overview (0 when none is shown)."""
    page = client.get("/staf/pengelola/").get_data(as_text=True)
    assert "Pemberitahuan" in page
    found = COUNT.search(page)
    return int(found.group(1)) if found else 0


def test_a_new_report_and_the_reporters_answer_reach_the_right_handlers(app, org, reporter) -> None:
    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    with app_database(app).session() as session:
        case_id = session.scalars(select(Case.id)).one()
    budi = signed_in(app, org.budi)
    sitti = signed_in(app, org.sitti)
    rahman = signed_in(app, org.rahman)
    # The unit's own investigator hears of it; the Kanwil's supervisor holds it
    # through supervision but is not told of every report of every unit.
    assert (_count(budi), _count(sitti), _count(rahman)) == (1, 0, 0)
    overview = budi.get("/staf/pengelola/").get_data(as_text=True)
    assert f'href="/staf/pengelola/kasus/{case_id}">#{case_id}</a>: Laporan baru' in overview
    assert budi.get(f"/staf/pengelola/kasus/{case_id}").status_code == 200
    assert _count(budi) == 0, "opening the case read its notice"
    assert "Tidak ada yang baru" in budi.get("/staf/pengelola/").get_data(as_text=True)

    assert open_case(reporter, receipt).status_code == 302
    reply(reporter, "PESAN-RAHASIA-PELAPOR ada kuitansi")
    reply(reporter, "Satu lagi")
    # Every current holder hears of what the reporter wrote, twice in one line.
    assert (_count(budi), _count(sitti), _count(rahman)) == (2, 0, 2)
    overview = rahman.get("/staf/pengelola/").get_data(as_text=True)
    assert "Pelapor menulis (2)" in overview
    assert "PESAN-RAHASIA-PELAPOR" not in overview
    page = rahman.get("/staf/pengelola/").get_data(as_text=True)
    done = rahman.post(
        "/staf/pengelola/pemberitahuan/dibaca",
        data={"csrf_token": csrf_from(page)},
        follow_redirects=True,
    )
    assert "Semua pemberitahuan ditandai sudah dibaca" in done.get_data(as_text=True)
    assert _count(rahman) == 0 and _count(budi) == 2, "each person reads their own"
    with app_database(app).session() as session:
        rows = session.scalars(select(StaffNotice)).all()
    assert sorted(row.kind for row in rows) == sorted(
        [NoticeKind.NEW_CASE] + [NoticeKind.REPORTER_MESSAGE] * 4
    )
    assert {row.created_on for row in rows} == {today()}, "the day only"
    assert min(row.id for row in rows) > 2**32, "random ids, no running number"


def test_an_administrator_hears_of_no_case(app, org, reporter) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    admin = signed_in(app, make_staff(app, "admin", StaffRole.ADMIN))
    page = admin.get("/staf/admin/").get_data(as_text=True)
    assert "Pemberitahuan" not in page
    token = csrf_from(page)
    posted = admin.post("/staf/pengelola/pemberitahuan/dibaca", data={"csrf_token": token})
    assert posted.status_code == 403


def test_a_statement_and_a_request_for_more_time_reach_the_cases_holders(
    app, org, reporter
) -> None:
    budi, case_id = investigating_case(app, org, reporter)
    code = invite(budi, case_id)
    assert budi.get(f"/staf/pengelola/kasus/{case_id}").status_code == 200  # all read
    rahman = signed_in(app, org.rahman)
    assert (_count(budi), _count(rahman)) == (0, 0)
    official, _ = respondent_client(app, code)
    page = official.get("/klarifikasi/").get_data(as_text=True)
    asked = official.post(
        "/klarifikasi/perpanjangan",
        data={"csrf_token": csrf_from(page), "days": "7", "reason": "Sedang dinas luar."},
    )
    assert asked.status_code == 302
    sent = official.post(
        "/klarifikasi/pernyataan",
        data={"csrf_token": csrf_from(page), "statement": "Saya menolak tuduhan itu."},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    for handler in (budi, rahman):
        overview = handler.get("/staf/pengelola/").get_data(as_text=True)
        assert "Permintaan perpanjangan waktu untuk menanggapi" in overview
        assert "Tanggapan dari pejabat yang diundang" in overview
        assert "menolak" not in overview and "dinas luar" not in overview
    assert (_count(budi), _count(rahman)) == (2, 2)


def test_the_reporter_sees_what_is_new_since_the_last_visit_and_nobody_else_can_tell(
    app, org, reporter
) -> None:
    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    with app_database(app).session() as session:
        case_id = session.scalars(select(Case.id)).one()
    budi = signed_in(app, org.budi)
    token = csrf_from(budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True))
    for text in ("Pertanyaan pertama?", "Pertanyaan kedua?"):
        budi.post(
            f"/staf/pengelola/kasus/{case_id}/pesan",
            data={"csrf_token": token, "text": text, "question": "y"},
        )
    assert open_case(reporter, receipt).status_code == 302
    first = reporter.get("/lapor/kasus").get_data(as_text=True)
    assert first.count('<strong class="unread">baru</strong>') == 2
    again = reporter.get("/lapor/kasus").get_data(as_text=True)
    assert "Pertanyaan kedua?" in again and 'class="unread"' not in again, "read once"
    budi.post(
        f"/staf/pengelola/kasus/{case_id}/pesan",
        data={"csrf_token": token, "text": "Pertanyaan ketiga?", "question": "y"},
    )
    third = reporter.get("/lapor/kasus").get_data(as_text=True)
    assert third.count('class="unread"') == 1
    assert third.index('class="unread"') > third.index("Pertanyaan kedua?")
    digits = re.sub(r"\D", "", receipt)
    salt = bytes.fromhex(app.config["INSTALLATION_SALT"])
    secrets_ = derive_code_secrets(digits, CodeKind.RECEIPT, salt, TEST_ARGON2)
    with app_database(app).session() as session:
        case = session.get_one(Case, case_id)
        newest = max(session.scalars(select(CaseRecord.seq).where(CaseRecord.case_id == case_id)))
        assert seen_by_reporter(case, Identity.from_seed(secrets_.identity_seed)) == newest
        assert seen_by_reporter(case, Identity.generate()) == 0, "no other key opens it"


def test_a_notice_of_a_case_no_longer_held_is_neither_counted_nor_listed(
    app, org, reporter
) -> None:
    """Rahman revokes Budi's access before Budi opened the new report: its notice goes."""
    submit_report(reporter, Report(unit=org.units["a"]))
    with app_database(app).session() as session:
        case_id = session.scalars(select(Case.id)).one()
    budi, rahman = signed_in(app, org.budi), signed_in(app, org.rahman)
    assert _count(budi) == 1
    page = rahman.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    revoked = rahman.post(
        f"/staf/pengelola/kasus/{case_id}/akses/cabut",
        data={"csrf_token": csrf_from(page), "staff_id": str(org.budi.id)},
    )
    assert revoked.status_code == 302
    assert _count(budi) == 0
    assert f"#{case_id}</a>" not in budi.get("/staf/pengelola/").get_data(as_text=True)
