"""A handler chooses how notices reach them by e-mail, in Chromium without JavaScript (issue 19).

Budi opens "E-mail tentang pemberitahuan" from his overview, picks the daily
digest in English, saves, and sees his choice kept. Each page is photographed
at 1280 and 390 px (into ``WBS_SHOTS_DIR`` if set).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.support.browser import shoot, staff_sign_in
from wbs_app.db import app_database
from wbs_app.models import NoticeMail, StaffMember

pytestmark = pytest.mark.browser


def test_a_handler_chooses_the_daily_digest_in_english(
    app, org, live_server, browser, tmp_path, moved_totp_clock
) -> None:
    shots = Path(os.environ.get("WBS_SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page = browser.new_context(java_script_enabled=False).new_page()
    staff_sign_in(page, live_server, app, org.budi)
    page.goto(live_server.url + "/staf/pengelola/")
    page.get_by_role("link", name="E-mail tentang pemberitahuan").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("tidak mengirim e-mail")
    expect(
        page.get_by_label("Segera: satu e-mail, lalu tidak ada lagi sampai saya masuk")
    ).to_be_checked()
    shoot(page, shots, "notice-mail")
    page.get_by_label("Sekali sehari, pada pagi hari").check()
    page.get_by_label("English").check()
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("Pilihan e-mail Anda disimpan")
    expect(page.get_by_label("Sekali sehari, pada pagi hari")).to_be_checked()
    expect(page.get_by_label("English")).to_be_checked()
    shoot(page, shots, "notice-mail-saved")
    with app_database(app).session() as session:
        budi = session.scalars(select(StaffMember).where(StaffMember.id == org.budi.id)).one()
        assert (budi.notice_mail, budi.mail_language) == (NoticeMail.DIGEST, "en")
