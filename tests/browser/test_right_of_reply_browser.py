"""The right of reply's journey in Chromium without JavaScript (issue 15, item 2).

The respondent asks for more time (how many days and why), the handler
refuses with a reason, tries to record the finding while the time to answer
runs, is held back, writes why they go ahead; the respondent then reads the
outcome and the reason, and is offered nothing more to send. Screenshots at
1280 and 390 px go to ``WBS_SHOTS`` (default: the test's temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.browser import staff_sign_in
from tests.support.http import https_client
from tests.support.reporter import Report, submit_report
from tests.support.respondent import invite, to_examination, type_new_code_back

pytestmark = pytest.mark.browser


# The innermost elements that reach past the screen's right edge.
WIDER_THAN_SCREEN = """
[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 60))
"""


def _shoot(page, folder: Path, name: str) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
        wide = page.evaluate(WIDER_THAN_SCREEN)
        assert not wide, f"{name} overflows at {width} px: {wide}"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_more_time_refused_then_decided_ahead_with_a_reason(
    app, org, live_server, browser, tmp_path
) -> None:
    shots = Path(os.environ.get("WBS_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    submit_report(https_client(app), Report(unit=org.units["a"]))
    budi, case_id = to_examination(app, org)
    code = invite(budi, case_id)

    accused = browser.new_context(java_script_enabled=False).new_page()
    accused.goto(live_server.url + "/klarifikasi/masuk")
    accused.get_by_label("Kode undangan Anda").fill(code)
    accused.get_by_role("button", name="Buka").click()
    # The first sign-in hands over the official's own code (issue 15, item 5).
    type_new_code_back(accused)
    accused.get_by_label("Berapa hari tambahan yang Anda perlukan?").fill("10")
    accused.get_by_label("Mengapa Anda memerlukan perpanjangan waktu?").fill(
        "Dokumen di kantor lama."
    )
    accused.get_by_role("button", name="Minta perpanjangan waktu").click()
    accused.wait_for_load_state()  # drawn before it is read
    content = accused.content()
    assert "Permintaan perpanjangan waktu 10 hari." in content
    assert "sedang menunggu keputusan tim" in content
    _shoot(accused, shots, "respondent-asked")

    handler = browser.new_context(java_script_enabled=False).new_page()
    staff_sign_in(handler, live_server, app, org.budi)
    handler.goto(f"{live_server.url}/staf/pengelola/kasus/{case_id}")
    assert handler.locator("input[name=days][id^=days-]").input_value() == "10"
    handler.get_by_label("Tolak", exact=True).check()
    handler.get_by_label("Alasan (dibaca oleh pihak yang diundang)").fill("Waktu sudah cukup.")
    handler.get_by_role("button", name="Catat keputusan atas permintaan perpanjangan waktu").click()
    handler.locator("summary", has_text="Catat hasil pemeriksaan").click()
    handler.get_by_label("Hasil pemeriksaan", exact=True).select_option("not_proven")
    handler.get_by_label("Pertimbangan").fill("Tidak cukup bukti.")
    handler.get_by_role("button", name="Catat hasil pemeriksaan").click()
    handler.wait_for_load_state()  # drawn before it is read
    assert "Waktu menanggapi bagi pihak yang diundang belum berakhir" in handler.content()
    _shoot(handler, shots, "handler-held-back")
    handler.locator("#ahead-finding").fill("Terlapor pensiun pekan depan.")
    handler.get_by_role("button", name="Catat hasil pemeriksaan").click()
    handler.wait_for_load_state()  # drawn before it is read
    assert "Langkah dicatat dalam jurnal." in handler.content()
    _shoot(handler, shots, "handler-decided")

    accused.reload()
    content = accused.content()
    assert "Permintaan perpanjangan waktu tidak dikabulkan." in content
    assert "Waktu sudah cukup." in content and "Terlapor pensiun pekan depan." in content
    assert "Pemeriksaan perkara ini telah selesai" in content
    assert accused.get_by_role("button", name="Kirim tanggapan").count() == 0
    assert accused.get_by_role("button", name="Minta perpanjangan waktu").count() == 0
    _shoot(accused, shots, "respondent-concluded")
    handler.context.close()
    accused.context.close()
