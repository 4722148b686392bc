"""A report taken by telephone, recorded, printed, taken over and checked, in Chromium (issue 20).

Budi records a telephone report with a scanned note attached, without
JavaScript: first with a day still to come (refused in words, the text and
the file kept), then put right. He prints the receipt letter. The reporter
signs in with the printed code, copies the new code shown to them alone,
reads what Budi wrote down and corrects it; Budi sees the correction on the
case page. Each page is photographed at 1280 and 390 px (into
``WBS_SHOTS_DIR`` if set).
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.browser import shoot, staff_sign_in

pytestmark = pytest.mark.browser


def test_a_telephone_report_from_the_handlers_form_to_the_reporters_correction(
    app, org, live_server, browser, tmp_path, moved_totp_clock
) -> None:
    shots = Path(os.environ.get("WBS_SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    scan = tmp_path / "catatan-telepon.pdf"
    scan.write_bytes(b"%PDF-1.4 catatan telepon")
    page = browser.new_context(java_script_enabled=False).new_page()
    staff_sign_in(page, live_server, app, org.budi)
    page.goto(live_server.url + "/staf/pengelola/")
    page.get_by_role("link", name="Catat laporan").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Catat laporan yang masuk lewat saluran lain")
    shoot(page, shots, "record-form")
    page.get_by_label("Saluran masuknya laporan").select_option("telepon")
    page.get_by_label("Tanggal diterima").fill((date.today() + timedelta(days=3)).isoformat())
    page.get_by_label("Nomor registrasi dari saluran itu (tidak wajib)").fill("TLP-2026-0042")
    page.get_by_label("Unit yang dilaporkan").select_option(str(org.units["a"]))
    page.get_by_label("Apa yang terjadi?").fill("Penelpon dimintai Rp 150.000 di loket paspor.")
    page.locator("#evidence").set_input_files(str(scan))
    page.get_by_role("button", name="Catat laporan ini").click()
    page.wait_for_load_state()
    main = page.locator("main")
    expect(main).to_contain_text("Tanggal diterima tidak boleh hari yang akan datang.")
    expect(main).to_contain_text("catatan-telepon.pdf")  # the file waits in the draft
    expect(page.get_by_label("Apa yang terjadi?")).to_have_value(
        "Penelpon dimintai Rp 150.000 di loket paspor."
    )
    shoot(page, shots, "record-refused")
    page.get_by_label("Tanggal diterima").fill(date.today().isoformat())
    page.get_by_role("button", name="Catat laporan ini").click()
    page.wait_for_load_state()
    expect(main).to_contain_text("Tanda terima laporan Anda")
    printed = page.locator(".receipt-code").inner_text()
    assert re.fullmatch(r"(\d{4} ){4}\d{4}", printed)
    shoot(page, shots, "receipt-letter")

    reporter = browser.new_context(java_script_enabled=False).new_page()
    reporter.goto(live_server.url + "/lapor/masuk")
    reporter.get_by_label("Kode laporan Anda").fill(printed)
    reporter.get_by_role("button", name="Buka laporan saya").click()
    reporter.wait_for_load_state()
    expect(reporter.locator("h1")).to_have_text("Kode laporan baru Anda")
    own = reporter.locator(".receipt-code").inner_text()
    assert own != printed
    shoot(reporter, shots, "new-receipt")
    reporter.get_by_label(
        "Ketik kode laporan baru Anda untuk memastikan bahwa Anda sudah mencatatnya"
    ).fill(own)
    reporter.get_by_role("button", name="Saya sudah mencatatnya").click()
    reporter.wait_for_load_state()
    expect(reporter.locator("main")).to_contain_text("Laporan Anda sebagaimana dicatat oleh tim")
    expect(reporter.locator("main")).to_contain_text("catatan-telepon.pdf")
    shoot(reporter, shots, "recorded-report")
    reporter.get_by_label("Ada yang keliru atau kurang: tuliskan koreksinya").fill(
        "Jumlahnya Rp 250.000, bukan Rp 150.000."
    )
    reporter.get_by_role("button", name="Kirim koreksi").click()
    reporter.wait_for_load_state()
    expect(reporter.locator("main")).to_contain_text("Koreksi Anda telah dikirim kepada tim")

    page.get_by_role("link", name="Ke halaman kasus").first.click()
    page.wait_for_load_state()
    expect(main).to_contain_text("Jumlahnya Rp 250.000, bukan Rp 150.000.")
    expect(main).to_contain_text("TLP-2026-0042")
    expect(main).to_contain_text("Pelapor mengoreksi catatan laporannya")
    shoot(page, shots, "recorded-case")
