"""Walk 17/2, finding 1: after a reset the handler is told which cases wait to be given back."""

from __future__ import annotations

import time

from sqlalchemy import select

from tests.support.http import https_client
from tests.support.reporter import Report, csrf_from, submit_report
from tests.support.staff import (
    PASSWORD,
    StaffLogin,
    activation_fields,
    enrolment_fields,
    make_staff,
    signed_in,
)
from tests.support.trust import certify_by_test_root
from wbs_app.db import app_database
from wbs_app.models import Case, StaffMember, StaffRole
from wbs_app.services.staff import staff_admin, totp


def _reset_and_reactivate(app, org):
    admin = make_staff(app, "admin", StaffRole.ADMIN)
    with app_database(app).session() as session:
        token = staff_admin.reset_password(session, session.get(StaffMember, admin.id), org.budi.id)
    newcomer = https_client(app)
    page = newcomer.get(f"/staf/aktivasi?kode={token}").get_data(as_text=True)
    enrolment = enrolment_fields(page, when=time.time() - 30)
    secret = totp.parse_secret_text(enrolment["totp_secret"])
    newcomer.post("/staf/aktivasi", data=enrolment | activation_fields(token, "budi", PASSWORD))
    return signed_in(app, StaffLogin(org.budi.id, "budi", PASSWORD, secret))


def test_reset_handler_sees_which_cases_wait(app, org, reporter) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    with app_database(app).session() as session:
        case_id = session.scalar(select(Case.id))
    budi = _reset_and_reactivate(app, org)
    certify_by_test_root(app, org.budi.id)
    for page in ("/staf/pengelola/", "/staf/pengelola/kasus"):
        text = budi.get(page).get_data(as_text=True)
        assert "menunggu diberikan kembali" in text, page
        assert f"#{case_id}" in text, page
    response = budi.get(f"/staf/pengelola/kasus/{case_id}")
    assert response.status_code == 403
    text = response.get_data(as_text=True)
    assert "menunggu diberikan kembali" in text
    assert "Halaman tidak ditemukan" not in text
    assert 'href="/staf/pengelola/"' in text  # back to the staff overview, not the public home
    # A case she never held stays a plain 404, and staff error pages lead to the staff overview.
    missing = budi.get("/staf/pengelola/kasus/999")
    assert missing.status_code == 404
    assert 'href="/staf/pengelola/"' in missing.get_data(as_text=True)


def test_reset_page_supervisor_and_trust_status_name_the_waiting_cases(app, org, reporter) -> None:
    """Finding 2: the custodians' form needs case numbers; the people who tell them see them."""
    submit_report(reporter, Report(unit=org.units["a"]))
    with app_database(app).session() as session:
        case_id = session.scalar(select(Case.id))
    admin = signed_in(app, make_staff(app, "admin", StaffRole.ADMIN))
    detail = admin.get(f"/staf/admin/staf/{org.budi.id}").get_data(as_text=True)
    done = admin.post(
        f"/staf/admin/staf/{org.budi.id}/reset", data={"csrf_token": csrf_from(detail)}
    )
    assert done.status_code == 200
    text = done.get_data(as_text=True)
    assert f"Kasus yang menunggu diberikan kembali kepada Budi: #{case_id}" in text
    # The account's page says it again when the administrator comes back to it.
    again = admin.get(f"/staf/admin/staf/{org.budi.id}").get_data(as_text=True)
    assert f"Kasus yang menunggu diberikan kembali kepada Budi: #{case_id}" in again
    overview = signed_in(app, org.rahman).get("/staf/pengelola/").get_data(as_text=True)
    assert f"Budi: #{case_id}" in overview
    assert "menunggu diberikan kembali" in overview
    # Another unit's investigator is not told about it.
    assert "menunggu diberikan kembali" not in signed_in(app, org.sitti).get(
        "/staf/pengelola/"
    ).get_data(as_text=True)
    status = app.test_cli_runner().invoke(args=["wbs", "trust-status"])
    assert status.exit_code == 0, status.output
    assert f"Budi: #{case_id}" in status.output


