"""Issue 17 in Chromium without JavaScript: a new colleague reads out the fingerprint, a
supervisor types it in, and the reporter's review page shows who certified each recipient.

Each page is photographed at 1280 and 390 px (into ``WBS_SHOTS_DIR`` if set).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.browser import staff_sign_in
from tests.support.staff import make_staff

pytestmark = pytest.mark.browser


def _shoot(page, folder: Path, name: str) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_certify_a_colleague_and_the_review_page(app, org, live_server, browser, tmp_path) -> None:
    shots = Path(os.environ.get("WBS_SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    dewi_login = make_staff(app, "dewi", unit_ids=(org.units["a"],), certified=False)
    dewi = browser.new_context(java_script_enabled=False).new_page()
    staff_sign_in(dewi, live_server, app, dewi_login)
    dewi.goto(live_server.url + "/staf/pengelola/kunci")
    assert "Menunggu sertifikasi" in dewi.content()
    heard = dewi.locator("#own-fingerprint").inner_text()
    _shoot(dewi, shots, "own-key-waiting")

    rahman = browser.new_context(java_script_enabled=False).new_page()
    staff_sign_in(rahman, live_server, app, org.rahman)
    rahman.goto(live_server.url + "/staf/pengelola/sertifikasi")
    _shoot(rahman, shots, "certify-list")
    field = rahman.get_by_label("Sidik jari sebagaimana dibacakan rekan Anda")
    field.fill("1234 5678")
    rahman.get_by_role("button", name="Sertifikasi Dewi").click()
    # Waited for, not read at once: after the post's redirect the page may not be drawn yet
    # (its content was once read empty on a loaded machine).
    expect(rahman.locator("main")).to_contain_text("24 angka")
    assert "Minta rekan membacakannya lagi" in rahman.content()
    _shoot(rahman, shots, "certify-refused")
    rahman.get_by_label("Sidik jari sebagaimana dibacakan rekan Anda").fill(heard)
    rahman.get_by_role("button", name="Sertifikasi Dewi").click()
    expect(rahman.locator("main")).to_contain_text("Kunci Dewi telah disertifikasi")
    _shoot(rahman, shots, "certify-done")

    dewi.goto(live_server.url + "/staf/pengelola/kunci")
    assert "Disertifikasi oleh Rahman" in dewi.content()
    _shoot(dewi, shots, "own-key-certified")

    reporter = browser.new_context(java_script_enabled=False).new_page()
    reporter.goto(live_server.url + "/lapor/formulir")
    reporter.get_by_label("Apa yang terjadi?").fill("Petugas meminta uang pelicin di loket.")
    reporter.get_by_label("Jenis pelanggaran apa?").select_option(label="Lainnya / tidak tahu")
    reporter.get_by_role("button", name="Lanjut: tinjau laporan").click()
    reporter.wait_for_load_state()  # drawn before it is read
    content = reporter.content()
    assert "Sidik jari kunci" in content and "disertifikasi oleh para kustodian" in content
    _shoot(reporter, shots, "review-recipients")
