"""Driving the right of reply through HTTP: a case under examination, an invitation, a login."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.support.casework import examine
from tests.support.http import https_client
from tests.support.reporter import RECEIPT_RE, Report, csrf_from, follow, submit_report
from tests.support.staff import signed_in
from wbs_app.db import app_database
from wbs_app.models import Case

CODE_RE = RECEIPT_RE  # the letter and the new-code page print a code as the receipt page does
REPORT_TEXT = "RAHASIALAPORAN petugas meminta uang"


def investigating_case(
    app, org, reporter, what: str = REPORT_TEXT, unit: str = "a"
) -> tuple[object, int]:
    submit_report(
        reporter,
        Report(
            unit=org.units[unit], what=what, who="RAHASIASIAPA", identity=("RAHASIANAMA", "0812")
        ),
    )
    return to_examination(app, org, unit)


def to_examination(app, org, unit: str = "a") -> tuple[object, int]:
    """The newest case acknowledged and verified into examination by its unit's handler."""
    budi = signed_in(app, org.budi if unit == "a" else org.sitti)
    with app_database(app).session() as session:
        case_id = max(session.scalars(select(Case.id)))
    examine(budi, case_id)
    page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    budi.post(
        f"/staf/pengelola/kasus/{case_id}/catatan",
        data={"csrf_token": csrf_from(page), "text": "RAHASIACATATAN"},
    )
    return budi, case_id


def invite(budi, case_id: int, name: str = "Petugas Loket 2") -> str:
    """The invitation's code, as the letter prints it."""
    return CODE_RE.search(invitation_letter(budi, case_id, name).get_data(as_text=True)).group(1)


ONCE_RE = re.compile(r'name="once" type="hidden" value="([^"]+)"')


def invitation_fields(page: str, name: str = "Petugas Loket 2") -> dict[str, str]:
    """The case page's invitation form filled in, its CSRF and one-time tokens included."""
    once = ONCE_RE.search(page)
    assert once, "no invitation form on the case page"
    return {
        "csrf_token": csrf_from(page),
        "once": once.group(1),
        "name": name,
        "position": "Pengadministrasi",
        "allegation": "Diduga meminta biaya di luar tarif resmi.",
        "period": "Oktober 2026",
        "rules": "PP 94/2021",
        "role": "accused",
        "days": "14",
    }


def invitation_letter(budi, case_id: int, name: str = "Petugas Loket 2"):
    """The handler's POST that creates an invitation, and the letter page it redirects to."""
    page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    created = budi.post(
        f"/staf/pengelola/kasus/{case_id}/undangan", data=invitation_fields(page, name)
    )
    assert created.status_code == 303, created.status_code
    letter = follow(budi, created)
    assert letter.status_code == 200
    assert "/klarifikasi/masuk" in letter.get_data(as_text=True)
    return letter


NEW_CODE_PAGE = "/klarifikasi/kode-baru"


def respondent_client(app, code: str, *, confirm_new_code: bool = True):
    """A respondent's sign-in; the answer is the sign-in's own (a redirect when it worked).

    The first sign-in with a printed code takes the invitation over (issue 15,
    item 5) and hands over a new code; by default it is confirmed here, as the
    respondent does, and kept as ``client.new_code`` for signing in again.
    """
    client = https_client(app)
    page = client.get("/klarifikasi/masuk").get_data(as_text=True)
    response = client.post("/klarifikasi/masuk", data={"csrf_token": csrf_from(page), "code": code})
    client.new_code = None
    if confirm_new_code and response.status_code == 302:
        client.new_code = confirm_new_code_of(client)
    return client, response


def confirm_new_code_of(client) -> str | None:
    """Type back the new code the first sign-in handed over, as the respondent does; returns it."""
    handover = client.get(NEW_CODE_PAGE).get_data(as_text=True)
    found = CODE_RE.search(handover)
    if not found:
        return None
    confirmed = client.post(
        NEW_CODE_PAGE, data={"csrf_token": csrf_from(handover), "code": found.group(1)}
    )
    assert confirmed.status_code == 302, confirmed.status_code
    return found.group(1)


NEW_CODE_LABEL = "Ketik kode baru Anda untuk memastikan bahwa Anda sudah mencatatnya"
NEW_CODE_DONE = "Saya sudah mencatatnya"


def type_new_code_back(page, click=None) -> str:
    """In a browser on the new-code page (the first sign-in): type the code back; returns it.

    ``click`` presses the button (a test's own helper that waits for the next
    page); a plain click by default.
    """
    new_code = page.locator(".receipt-code").inner_text().strip()
    page.get_by_label(NEW_CODE_LABEL).fill(new_code)
    button = page.get_by_role("button", name=NEW_CODE_DONE)
    (click or (lambda b: b.click()))(button)
    return new_code
