"""Letters an office can send (issue 15, item 13), through the pages their users touch.

An administrator sets the letterhead (office, address, contact, logo from a
file under instance/, signing official, letter-number code) on an admin page
that refuses what is not right; the invitation letter then carries the
letterhead, a number from the year's sequence that a reprint keeps, the date
the Indonesian way, the case reference, the respondent page's address and the
signature. The receipt a reporter prints says whose service it is and where
to use the code; the deadlines page cites the Indonesian rules first.
"""

from __future__ import annotations

import re
import threading
from datetime import date

import pytest
from sqlalchemy import select

from tests.support.http import https_client
from tests.support.reporter import Report, csrf_from, post_form, send_review
from tests.support.respondent import (
    CODE_RE,
    investigating_case,
    invitation_fields,
    invitation_letter,
    respondent_client,
)
from tests.support.staff import make_staff, sign_in
from wbs_app.db import app_database
from wbs_app.models import AuditEvent, LetterCounter, Letterhead, RespondentInvitation, StaffRole
from wbs_app.services.infra.transactions import begin_write
from wbs_app.services.office import letter_numbers
from wbs_app.services.office.letter_numbers import ROMAN_MONTHS

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LETTERHEAD = {
    "office_name": "Kantor Wilayah Kementerian Hukum Sulawesi Selatan",
    "address": "Jl. Jenderal Sudirman No. 1\nMakassar 90115",
    "contact": "Telp. (0411) 000000, pengaduan@kanwil.example",
    "logo_path": "",
    "signatory_name": "Andi Rahmawati, S.H., M.H.",
    "signatory_position": "Kepala Divisi Pelayanan Hukum",
    "number_prefix": "WBS",
}


@pytest.fixture
def admin(app, org):
    client = https_client(app)
    sign_in(app, client, make_staff(app, "admin", StaffRole.ADMIN))
    return client


def _save_letterhead(admin, **changes: str):
    page = admin.get("/staf/admin/kop-surat").get_data(as_text=True)
    return admin.post(
        "/staf/admin/kop-surat", data={"csrf_token": csrf_from(page), **LETTERHEAD, **changes}
    )


def _stored(app) -> Letterhead | None:
    with app_database(app).session() as session:
        return session.get(Letterhead, 1)


def _number(today: date, sequence: int, prefix: str = "WBS") -> str:
    return f"{sequence:03d}/{prefix}/{ROMAN_MONTHS[today.month - 1]}/{today.year}"


def _indonesian_date(day: date) -> str:
    months = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ]
    return f"{day.day} {months[day.month - 1]} {day.year}"


def test_the_letter_carries_letterhead_number_date_case_and_signatory(
    app, org, reporter, admin
) -> None:
    assert _save_letterhead(admin).status_code == 302
    budi, case_id = investigating_case(app, org, reporter)
    letter = invitation_letter(budi, case_id)
    page = letter.get_data(as_text=True)
    today = date.today()
    for text in (
        LETTERHEAD["office_name"],
        "Jl. Jenderal Sudirman No. 1\nMakassar 90115",
        LETTERHEAD["contact"],
        LETTERHEAD["signatory_name"],
        LETTERHEAD["signatory_position"],
        _number(today, 1),
        _indonesian_date(today),
        f"Kasus #{case_id}",
        "/klarifikasi/masuk",
    ):
        assert text in page, text
    # A reprint keeps the number; the next letter takes the next one.
    assert _number(today, 1) in budi.get(letter.request.path).get_data(as_text=True)
    second = invitation_letter(budi, case_id, name="Petugas Loket 3").get_data(as_text=True)
    assert _number(today, 2) in second and _number(today, 1) not in second


def test_the_number_keeps_after_the_respondent_signs_in_and_restarts_each_year(
    app, org, reporter, admin
) -> None:
    _save_letterhead(admin, number_prefix="w21-ulp")
    budi, case_id = investigating_case(app, org, reporter)
    letter = invitation_letter(budi, case_id)
    today = date.today()
    respondent_client(app, CODE_RE.search(letter.get_data(as_text=True)).group(1))
    after = budi.get(letter.request.path).get_data(as_text=True)
    assert "Nomor surat " + _number(today, 1, "W21-ULP") in after  # kept, in capitals
    # A letter first drawn in the new year starts the sequence again.
    page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    created = budi.post(
        f"/staf/pengelola/kasus/{case_id}/undangan", data=invitation_fields(page, "Petugas Loket 4")
    )
    assert created.status_code == 303
    new_year = date(today.year + 1, 1, 2)
    with app_database(app).session() as session:
        newest = session.scalars(
            select(RespondentInvitation).order_by(RespondentInvitation.id.desc())
        ).first()
        number = letter_numbers.issue(session, newest, "W21-ULP", new_year).number
        session.commit()
    assert number == f"001/W21-ULP/I/{new_year.year}"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"office_name": ""}, "office_name", "Kolom ini wajib diisi"),
        ({"number_prefix": "WBS/<b>"}, "number_prefix", "huruf kapital"),
        ({"logo_path": "https://cdn.example/logo.png"}, "logo_path", "folder instance"),
        ({"logo_path": "../config.py"}, "logo_path", "folder instance"),
        ({"logo_path": "/etc/passwd"}, "logo_path", "folder instance"),
        ({"logo_path": "config.py"}, "logo_path", "PNG atau JPEG"),
        ({"logo_path": "kop/fake.png"}, "logo_path", "PNG atau JPEG"),
        ({"logo_path": "kop/none.png"}, "logo_path", "Tidak ada berkas"),
    ],
)
def test_the_letterhead_page_refuses_what_is_not_right(
    app, admin, instance_path, changes, field, message
) -> None:
    (instance_path / "kop").mkdir()
    (instance_path / "kop" / "fake.png").write_bytes(b"SQLite format 3\x00" + b"\x00" * 64)
    response = _save_letterhead(admin, **changes)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(f'<p class="field-error" id="{field}-error">([^<]*)</p>', body)
    assert error and message in error.group(1), body[-3000:]
    assert _stored(app) is None


