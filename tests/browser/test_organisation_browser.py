"""Issue 15, items 7 and 10 in Chromium without JavaScript.

The administrator makes a new top unit (its own form, a ticked box) and
keeps "not sure" reports going to the Kanwil; a reporter who picks no
category is asked to; a supervisor moves the case to another unit. Each
page is photographed at 1280 and 390 px (into ``WBS_SHOTS_DIR`` if set).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.support.browser import shoot, staff_sign_in
from tests.support.staff import make_staff
from wbs_app.db import app_database
from wbs_app.models import Case, StaffRole, Unit

pytestmark = pytest.mark.browser


def test_new_top_unsure_report_and_a_moved_case(app, org, live_server, browser, tmp_path) -> None:
    shots = Path(os.environ.get("WBS_SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    admin_login = make_staff(app, "admin", StaffRole.ADMIN)
    admin = browser.new_context(java_script_enabled=False).new_page()
    staff_sign_in(admin, live_server, app, admin_login)
    admin.goto(live_server.url + "/staf/admin/unit")
    assert admin.get_by_label("Bagian dari").locator("option").first.inner_text() == (
        "Kanwil Sulawesi Selatan"
    )
    admin.get_by_label("Nama unit puncak yang baru").fill("Kementerian Hukum")
    admin.get_by_role("button", name="Buat unit puncak").click()
    admin.wait_for_load_state()  # drawn before it is read
    assert "Centang kotak untuk mengonfirmasi." in admin.content()  # nothing made unticked
    admin.get_by_label("Ya: tempatkan unit ini di atas unit puncak sekarang").check()
    admin.get_by_role("button", name="Buat unit puncak").click()
    admin.wait_for_load_state()  # drawn before it is read
    assert "Unit puncak dibuat" in admin.content()
    admin.locator("summary", has_text="Ubah UPT Parepare").click()
    shoot(admin, shots, "admin-units")

    reporter = browser.new_context(java_script_enabled=False).new_page()
    reporter.goto(live_server.url + "/lapor/formulir")
    reporter.get_by_label("Apa yang terjadi?").fill("Petugas meminta uang pelicin di loket.")
    reporter.get_by_role("button", name="Lanjut: tinjau laporan").click()
    reporter.wait_for_load_state()  # drawn before it is read
    assert "Pilih jenis pelanggaran" in reporter.content()
    shoot(reporter, shots, "reporter-form-error")
    reporter.get_by_label("Jenis pelanggaran apa?").select_option(label="Lainnya / tidak tahu")
    reporter.get_by_role("button", name="Lanjut: tinjau laporan").click()
    reporter.wait_for_load_state()  # drawn before it is read
    assert "Kanwil Sulawesi Selatan" in reporter.content()  # "not sure": still the Kanwil
    reporter.get_by_role("button", name="Kirim laporan").click()
    receipt = reporter.locator(".receipt-code").inner_text().strip()

    with app_database(app).session() as session:
        case = session.scalar(select(Case))
        assert case.unit_id == org.units["kanwil"]
        ministry = session.scalar(select(Unit).where(Unit.name == "Kementerian Hukum"))
        assert ministry.parent_id is None
    supervisor = browser.new_context(java_script_enabled=False).new_page()
    staff_sign_in(supervisor, live_server, app, org.rahman)
    supervisor.goto(live_server.url + f"/staf/pengelola/kasus/{case.id}")
    supervisor.locator("summary", has_text="Pindahkan kasus ke unit lain").click()
    supervisor.get_by_label("Pindahkan ke unit").select_option(label="\u2014 \u2014 UPT Parepare")
    supervisor.get_by_label("Alasan pemindahan kasus").fill("Kejadian di loket Parepare.")
    supervisor.get_by_role("button", name="Pindahkan kasus").click()
    supervisor.wait_for_load_state()  # drawn before it is read
    assert "Kasus dipindahkan" in supervisor.content() and "Sitti" in supervisor.content()
    shoot(supervisor, shots, "case-moved")
    with app_database(app).session() as session:
        assert session.get(Case, case.id).unit_id == org.units["b"]

    reporter.goto(live_server.url + "/lapor/masuk")
    reporter.get_by_label("Kode laporan Anda").fill(receipt)
    reporter.get_by_role("button", name="Buka laporan saya").click()
    reporter.wait_for_load_state()  # drawn before it is read
    assert "Batas hasil verifikasi" in reporter.content()
    shoot(reporter, shots, "reporter-case")
