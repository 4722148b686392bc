"""First-run set-up link, activation links and the identity they create."""

from __future__ import annotations

import re

from sqlalchemy import select

from crypto import PublicIdentity, open_seed
from tests.support.http import CSRF_RE
from tests.support.staff import (
    PASSWORD,
    activation_fields,
    enrolment_fields,
    make_staff,
    make_units,
    pepper,
    setup_form,
    setup_link,
    sign_in,
)
from wbs_app.db import app_database
from wbs_app.models import AuditEvent, StaffMember, StaffRole, StaffStatus
from wbs_app.services.staff import totp


def test_setup_link_creates_the_first_admin_once(app, client) -> None:
    link = setup_link(app)
    page = client.get(link)
    assert page.status_code == 200
    assert "<svg" in page.get_data(as_text=True)  # QR code drawn server-side
    response = client.post("/staf/penyiapan", data=setup_form(client, link))
    assert response.status_code == 302
    with app_database(app).session() as session:
        admin = session.scalar(select(StaffMember).where(StaffMember.username == "andi"))
        assert admin.role is StaffRole.ADMIN and admin.status is StaffStatus.ACTIVE
        assert len(open_seed(admin.sealed_seed, PASSWORD, pepper(app))) == 32
        PublicIdentity.from_bytes(admin.identity_public)
        assert session.scalar(select(AuditEvent.action).where(AuditEvent.action == "setup"))
    # Used once: the same link now fails, and no new link is printed.
    assert client.get(link).status_code == 404
    again = client.post("/staf/penyiapan", data=_setup_form_after_use(link))
    assert again.status_code in (400, 404)
    result = app.test_cli_runner().invoke(args=["wbs", "setup-link"])
    assert "an administrator exists" in result.output


def _setup_form_after_use(link: str) -> dict[str, str]:
    return {"kode": link.split("kode=")[1], "display_name": "Mallory", "email": "m@x.example"}


def test_setup_keeps_input_and_explains_weak_password(app, client) -> None:
    link = setup_link(app)
    data = setup_form(client, link, password="Password2024!", password_confirm="Password2024!")
    response = client.post("/staf/penyiapan", data=data)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "kata sandi umum" in body or "mudah ditebak" in body
    assert 'value="andi@kanwil.example"' in body
    assert data["totp_secret"] in body  # the enrolled key survives the mistake


def test_setup_refuses_wrong_totp_code(app, client) -> None:
    link = setup_link(app)
    response = client.post("/staf/penyiapan", data=setup_form(client, link, totp_code="000000"))
    assert response.status_code == 400
    with app_database(app).session() as session:
        assert session.scalar(select(StaffMember.id)) is None


def test_expired_setup_link_fails(app, client) -> None:
    link = setup_link(app)
    from wbs_app.models import OneTimeToken
    from wbs_app.services.infra.clock import utcnow

    with app_database(app).session() as session:
        for row in session.scalars(select(OneTimeToken)):
            row.expires_at = utcnow()
    assert client.get(link).status_code == 404


def test_invitation_activation_and_login(app, client) -> None:
    units = make_units(app)
    admin = make_staff(app, "admin", StaffRole.ADMIN)
    assert sign_in(app, client, admin).status_code == 302
    page = client.get("/staf/admin/staf/undang").get_data(as_text=True)
    response = client.post(
        "/staf/admin/staf/undang",
        data={
            "csrf_token": CSRF_RE.search(page).group(1),
            "display_name": "Sitti Rahmawati",
            "email": "Sitti@Kanwil.example",
            "role": "investigator",
            "units": [str(units["a"])],
        },
    )
    assert response.status_code == 200
    link = re.search(r"(/staf/aktivasi\?kode=[\w-]+)", response.get_data(as_text=True)).group(1)

    newcomer = client.application.test_client()
    newcomer.environ_base["wsgi.url_scheme"] = "https"
    page = newcomer.get(link).get_data(as_text=True)
    assert 'value="sitti"' in page  # username suggested from the e-mail address
    enrolment = enrolment_fields(page)
    activated = newcomer.post(
        "/staf/aktivasi",
        data=enrolment | activation_fields(link.split("kode=")[1], "sitti", PASSWORD),
    )
    assert activated.status_code == 302
    assert newcomer.get(link).status_code == 404  # one use
    with app_database(app).session() as session:
        sitti = session.scalar(select(StaffMember).where(StaffMember.username == "sitti"))
        assert sitti.email == "sitti@kanwil.example"
        assert [unit.id for unit in sitti.units] == [units["a"]]
    from tests.support.staff import StaffLogin

    login = StaffLogin(
        sitti.id, "sitti", PASSWORD, totp.parse_secret_text(enrolment["totp_secret"])
    )
    response = sign_in(app, newcomer, login)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staf/pengelola/")
    assert "UPT Makassar" in newcomer.get("/staf/pengelola/").get_data(as_text=True)
