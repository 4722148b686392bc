"""The password page's "also replace my personal key" in Chromium without JavaScript (issue 17).

Budi ticks the box, is signed out everywhere and signs in again with the new
password. Each page is photographed at 1280 and 390 px (into
``WBS_SHOTS_DIR`` if set).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.browser import shoot, staff_sign_in

pytestmark = pytest.mark.browser

NEW_PASSWORD = "angin-pantai-losari-pagi"


def test_replacing_the_key_from_the_password_page(
    app, org, live_server, browser, tmp_path, moved_totp_clock
) -> None:
    shots = Path(os.environ.get("WBS_SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page = browser.new_context(java_script_enabled=False).new_page()
    staff_sign_in(page, live_server, app, org.budi)
    page.goto(live_server.url + "/staf/kata-sandi")
    shoot(page, shots, "password")
    page.get_by_label("Kata sandi saat ini").fill(org.budi.password)
    page.get_by_label("Kata sandi baru", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Ulangi kata sandi baru").fill(NEW_PASSWORD)
    page.get_by_label("Ganti juga kunci pribadi saya").check()
    page.get_by_role("button", name="Ubah kata sandi").click()
    page.wait_for_url("**/staf/masuk")
    expect(page.locator("main")).to_contain_text("Kata sandi dan kunci pribadi telah diganti")
    shoot(page, shots, "password-keys-replaced")
    staff_sign_in(page, live_server, app, replace(org.budi, password=NEW_PASSWORD))
    assert "/staf/pengelola" in page.url
