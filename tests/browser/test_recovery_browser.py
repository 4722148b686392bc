"""The custodians' recovery page in Chromium, JavaScript off, at 1280 and 390 px.

Two custodians type their shares, certify a handler whose key is new (the
fingerprint he reads out), then give his case back; the page never shows a
share again, and lays out without sideways scrolling on a phone.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.support.http import https_client
from tests.support.reporter import Report, submit_report
from tests.support.staff import make_staff
from tests.support.trust import ceremony_shares
from wbs_app.db import app_database
from wbs_app.models import Case, StaffMember
from wbs_app.services.trust import certificates

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("WBS_SCREENSHOTS", "")) if os.environ.get("WBS_SCREENSHOTS") else None


def _shot(page, tmp_path: Path, name: str) -> None:
    folder = SHOTS or tmp_path
    page.screenshot(path=str(folder / name), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name}: {width} px wide"


def test_custodians_certify_and_give_back_in_chromium(
    app, org, live_server, no_js_page, tmp_path
) -> None:
    shares = ceremony_shares(app)
    submit_report(https_client(app), Report(unit=org.units["a"]))
    late = make_staff(app, "dewi", unit_ids=(org.units["a"],), certified=False)
    with app_database(app).session() as session:
        case_id = session.scalar(select(Case.id))
        heard = certificates.fingerprint_of(session.get_one(StaffMember, late.id))
    page = no_js_page
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(live_server.url + "/staf/pemulihan")
        _shot(page, tmp_path, f"recovery-{width}.png")

        # Certifying, a new office's first use, is the action already chosen.
        assert page.get_by_label("Sertifikasi kunci petugas").is_checked()

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/staf/pemulihan")
    page.get_by_label("Bagian 1").fill(shares[0])
    page.get_by_label("Bagian 2").fill(shares[2])
    page.get_by_label("Alamat e-mail petugas").fill("dewi@kanwil.example")
    page.get_by_label("Sidik jari yang dibacakan petugas").fill(heard)
    page.get_by_role("button", name="Laksanakan dengan bagian-bagian ini").click()
    assert "telah disertifikasi oleh para kustodian" in page.get_by_role("status").inner_text()
    _shot(page, tmp_path, "recovery-certified-1280.png")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, tmp_path, "recovery-certified-390.png")
    # Said at the top, above the heading, like every other confirmation: in the first screen.
    said = page.get_by_role("status").bounding_box()
    assert said["y"] < page.locator("h1").bounding_box()["y"] and said["y"] < 844
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.get_by_label("Bagian 1").input_value() == ""

    page.get_by_label("Bagian 1").fill(shares[1])
    page.get_by_label("Bagian 2").fill(shares[0])
    page.get_by_label("Berikan kembali kasus kepada petugas").check()
    page.get_by_label("Alamat e-mail petugas").fill("dewi@kanwil.example")
    page.get_by_label("Nomor kasus").fill(str(case_id))
    page.get_by_role("button", name="Laksanakan dengan bagian-bagian ini").click()
    status = page.get_by_role("status").inner_text()
    assert "Kasus yang diberikan kembali kepada Dewi" in status and str(case_id) in status
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, tmp_path, "recovery-regranted-390.png")
    content = page.content()
    for share in shares:
        assert share not in content and " ".join(share.split()[:4]) not in content
