"""The invitation letter and the receipt as Chromium prints them (issue 15, item 13).

The letter is printed on A4 from the handler's browser: with print media the
site's header, footer, navigation and the handler's notice vanish, and the
letterhead, number, signature and code remain. Screenshots at 1280 and 390 px
(and the print rendering) land in ``WBS_SCREENSHOTS`` when it is set, for a
person to look at; the assertions do not depend on them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.browser import AppInBrowser
from tests.support.http import https_client
from tests.support.reporter import Report, csrf_from, post_form, send_review
from tests.support.respondent import investigating_case, invitation_letter
from tests.support.staff import make_staff, sign_in
from wbs_app.models import StaffRole

pytestmark = pytest.mark.browser
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5dd2b5a0000000049454e44ae426082"
)


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("WBS_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _look(view: AppInBrowser, folder: Path, name: str) -> None:
    for width in (1280, 390):
        view.page.set_viewport_size({"width": width, "height": 900})
        view.page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
        overflow = view.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} overflows {width} px by {overflow} px"


def test_the_letter_and_the_receipt_print_as_an_office_sends_them(
    app, org, reporter, browser, instance_path, tmp_path
) -> None:
    folder = _shots(tmp_path)
    (instance_path / "kop").mkdir()
    (instance_path / "kop" / "logo.png").write_bytes(PNG_1PX)
    admin = https_client(app)
    sign_in(app, admin, make_staff(app, "admin", StaffRole.ADMIN))
    page = admin.get("/staf/admin/kop-surat").get_data(as_text=True)
    saved = admin.post(
        "/staf/admin/kop-surat",
        data={
            "csrf_token": csrf_from(page),
            "office_name": "Kantor Wilayah Kementerian Hukum Sulawesi Selatan",
            "address": "Jl. Jenderal Sudirman No. 1, Makassar 90115",
            "contact": "Telp. (0411) 000000 · pengaduan@kanwil.example",
            "logo_path": "kop/logo.png",
            "signatory_name": "Andi Rahmawati, S.H., M.H.",
            "signatory_position": "Kepala Divisi Pelayanan Hukum",
            "number_prefix": "WBS",
        },
    )
    assert saved.status_code == 302
    context = browser.new_context(java_script_enabled=True, locale="id-ID")
    view = AppInBrowser(context.new_page(), admin)
    view.open(admin, "/staf/admin/kop-surat")
    assert view.page.locator("img.letter-logo").evaluate("img => img.naturalWidth") == 1
    _look(view, folder, "admin-letterhead")
    view.open(admin, "/staf/admin/pengaturan")
    _look(view, folder, "admin-deadlines")

    budi, case_id = investigating_case(app, org, reporter)
    letter = invitation_letter(budi, case_id)
    view.open(budi, letter.request.path)
    _look(view, folder, "invitation-letter")
    view.page.emulate_media(media="print")
    # A4 less the page margins (165 x 259 mm) at 96 dpi: what one printed page holds.
    view.page.set_viewport_size({"width": 624, "height": 979})
    view.page.screenshot(path=str(folder / "invitation-letter-print.png"), full_page=True)
    for hidden in ("header.site", "footer.site", "main > .notice", "main > p > a"):
        assert not view.page.locator(hidden).first.is_visible(), hidden
    for shown in (".letterhead", ".letter-meta", ".signature", ".receipt-code"):
        assert view.page.locator(shown).first.is_visible(), shown
    pdf = view.page.pdf(format="A4", print_background=True)
    (folder / "invitation-letter.pdf").write_bytes(pdf)
    view.page.emulate_media(media="screen")

    citizen = https_client(app)
    review = post_form(citizen, Report(unit=org.units["a"], what="Pungli di loket"))
    receipt = send_review(citizen, review.get_data(as_text=True))
    view.show(receipt)
    _look(view, folder, "receipt")
    view.page.emulate_media(media="print")
    printed = view.page.locator("main").inner_text()
    assert "Kantor Wilayah Kementerian Hukum Sulawesi Selatan" in printed
    assert "/lapor/masuk" in printed
    view.page.screenshot(path=str(folder / "receipt-print.png"), full_page=True)
    assert view.foreign == []
    context.close()
