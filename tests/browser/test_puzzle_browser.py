"""The review page's puzzle in Chromium with JavaScript on and the site's CSP in force.

The script is the site's own file, allowed by the review page's CSP alone
(``script-src 'self'``): Chromium runs it without a CSP violation, it solves
the puzzle of the default strength (the time it took is printed), the server
accepts the solution for that draft, and the report is sent with it. With
JavaScript off the same page sends the report without one (the other
reporter tests).
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from wbs_app.db import app_database
from wbs_app.services.cases import intake
from wbs_app.services.infra import proof_of_work
from wbs_app.settings import settings

pytestmark = pytest.mark.browser


def test_the_puzzle_is_solved_under_the_csp_and_the_report_sent(
    app, org, live_server, browser
) -> None:
    context = browser.new_context(java_script_enabled=True, locale="id-ID")
    page = context.new_page()
    problems: list[str] = []
    page.on(  # a CSP violation or a script error is logged to the console
        "console",
        lambda message: (
            problems.append(message.text) if "Failed to load resource" not in message.text else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto(live_server.url + "/lapor/formulir")
        page.select_option("#unit", str(org.units["a"]))
        page.select_option("#category", index=1)
        page.fill("#what", "Petugas meminta uang pelicin.")
        page.locator("form[action^='/lapor/formulir'] button[type=submit]").click()
        started = time.monotonic()
        answer = page.locator("input[name=puzzle_solution]")
        # Polled from here: Playwright's wait_for_function evaluates a string,
        # which this page's CSP (no 'unsafe-eval') rightly refuses.
        while answer.input_value() == "" and time.monotonic() - started < 60:
            time.sleep(0.05)
        seconds = time.monotonic() - started
        puzzle = page.locator("input[name=puzzle]").input_value()
        solution = page.locator("input[name=puzzle_solution]").input_value()
        draft = page.locator("form[action='/lapor/kirim'] input[name=draft]").input_value()
        with app_database(app).session() as session:
            uid = intake.open_draft(session, draft).case_uid
        bits = settings(app).puzzle_bits
        print(f"\npuzzle of {bits} bits solved by Chromium in {seconds:.2f} s")
        assert proof_of_work.solved(app.secret_key.encode(), uid, bits, puzzle, solution)
        page.get_by_role("button", name="Kirim laporan").click()
        expect(page.locator(".receipt-code")).to_have_count(1)
        assert problems == [], problems
    finally:
        context.close()
