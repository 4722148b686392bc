"""The reporter's main journey in Chromium with JavaScript off (Tor Browser "Safest")."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from crypto import Identity, open_seed
from tests.support.staff import pepper
from wbs_app.db import app_database
from wbs_app.models import Case, StaffMember
from wbs_app.services.cases import casefile

pytestmark = pytest.mark.browser


def test_report_with_file_keep_receipt_return_read_reply_answer(
    app, org, live_server, no_js_page, tmp_path
) -> None:
    page = no_js_page
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Buat laporan").click()
    page.get_by_role("link", name="Saya mengerti, lanjut ke formulir").click()
    page.get_by_label("Laporan ini mengenai unit mana?").select_option(label="\u2014 UPT Makassar")
    page.get_by_label("Jenis pelanggaran apa?").select_option(label="Pungutan liar / percaloan")
    page.get_by_label("Apa yang terjadi?").fill("Petugas meminta uang pelicin di loket.")
    page.get_by_label("Siapa yang terlibat?").fill("Petugas loket 2")
    evidence = tmp_path / "kwitansi.txt"
    evidence.write_bytes(b"kwitansi pembayaran tidak resmi")
    page.get_by_label("Tambahkan berkas").set_input_files(str(evidence))
    page.get_by_role("button", name="Lanjut: tinjau laporan").click()

    assert page.locator("h1").inner_text() == "Tinjau sebelum mengirim"
    assert "kwitansi.txt" in page.content()
    page.get_by_role("button", name="Kirim laporan").click()
    receipt = page.locator(".receipt-code").inner_text().strip()
    assert len(receipt.replace(" ", "")) == 20
    page.screenshot(path=str(tmp_path / "receipt.png"), full_page=True)

    # A handler asks a question through the service the casework pages use.
    with app_database(app).session() as session:
        staff = session.get(StaffMember, org.budi.id)
        identity = Identity.from_seed(open_seed(staff.sealed_seed, org.budi.password, pepper(app)))
        case = session.scalar(select(Case))
        question = "Jam berapa kejadiannya?"
        casefile.add_staff_message(session, case, staff, identity, question, "question")

    page.goto(live_server.url + "/lapor/masuk")
    page.get_by_label("Kode laporan Anda").fill(receipt)
    page.get_by_role("button", name="Buka laporan saya").click()
    # The sign-in redirects: wait for the case page itself, not its first bytes
    # (page.content() read mid-navigation returned "" on a busy CI machine).
    page.wait_for_url("**/lapor/kasus")
    assert receipt.replace(" ", "") not in page.url
    thread = page.locator("main")
    expect(thread).to_contain_text("Jam berapa kejadiannya?")
    expect(thread).to_contain_text("kwitansi.txt")
    page.get_by_label("Pesan atau jawaban Anda").fill("Sekitar jam 10 pagi.")
    page.get_by_role("button", name="Kirim", exact=True).click()
    expect(thread).to_contain_text("Sekitar jam 10 pagi.")
    page.get_by_role("button", name="Selesai dan bersihkan").click()
    assert page.context.cookies() == []

    origins = {urlsplit(url).netloc for url in page.requested_urls}  # type: ignore[attr-defined]
    assert origins == {f"{live_server.host}:{live_server.port}"}
