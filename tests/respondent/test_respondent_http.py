"""The right of reply through HTTP: invitation letter, respondent pages, statement, isolation."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from tests.support.http import https_client
from tests.support.reporter import csrf_from
from tests.support.respondent import investigating_case as _investigating_case
from tests.support.respondent import invite as _invite
from tests.support.respondent import respondent_client as _respondent
from wbs_app.db import app_database
from wbs_app.models import JournalEntry
from wbs_app.security.respondent_auth import COOKIE


def test_invite_answer_with_file_and_handler_reads_it(app, org, reporter) -> None:
    budi, case_id = _investigating_case(app, org, reporter)
    code = _invite(budi, case_id)
    client, response = _respondent(app, code)
    assert response.status_code == 302 and response.headers["Location"].endswith("/klarifikasi/")
    page = client.get("/klarifikasi/").get_data(as_text=True)
    assert "Diduga meminta biaya di luar tarif resmi." in page and "praduga tak bersalah" in page
    for secret in ("RAHASIALAPORAN", "RAHASIASIAPA", "RAHASIANAMA", "RAHASIACATATAN"):
        assert secret not in page
    sent = client.post(
        "/klarifikasi/pernyataan",
        data={
            "csrf_token": csrf_from(page),
            "statement": "Saya menolak tuduhan ini.",
            "evidence": (io.BytesIO(b"surat tugas"), "surat-tugas.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    assert "Saya menolak tuduhan ini." in client.get("/klarifikasi/").get_data(as_text=True)
    handler_page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert "Saya menolak tuduhan ini." in handler_page
    link = re.search(
        r'href="(/staf/pengelola/kasus/\d+/undangan/\w+/berkas/\d+)"', handler_page
    ).group(1)
    with budi.get(link) as download:
        assert download.get_data() == b"surat tugas"
        assert download.headers["Content-Disposition"].startswith(
            'attachment; filename="surat-tugas.pdf"'
        )
    uid = re.search(r'name="invitation" value="(\w+)"', handler_page).group(1)
    budi.post(
        f"/staf/pengelola/kasus/{case_id}/undangan/pesan",
        data={
            "csrf_token": csrf_from(handler_page),
            "invitation": uid,
            "text": "Mohon lampirkan surat tugas asli.",
        },
    )
    assert "Mohon lampirkan surat tugas asli." in client.get("/klarifikasi/").get_data(as_text=True)
    with app_database(app).session() as session:
        kinds = list(
            session.scalars(select(JournalEntry.kind).where(JournalEntry.case_id == case_id))
        )
    assert "invitation_created" in kinds and "statement_received" in kinds
    assert app.test_cli_runner().invoke(args=["wbs", "verify-journals"]).exit_code == 0


def test_respondent_of_case_a_cannot_reach_case_b_or_another_respondent(app, org, reporter) -> None:
    budi, case_a = _investigating_case(app, org, reporter)
    code_a = _invite(budi, case_a, "Pejabat A")
    _invite(budi, case_a, "Pejabat Lain")
    sitti, case_b = _investigating_case(app, org, https_client(app), what="kasus B", unit="b")
    _invite(sitti, case_b, "Pejabat B")
    client, _ = _respondent(app, code_a)
    page = client.get("/klarifikasi/").get_data(as_text=True)
    assert "Pejabat A" in page and "Pejabat Lain" not in page and "Pejabat B" not in page
    for path in ("/lapor/kasus", f"/staf/pengelola/kasus/{case_a}", "/staf/admin/"):
        assert client.get(path).status_code in (302, 403)


def test_unknown_and_mistyped_codes_and_finish(app, org, reporter) -> None:
    from crypto import generate_code

    budi, case_id = _investigating_case(app, org, reporter)
    code = _invite(budi, case_id)
    _, unknown = _respondent(app, generate_code())
    assert unknown.status_code == 404 and "Tidak ada undangan" in unknown.get_data(as_text=True)
    digits = code.replace(" ", "")
    _, mistyped = _respondent(app, digits[:3] + str((int(digits[3]) + 1) % 10) + digits[4:])
    assert mistyped.status_code == 400
    client, _ = _respondent(app, code)
    page = client.get("/klarifikasi/").get_data(as_text=True)
    done = client.post("/klarifikasi/selesai", data={"csrf_token": csrf_from(page)})
    assert done.status_code == 302 and client.get_cookie(COOKIE, path="/klarifikasi") is None
    assert client.get("/klarifikasi/").status_code == 302


def test_expired_invitation_reads_but_cannot_submit(app, org, reporter) -> None:
    from datetime import timedelta

    from wbs_app.models import RespondentInvitation

    budi, case_id = _investigating_case(app, org, reporter)
    code = _invite(budi, case_id)
    with app_database(app).session() as session:
        for invitation in session.scalars(select(RespondentInvitation)):
            invitation.answer_due -= timedelta(days=20)
    client, _ = _respondent(app, code)
    page = client.get("/klarifikasi/").get_data(as_text=True)
    assert "Diduga meminta biaya" in page and 'action="/klarifikasi/pernyataan"' not in page
    refused = client.post(
        "/klarifikasi/pernyataan",
        data={"csrf_token": csrf_from(page), "statement": "PERNYATAANTERLAMBAT"},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 302
    assert "PERNYATAANTERLAMBAT" not in client.get("/klarifikasi/").get_data(as_text=True)


def _answer_cell(page: str, case_id: int) -> str:
    row = page.split(f"#{case_id}</a>")[1].split("</tr>")[0]
    return row.split("</td>")[-2].strip()


def test_inbox_shows_the_accused_answer_deadline(app, org, reporter) -> None:
    budi, case_id = _investigating_case(app, org, reporter)
    inbox = budi.get("/staf/pengelola/kasus").get_data(as_text=True)
    assert "Tanggapan terlapor" in inbox
    assert _answer_cell(inbox, case_id) == "<td>—"  # nobody invited yet
    _invite(budi, case_id)
    cell = _answer_cell(budi.get("/staf/pengelola/kasus").get_data(as_text=True), case_id)
    assert cell.startswith('<td class="deadline on_time">tepat waktu')
