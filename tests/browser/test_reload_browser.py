"""Reload, back and resubmit after sending, in Chromium with JavaScript off (issue 14, defect 5).

The send redirects to the receipt page (post/redirect/get); a reload of it
says the report was sent and its code not kept; the back button reaches the
review page, whose POST Chromium will not repeat by itself ("Confirm Form
Resubmission", net::ERR_CACHE_MISS), and a reload there resubmits the form:
that lands on the receipt page again, and nothing is filed twice.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import func, select

from wbs_app.db import app_database
from wbs_app.models import Case, SubmissionDraft

pytestmark = pytest.mark.browser

SENT = "Laporan Anda sudah terkirim dan diterima"


def _cases(app) -> tuple[int, int]:
    with app_database(app).session() as session:
        cases = session.scalar(select(func.count()).select_from(Case))
        drafts = session.scalar(select(func.count()).select_from(SubmissionDraft))
    return cases, drafts


def _says_sent(page) -> None:
    assert page.locator(".receipt-code").count() == 0
    text = page.locator("main").inner_text()
    assert SENT in text and "tidak disimpan" in text
    assert "kedaluwarsa" not in text
    assert page.locator("form").count() == 0  # nothing to fill in or send again


def test_send_reload_back_and_resubmit_file_the_report_once(
    app, org, live_server, no_js_page, tmp_path
) -> None:
    page = no_js_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/lapor/formulir")
    page.get_by_label("Laporan ini mengenai unit mana?").select_option(label="\u2014 UPT Makassar")
    page.get_by_label("Jenis pelanggaran apa?").select_option(label="Pungutan liar / percaloan")
    page.get_by_label("Apa yang terjadi?").fill("Petugas meminta uang pelicin di loket.")
    evidence = tmp_path / "kwitansi.txt"
    evidence.write_bytes(b"kwitansi pembayaran tidak resmi")
    page.get_by_label("Tambahkan berkas").set_input_files(str(evidence))
    page.get_by_role("button", name="Lanjut: tinjau laporan").click()
    assert page.locator("h1").inner_text() == "Tinjau sebelum mengirim"

    page.get_by_role("button", name="Kirim laporan").click()
    assert "/lapor/terkirim/" in page.url
    receipt = page.locator(".receipt-code").inner_text().strip()
    assert len(receipt.replace(" ", "")) == 20 and receipt.replace(" ", "") not in page.url
    page.screenshot(path=str(tmp_path / "receipt-390.png"), full_page=True)

    page.reload()
    _says_sent(page)
    page.screenshot(path=str(tmp_path / "receipt-reloaded-390.png"), full_page=True)

    with pytest.raises(PlaywrightError, match="ERR_CACHE_MISS"):
        page.go_back()  # the review page was a POST's answer, kept nowhere (no-store)
    page.wait_for_url("chrome-error://**")  # Chromium's "Confirm Form Resubmission" page
    resubmitted = page.reload()  # "Confirm Form Resubmission": the form's POST again
    assert resubmitted is not None and resubmitted.request.method == "GET"
    assert resubmitted.request.redirected_from is not None
    assert resubmitted.request.redirected_from.method == "POST"
    assert "/lapor/terkirim/" in page.url
    _says_sent(page)
    assert _cases(app) == (1, 0), "one case, and no second draft to send"
    names = [cookie["name"] for cookie in page.context.cookies()]
    assert "lentera_kode" not in names, "the receipt's cookie is gone once shown"
