"""A reply written past the session's idle limit, in Chromium with JavaScript off: kept, then sent.

The reporter opens the case, writes, attaches two files and presses Send after
the session idled out (its row is aged in the database: the server runs in its
own process, whose clock a test cannot move). The code page says the message
is kept; the receipt typed again sends it, files and all.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.support.http import https_client
from tests.support.reporter import Report, submit_report
from wbs_app.db import app_database
from wbs_app.models import ReporterSession
from wbs_app.services.infra.clock import utcnow

pytestmark = pytest.mark.browser

MESSAGE = "Amplopnya diserahkan di parkiran belakang, sekitar jam 9 pagi."


def _end_session(app) -> None:
    """The visit ends while the reporter writes (its row expired: the exact idle clock is sealed
    under the cookie's key since issue 18, so the database alone can only end it, not age it)."""
    with app_database(app).session() as session:
        for row in session.scalars(select(ReporterSession)):
            row.expires_at = utcnow() - timedelta(seconds=1)
        session.commit()


def test_a_reply_after_the_session_ended_is_kept_and_sent_after_the_code(
    app, org, live_server, no_js_page, tmp_path
) -> None:
    receipt = submit_report(https_client(app), Report(unit=org.units["a"]))
    page = no_js_page
    page.goto(live_server.url + "/lapor/masuk")
    page.get_by_label("Kode laporan Anda").fill(receipt)
    page.get_by_role("button", name="Buka laporan saya").click()
    assert "/lapor/kasus" in page.url

    photo = tmp_path / "foto-parkiran.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 foto parkiran " * 20_000)  # several stream chunks
    note = tmp_path / "catatan.txt"
    note.write_bytes(b"plat nomor DD 1234 XY")
    page.get_by_label("Pesan atau jawaban Anda").fill(MESSAGE)
    page.get_by_label("Tambahkan bukti (tidak wajib, hingga 100 MiB per berkas)").set_input_files(
        [str(photo), str(note)]
    )
    _end_session(app)  # the reporter wrote for longer than the visit lasted
    page.get_by_role("button", name="Kirim", exact=True).click()

    notice = page.get_by_role("status")
    assert "Pesan Anda disimpan dalam bentuk terenkripsi" in notice.inner_text()
    assert MESSAGE not in page.content() and "foto-parkiran" not in page.content()
    page.screenshot(path=str(tmp_path / "kept-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "kept-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 720})

    page.get_by_label("Kode laporan Anda").fill(receipt)
    page.get_by_role("button", name="Buka laporan saya").click()
    page.wait_for_url("**/lapor/kasus")  # the sign-in redirects: the case page itself
    assert urlsplit(page.url).path == "/lapor/kasus"
    assert receipt.replace(" ", "") not in page.url
    expect(page.locator("main")).to_contain_text("Pesan Anda telah dikirim kepada tim.")
    assert MESSAGE in page.content()
    for path in (photo, note):
        with page.expect_download() as download:
            page.get_by_role("link", name=path.name).click()
        saved = Path(download.value.path())
        assert saved.read_bytes() == path.read_bytes(), path.name
    page.get_by_role("button", name="Selesai dan bersihkan").click()
    assert page.context.cookies() == []
    origins = {urlsplit(url).netloc for url in page.requested_urls}  # type: ignore[attr-defined]
    assert origins == {f"{live_server.host}:{live_server.port}"}
