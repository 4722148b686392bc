"""The small findings of the issue 17 new-user walk (9-13), through the pages a person sees."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.reporter import Report, post_form, send_review
from tests.support.staff import csrf_token, make_staff, make_units, signed_in
from wbs_app.models import StaffRole

ROOT = Path(__file__).resolve().parent.parent
FEEDBACK = "dalam 90 hari setelah konfirmasi penerimaan"


def _row(page: str, name: str) -> str:
    found = re.search(rf"<tr>(?:(?!</tr>).)*{name}(?:(?!</tr>).)*</tr>", page, re.S)
    assert found is not None, name
    return found.group(0)


def test_an_invited_account_is_not_yet_active_rather_than_waiting_for_certification(app) -> None:
    units = make_units(app)
    admin = signed_in(app, make_staff(app, "admin", StaffRole.ADMIN))
    make_staff(app, "budi", StaffRole.SUPERVISOR, (units["kanwil"],), certified=False)
    token = csrf_token(admin, "/staf/admin/staf/undang")
    link_page = admin.post(
        "/staf/admin/staf/undang",
        data={
            "csrf_token": token,
            "display_name": "Sitti Rahma",
            "email": "sitti@kanwil.example",
            "role": "investigator",
            "units": [units["a"]],
        },
    ).get_data(as_text=True)
    # The one-time link is shown once: no language link leads away from it.
    assert "/staf/aktivasi?kode=" in link_page and 'hreflang="en"' not in link_page
    assert "Salin tautan ini sebelum meninggalkan halaman" in link_page
    staff_list = admin.get("/staf/admin/staf").get_data(as_text=True)
    assert 'hreflang="en"' in staff_list
    invited = _row(staff_list, "Sitti Rahma")
    assert "Belum aktif" in invited and "Menunggu sertifikasi" not in invited
    assert "Menunggu sertifikasi" in _row(staff_list, "budi@kanwil.example")


def test_the_audit_table_stacks_on_a_phone_with_each_cell_named(app) -> None:
    admin = signed_in(app, make_staff(app, "admin", StaffRole.ADMIN))
    page = admin.get("/staf/admin/").get_data(as_text=True)
    assert '<table class="stack">' in page
    assert 'data-label="Oleh"' in page and 'data-label="Rincian"' in page
    css = (ROOT / "wbs_app" / "static" / "css" / "lentera.css").read_text(encoding="utf-8")
    assert "table.stack td[data-label]::before" in css


def test_one_wording_for_the_feedback_promise_and_a_short_not_sure_choice(
    app, org, reporter
) -> None:
    home = reporter.get("/").get_data(as_text=True)
    assert FEEDBACK in home
    review = post_form(reporter, Report(unit=org.units["a"]))
    assert "Tidak yakin (Kanwil menentukan)" in reporter.get("/lapor/formulir").get_data(
        as_text=True
    )
    receipt = send_review(reporter, review.get_data(as_text=True), []).get_data(as_text=True)
    assert FEEDBACK in receipt and "setelah itu" not in receipt
