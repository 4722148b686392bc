"""Administration through HTTP: zone separation, units, categories, deadlines, resets, audit."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.support.staff import csrf_token, make_staff, make_units, sign_in
from wbs_app.db import app_database
from wbs_app.models import (
    AuditEvent,
    Category,
    SettingValue,
    StaffMember,
    StaffRole,
    StaffStatus,
    Unit,
)

ADMIN_PAGES = [
    "/staf/admin/",
    "/staf/admin/unit",
    "/staf/admin/kategori",
    "/staf/admin/pengaturan",
    "/staf/admin/staf",
    "/staf/admin/staf/undang",
    "/staf/admin/audit",
]


def _actions(app) -> list[str]:
    with app_database(app).session() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def org(app):
    units = make_units(app)
    admin = make_staff(app, "admin", StaffRole.ADMIN)
    handler = make_staff(app, "budi", unit_ids=(units["a"],))
    return units, admin, handler


def test_investigator_reaches_no_admin_page(app, client, org) -> None:
    _, _, handler = org
    sign_in(app, client, handler)
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 403, path


def test_admin_reaches_no_handler_page(app, client, org) -> None:
    _, admin, _ = org
    sign_in(app, client, admin)
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 200, path
    assert client.get("/staf/pengelola/").status_code == 403


def test_anonymous_is_sent_to_login(client) -> None:
    for path in [*ADMIN_PAGES, "/staf/pengelola/", "/staf/kata-sandi"]:
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/staf/masuk")


def test_units_tree_create_and_rename(app, client, org) -> None:
    units, admin, _ = org
    sign_in(app, client, admin)
    token = csrf_token(client, "/staf/admin/unit")
    response = client.post(
        "/staf/admin/unit",
        data={"csrf_token": token, "name": "UPT Bone", "parent_id": units["kanwil"]},
    )
    assert response.status_code == 302
    client.post(
        "/staf/admin/unit/puncak",
        data={"csrf_token": token, "name": "Kementerian Hukum", "confirm": "y"},
    )
    client.post(
        f"/staf/admin/unit/{units['a']}/nama",
        data={"csrf_token": token, "name": "UPT Makassar Baru"},
    )
    with app_database(app).session() as session:
        ministry = session.scalar(select(Unit).where(Unit.name == "Kementerian Hukum"))
        kanwil = session.get(Unit, units["kanwil"])
        assert ministry.parent_id is None and kanwil.parent_id == ministry.id
        assert session.get(Unit, units["a"]).name == "UPT Makassar Baru"
    page = client.get("/staf/admin/unit").get_data(as_text=True)
    assert (
        page.index("Kementerian Hukum")
        < page.index("Kanwil Sulawesi Selatan")
        < page.index("UPT Bone")
    )
    assert _actions(app).count("unit_created") >= 5 and "unit_renamed" in _actions(app)
    bad = client.post(
        "/staf/admin/unit", data={"csrf_token": token, "name": "x", "parent_id": units["kanwil"]}
    )
    assert bad.status_code == 400


def test_categories_and_deadlines(app, client, org) -> None:
    _, admin, _ = org
    sign_in(app, client, admin)
    with app_database(app).session() as session:
        narkoba = session.scalar(select(Category).where(Category.code == "narkoba"))
    token = csrf_token(client, "/staf/admin/kategori")
    client.post(
        f"/staf/admin/kategori/{narkoba.id}",
        data={
            f"c{narkoba.id}-csrf_token": token,
            "csrf_token": token,
            f"c{narkoba.id}-name_id": "Narkotika",
            f"c{narkoba.id}-name_en": "Narcotics",
            f"c{narkoba.id}-position": "3",
        },
    )
    with app_database(app).session() as session:
        changed = session.get(Category, narkoba.id)
        assert changed.name_id == "Narkotika" and changed.active is False
    assert "Narkotika" not in client.get("/").get_data(as_text=True)

    token = csrf_token(client, "/staf/admin/pengaturan")
    response = client.post(
        "/staf/admin/pengaturan",
        data={
            "csrf_token": token,
            "acknowledge": "5",
            "verification": "10",
            "feedback": "60",
            "respondent": "21",
        },
    )
    assert response.status_code == 302
    with app_database(app).session() as session:
        assert session.get(SettingValue, "DEADLINE_FEEDBACK_DAYS").value == 60
    assert "dalam 60 hari" in client.get("/").get_data(as_text=True)
    bad = client.post(
        "/staf/admin/pengaturan",
        data={
            "csrf_token": token,
            "acknowledge": "0",
            "verification": "x",
            "feedback": "60",
            "respondent": "21",
        },
    )
    assert bad.status_code == 400
    assert {"category_changed", "settings_changed"} <= set(_actions(app))


def test_reset_makes_a_new_identity_and_says_so(app, client, org) -> None:
    _, admin, handler = org
    with app_database(app).session() as session:
        old_public = session.get(StaffMember, handler.id).identity_public
    sign_in(app, client, admin)
    token = csrf_token(client, f"/staf/admin/staf/{handler.id}")
    page = client.post(f"/staf/admin/staf/{handler.id}/reset", data={"csrf_token": token})
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "kunci pribadi lama" in body
    link = re.search(r"/staf/aktivasi\?kode=[\w-]+", body).group(0)
    with app_database(app).session() as session:
        member = session.get(StaffMember, handler.id)
        assert member.status is StaffStatus.RESET and member.sealed_seed is None
    newcomer = app.test_client()
    newcomer.environ_base["wsgi.url_scheme"] = "https"
    activation = newcomer.get(link).get_data(as_text=True)
    assert (
        "diberikan kembali" in activation
        or "memberikannya lagi" in activation
        or "lagi kepada Anda" in activation
    )
    from tests.support.staff import PASSWORD, activation_fields, enrolment_fields

    response = newcomer.post(
        "/staf/aktivasi",
        data=enrolment_fields(activation)
        | activation_fields(link.split("kode=")[1], "budi", PASSWORD),
    )
    assert response.status_code == 302
    with app_database(app).session() as session:
        member = session.get(StaffMember, handler.id)
        assert member.identity_public != old_public and member.identity_generation == 2


def test_last_admin_cannot_be_deactivated_and_audit_shows_no_secrets(app, client, org) -> None:
    _, admin, handler = org
    sign_in(app, client, admin)
    page = client.get("/staf/admin/audit").get_data(as_text=True)
    assert "Berhasil masuk" in page or "Signed in" in page
    for secret in (admin.password, handler.password):
        assert secret not in page
    with app_database(app).session() as session:
        assert not session.scalars(
            select(AuditEvent).where(AuditEvent.detail.contains("password"))
        ).all()


def test_the_audit_log_names_an_invited_account_by_its_name_not_a_placeholder(
    app, client, org
) -> None:
    """Before activation an account has no user name of its own (walk 2, finding 14)."""
    units, admin, _handler = org
    sign_in(app, client, admin)
    invited = client.post(
        "/staf/admin/staf/undang",
        data={
            "csrf_token": csrf_token(client, "/staf/admin/staf/undang"),
            "display_name": "Sitti Rahmawati",
            "email": "sitti@kanwil.example",
            "role": "investigator",
            "units": [str(units["a"])],
        },
    )
    assert invited.status_code == 200, invited.get_data(as_text=True)[:3000]
    for page in ("/staf/admin/audit", "/staf/admin/"):
        text = client.get(page).get_data(as_text=True)
        assert "Sitti Rahmawati" in text and "invited-" not in text, page