def test_a_logo_from_the_instance_folder_is_served_to_staff_only(app, admin, instance_path) -> None:
    (instance_path / "kop").mkdir()
    (instance_path / "kop" / "logo.png").write_bytes(PNG)
    assert _save_letterhead(admin, logo_path="kop/logo.png").status_code == 302
    page = admin.get("/staf/admin/kop-surat").get_data(as_text=True)
    assert 'src="/staf/kop-surat/logo"' in page
    logo = admin.get("/staf/kop-surat/logo")
    assert logo.status_code == 200 and logo.mimetype == "image/png" and logo.data == PNG
    assert https_client(app).get("/staf/kop-surat/logo").status_code in (302, 303, 403)
    with app_database(app).session() as session:
        actions = list(session.scalars(select(AuditEvent.action)))
    assert "letterhead_changed" in actions
    assert "Kop surat diubah" in admin.get("/staf/admin/audit").get_data(as_text=True)


def test_the_printed_receipt_names_the_office_and_the_site(app, org, reporter, admin) -> None:
    _save_letterhead(admin)
    review = post_form(reporter, Report(unit=org.units["a"], what="Pungli di loket"))
    page = send_review(reporter, review.get_data(as_text=True)).get_data(as_text=True)
    assert LETTERHEAD["office_name"] in page
    base = app.config["BASE_URL"].rstrip("/")
    assert f"{base}/lapor/masuk" in page


def test_the_deadlines_page_cites_the_indonesian_basis_first(admin) -> None:
    page = admin.get("/staf/admin/pengaturan").get_data(as_text=True)
    positions = [
        page.index(text)
        for text in ("Permenkum 4/2026", "Perpres 76/2013", "SP4N-LAPOR!", "2019/1937")
    ]
    assert positions[-1] == max(positions)
    assert "Hanya sebagai rujukan" in page


def test_the_letter_without_a_letterhead_says_what_is_missing(app, org, reporter) -> None:
    budi, case_id = investigating_case(app, org, reporter)
    page = invitation_letter(budi, case_id).get_data(as_text=True)
    assert _number(date.today(), 1) in page
    assert "Kop surat belum lengkap" in page


def _invitations_without_letters(app, org, reporter, count: int) -> list[int]:
    """Invitations made through the case page whose letters were never drawn."""
    budi, case_id = investigating_case(app, org, reporter)
    for number in range(count):
        page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
        made = budi.post(
            f"/staf/pengelola/kasus/{case_id}/undangan",
            data=invitation_fields(page, f"Petugas Loket {number}"),
        )
        assert made.status_code == 303
    with app_database(app).session() as session:
        return list(session.scalars(select(RespondentInvitation.id)))


def _issue_at_once(app, invitation_ids: list[int]) -> list[str]:
    """Each invitation's letter numbered in its own transaction, all started together."""
    start = threading.Barrier(len(invitation_ids))
    numbers: dict[int, str] = {}

    def draw(invitation_id: int) -> None:
        with app_database(app).session() as session:
            invitation = session.get(RespondentInvitation, invitation_id)
            start.wait()
            begin_write(session)  # as the letter page does
            numbers[invitation_id] = letter_numbers.issue(
                session, invitation, "WBS", date(2026, 12, 1)
            ).number
            session.commit()

    threads = [threading.Thread(target=draw, args=(i,)) for i in invitation_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [numbers[i] for i in invitation_ids]


def test_letters_drawn_at_once_get_distinct_numbers_and_one_letter_keeps_one(
    app, org, reporter
) -> None:
    ids = _invitations_without_letters(app, org, reporter, 3)
    numbers = _issue_at_once(app, ids)
    assert sorted(numbers) == [f"00{n}/WBS/XII/2026" for n in (1, 2, 3)]
    # The same letter drawn twice at once keeps the number it has.
    again = _issue_at_once(app, [ids[0], ids[0]])
    assert again == [numbers[0], numbers[0]]
    with app_database(app).session() as session:
        assert session.get(LetterCounter, 2026).last == 3