def _access_item(page: str, name: str) -> str:
    """The Access box's line for one person."""
    box = page.split("<h2>Akses</h2>")[1].split("</section>")[0]
    return next(item for item in box.split("<li>") if item.strip().startswith(name))


def test_access_box_says_why_and_offers_the_give_back_on_the_old_key_line(
    app, org, reporter
) -> None:
    """Finding 3: 'kunci lama' says what waits, and the give-back is a button on that line."""
    submit_report(reporter, Report(unit=org.units["a"]))
    with app_database(app).session() as session:
        case_id = session.scalar(select(Case.id))
    budi = _reset_and_reactivate(app, org)
    rahman = signed_in(app, org.rahman)
    page = rahman.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    line = _access_item(page, "Budi")
    assert "kunci lama: kunci barunya belum disertifikasi" in line
    assert 'href="/staf/pengelola/sertifikasi"' in line
    assert "Berikan akses kembali" not in line
    certify_by_test_root(app, org.budi.id)
    page = rahman.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    line = _access_item(page, "Budi")
    assert "Berikan akses kembali" in line
    # The separate grant form no longer offers him a second time.
    grant = page.split("<h2>Akses</h2>")[1].split("</ul>")[1].split("</section>")[0]
    assert f'value="{org.budi.id}"' not in grant
    form = line.split("<form")[-1]
    assert f"/staf/pengelola/kasus/{case_id}/akses/beri" in form
    response = rahman.post(
        f"/staf/pengelola/kasus/{case_id}/akses/beri",
        data={"csrf_token": csrf_from(page), "staff_id": str(org.budi.id)},
    )
    assert response.status_code == 302
    assert budi.get(f"/staf/pengelola/kasus/{case_id}").status_code == 200


def test_reset_pages_tell_the_same_three_steps_and_a_reset_session_is_told(app, org) -> None:
    """Findings 6, 7, 8: one story on every reset page; the label; the ended session's message."""
    budi_before = signed_in(app, org.budi)
    admin = signed_in(app, make_staff(app, "admin", StaffRole.ADMIN))
    detail = admin.get(f"/staf/admin/staf/{org.budi.id}").get_data(as_text=True)
    done = admin.post(
        f"/staf/admin/staf/{org.budi.id}/reset", data={"csrf_token": csrf_from(detail)}
    ).get_data(as_text=True)
    token = done.split("kode=")[1].split("<")[0].split("&")[0]
    activation = https_client(app).get(f"/staf/aktivasi?kode={token}").get_data(as_text=True)
    for page in (done, activation):
        assert "menyertifikasi kunci baru" in page
        assert "para kustodian" in page
        assert "memberikan kasus-kasus itu kembali" in page
    status = admin.get(f"/staf/admin/staf/{org.budi.id}").get_data(as_text=True)
    assert "Menunggu aktivasi ulang" in status
    assert "Menunggu kata sandi diatur ulang" not in status
    # Budi's old browser: its next click lands on the sign-in page with a reason.
    ended = budi_before.get("/staf/pengelola/")
    assert ended.status_code == 302
    signin = budi_before.get(ended.headers["Location"]).get_data(as_text=True)
    assert "Sesi Anda telah berakhir" in signin
    assert "tautan aktivasi" in signin
    # A stranger's browser sees no such message.
    assert "Sesi Anda telah berakhir" not in https_client(app).get("/staf/masuk").get_data(
        as_text=True
    )


def test_indonesian_pages_name_the_operator_guide_not_an_english_readme(app, client) -> None:
    """Finding 12: a supervisor has no README; the Indonesian text names the operator's guide."""
    page = client.get("/staf/pemulihan").get_data(as_text=True)
    assert "panduan operator" in page
    assert "First start and staff accounts" not in page
