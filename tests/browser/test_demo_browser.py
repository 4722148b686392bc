"""A newcomer after `wbs seed-demo`, in Chromium without JavaScript (issue 15, item 14).

They type what the command printed: the supervisor's password and code, a
reporter's receipt, the witness's invitation code, and find the work the
printout points to. Each page is kept as a screenshot at 1280 and 390 px.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.support.demo import Printed, case_statuses, seed_demo, staff_login
from tests.support.respondent import type_new_code_back
from tests.support.staff import next_code
from wbs_app.models import CaseStatus

pytestmark = pytest.mark.browser


def _submit(page: Any, button: Any) -> None:
    """Send a form and wait for the answer's page: a click only starts the navigation."""
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state()


def _shots(page: Any, folder: Path, name: str) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_newcomer_signs_in_with_what_the_demo_printed(
    app: Flask, live_server: Any, browser: Any, tmp_path: Path
) -> None:
    printed: Printed = seed_demo(app)
    statuses = case_statuses(app)
    examined = next(i for i, status in statuses.items() if status is CaseStatus.INVESTIGATION)
    verifying = next(i for i, status in statuses.items() if status is CaseStatus.VERIFICATION)

    staff = browser.new_context(java_script_enabled=False, locale="id-ID").new_page()
    rahman = staff_login(app, printed, "rahman")
    staff.goto(live_server.url + "/staf/masuk")
    staff.locator("input[name=login]").fill(rahman.username)
    staff.locator("input[name=password]").fill(rahman.password)
    staff.locator("input[name=code]").fill(next_code(app, rahman))
    _submit(staff, staff.locator("form button[type=submit]"))
    staff.goto(live_server.url + "/staf/pengelola/kasus")
    assert staff.locator("td a").count() == len(printed.receipts)
    _shots(staff, tmp_path, "inbox")
    staff.locator("input[name=overdue]").check()
    _submit(staff, staff.locator("form[method=get] button[type=submit]").first)
    assert staff.locator("td a").count() == 1
    _shots(staff, tmp_path, "inbox-overdue")
    staff.goto(f"{live_server.url}/staf/pengelola/kasus/{examined}")
    content = staff.content()
    assert "amplop" in content and "Petugas UPG Kanwil" in content
    _shots(staff, tmp_path, "case-under-examination")

    reporter = browser.new_context(java_script_enabled=False, locale="id-ID").new_page()
    reporter.goto(live_server.url + "/lapor/masuk")
    reporter.locator("input[name=receipt]").fill(printed.receipts[verifying])
    _submit(reporter, reporter.locator("form button[type=submit]"))
    assert "Pada tanggal berapa saja Anda datang?" in reporter.content()
    _shots(reporter, tmp_path, "reporter-case")

    witness = browser.new_context(java_script_enabled=False, locale="id-ID").new_page()
    witness.goto(live_server.url + "/klarifikasi/masuk")
    witness.locator("input[name=code]").fill(printed.respondent_code)
    _submit(witness, witness.locator("form button[type=submit]"))
    # The first sign-in hands over the witness's own code (issue 15, item 5).
    type_new_code_back(witness, lambda button: _submit(witness, button))
    assert "Unit Pengendalian Gratifikasi" in witness.content()
    _shots(witness, tmp_path, "respondent")
