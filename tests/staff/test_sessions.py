"""Server-side staff sessions: fixation, logout, replay, expiry, deactivation, password change."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from crypto import DecryptionError, open_seed
from tests.support.http import CSRF_RE
from tests.support.staff import csrf_token, make_staff, make_units, pepper, sign_in
from wbs_app.db import app_database
from wbs_app.models import StaffMember, StaffRole, StaffSession
from wbs_app.security.staff_auth import COOKIE, COOKIE_PATH
from wbs_app.services.infra.clock import utcnow


def _cookie(client) -> str | None:
    cookie = client.get_cookie(COOKIE, path=COOKIE_PATH)
    return cookie.value if cookie else None


def _new_client(app):
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    return client


def _logout(client):
    page = client.get("/staf/pengelola/").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    return client.post("/staf/keluar", data={"csrf_token": token})


def test_cookie_is_session_only_httponly_strict_secure(app, client) -> None:
    units = make_units(app)
    staff = make_staff(app, "budi", unit_ids=(units["a"],))
    response = sign_in(app, client, staff)
    header = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith(COOKIE))
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Secure" in header
    assert "Expires" not in header and "Max-Age" not in header


def test_session_fixation_a_planted_cookie_is_replaced(app, client) -> None:
    units = make_units(app)
    staff = make_staff(app, "budi", unit_ids=(units["a"],))
    client.set_cookie(COOKIE, "A" * 86, path=COOKIE_PATH)
    sign_in(app, client, staff)
    assert _cookie(client) not in (None, "A" * 86)
    with app_database(app).session() as session:
        rows = session.scalars(select(StaffSession)).all()
        assert len(rows) == 1
        # The row holds only the hash of the token, and the seed sealed under
        # a key the database never sees.
        assert rows[0].id_hash not in _cookie(client).encode()


def test_logout_deletes_the_row_and_the_cookie_cannot_be_replayed(app, client) -> None:
    units = make_units(app)
    staff = make_staff(app, "budi", unit_ids=(units["a"],))
    sign_in(app, client, staff)
    stolen = _cookie(client)
    assert client.get("/staf/pengelola/").status_code == 200
    response = _logout(client)
    assert response.status_code == 302
    assert '"cookies"' in response.headers["Clear-Site-Data"]
    thief = _new_client(app)
    thief.set_cookie(COOKIE, stolen, path=COOKIE_PATH)
    replay = thief.get("/staf/pengelola/")
    assert replay.status_code == 302 and replay.headers["Location"].endswith("/staf/masuk")
    with app_database(app).session() as session:
        assert session.scalar(select(StaffSession.id_hash)) is None


def test_logout_by_get_is_refused(app, client) -> None:
    units = make_units(app)
    sign_in(app, client, make_staff(app, "budi", unit_ids=(units["a"],)))
    assert client.get("/staf/keluar").status_code == 405
    assert client.post("/staf/keluar").status_code == 400  # no CSRF token
    assert client.get("/staf/pengelola/").status_code == 200


def test_cookie_key_half_is_needed(app, client) -> None:
    units = make_units(app)
    sign_in(app, client, make_staff(app, "budi", unit_ids=(units["a"],)))
    cookie = _cookie(client)
    forged = cookie[:43] + ("B" if cookie[43] != "B" else "C") + cookie[44:]
    thief = _new_client(app)
    thief.set_cookie(COOKIE, forged, path=COOKIE_PATH)
    assert thief.get("/staf/pengelola/").status_code == 302


def test_idle_and_absolute_expiry(app, client) -> None:
    units = make_units(app)
    staff = make_staff(app, "budi", unit_ids=(units["a"],))
    sign_in(app, client, staff)
    with app_database(app).session() as session:
        row = session.scalar(select(StaffSession))
        row.last_seen_at = utcnow() - timedelta(minutes=31)
    assert client.get("/staf/pengelola/").status_code == 302
    sign_in(app, client, staff)
    with app_database(app).session() as session:
        row = session.scalar(select(StaffSession))
        row.expires_at = utcnow() - timedelta(seconds=1)
    assert client.get("/staf/pengelola/").status_code == 302
    with app_database(app).session() as session:
        assert session.scalar(select(StaffSession.id_hash)) is None


def test_deactivation_ends_a_live_session(app, client) -> None:
    units = make_units(app)
    admin = make_staff(app, "admin", StaffRole.ADMIN)
    handler = make_staff(app, "budi", unit_ids=(units["a"],))
    handler_client = _new_client(app)
    sign_in(app, handler_client, handler)
    assert handler_client.get("/staf/pengelola/").status_code == 200
    sign_in(app, client, admin)
    token = csrf_token(client, f"/staf/admin/staf/{handler.id}")
    response = client.post(f"/staf/admin/staf/{handler.id}/nonaktifkan", data={"csrf_token": token})
    assert response.status_code == 302
    assert handler_client.get("/staf/pengelola/").status_code == 302
    assert sign_in(app, _new_client(app), handler).status_code == 401


def test_password_change_rewraps_seed_and_ends_other_sessions(app, client) -> None:
    units = make_units(app)
    staff = make_staff(app, "budi", unit_ids=(units["a"],))
    with app_database(app).session() as session:
        before = session.get(StaffMember, staff.id)
        old_blob, public = before.sealed_seed, before.identity_public
    seed = open_seed(old_blob, staff.password, pepper(app))
    other = _new_client(app)
    sign_in(app, other, staff)
    sign_in(app, client, staff)
    token = csrf_token(client, "/staf/kata-sandi")
    new_password = "hujan-di-losari-senja"
    response = client.post(
        "/staf/kata-sandi",
        data={
            "csrf_token": token,
            "current": staff.password,
            "password": new_password,
            "password_confirm": new_password,
        },
    )
    assert response.status_code == 302
    assert client.get("/staf/pengelola/").status_code == 200  # this session lives on
    assert other.get("/staf/pengelola/").status_code == 302  # the other one ended
    with app_database(app).session() as session:
        after = session.get(StaffMember, staff.id)
        assert after.identity_public == public  # same identity, re-wrapped
        assert after.sealed_seed != old_blob
        assert open_seed(after.sealed_seed, new_password, pepper(app)) == seed
        try:
            open_seed(after.sealed_seed, staff.password, pepper(app))
        except DecryptionError:
            pass
        else:
            raise AssertionError("the old password still unlocks the seed")


def test_password_change_refuses_wrong_current_password(app, client) -> None:
    units = make_units(app)
    staff = make_staff(app, "budi", unit_ids=(units["a"],))
    sign_in(app, client, staff)
    token = csrf_token(client, "/staf/kata-sandi")
    response = client.post(
        "/staf/kata-sandi",
        data={
            "csrf_token": token,
            "current": "not-my-password-at-all",
            "password": "hujan-di-losari-senja",
            "password_confirm": "hujan-di-losari-senja",
        },
    )
    assert response.status_code == 400
    assert "Kata sandi saat ini tidak benar" in response.get_data(as_text=True)
