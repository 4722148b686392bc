"""Sessions that should be over stay over: a stolen cookie replayed on every page of its zone.

``tests/staff/test_sessions.py`` proves each ending for the staff index page,
and the reporter's "finish and clear" for the case page. Here the cookie a
thief copied before the session ended is replayed in a fresh browser on
every guarded GET page its zone has (from ``app.url_map``), with real ids,
for all three zones: after logout or "finish and clear", after a password
change made in another session, after deactivation (and reactivation does
not revive it), after a password reset, and after idle and absolute expiry.
Every page must send the thief to the login page, and the session's row
must be gone.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.support.access_matrix import url_of
from tests.support.http import https_client
from tests.support.reporter import csrf_from, open_case
from tests.support.staff import StaffLogin, sign_in
from tests.support.world import World, build_world
from wbs_app.db import app_database
from wbs_app.models import ReporterSession, RespondentSession, StaffSession
from wbs_app.security import reporter_auth, respondent_auth, staff_auth
from wbs_app.security.zones import zone_of
from wbs_app.services.infra import sessions
from wbs_app.services.infra.clock import utcnow

# Cookie name, cookie path, login page, and the zones whose pages the cookie opens.
STAFF = (staff_auth.COOKIE, staff_auth.COOKIE_PATH, "/staf/masuk")
REPORTER = (reporter_auth.COOKIE, reporter_auth.COOKIE_PATH, "/lapor/masuk")
RESPONDENT = (respondent_auth.COOKIE, respondent_auth.COOKIE_PATH, "/klarifikasi/masuk")
HANDLER_ZONES = ("investigator", "staff")
ADMIN_ZONES = ("admin", "staff")


def guarded_pages(world: World, zones: tuple[str, ...]) -> list[str]:
    """Every GET page of these zones, with case A's ids."""
    app = world.app
    return sorted(
        {
            url_of(world, rule.endpoint)
            for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or ()) and zone_of(app, rule.endpoint) in zones
        }
    )


def cookie_of(client: FlaskClient, kind: tuple[str, str, str]) -> str:
    cookie = client.get_cookie(kind[0], path=kind[1])
    assert cookie is not None
    return cookie.value


def assert_replay_refused(world: World, kind: tuple[str, str, str], value: str, pages: list[str]):
    name, path, login = kind
    for page in pages:
        thief = https_client(world.app)
        thief.set_cookie(name, value, path=path)
        response = thief.get(page)
        assert response.status_code == 302, page
        assert response.headers["Location"].endswith(login), page
    model = {STAFF: StaffSession, REPORTER: ReporterSession, RESPONDENT: RespondentSession}[kind]
    parsed = sessions.parse_cookie(value)
    assert parsed is not None
    with app_database(world.app).session() as session:
        assert session.get(model, parsed.id_hash) is None, "the session's row outlived it"


def _age(world: World, model: Any, value: str, **changes: Any) -> None:
    parsed = sessions.parse_cookie(value)
    assert parsed is not None
    with app_database(world.app).session() as session:
        row = session.get(model, parsed.id_hash)
        for column, moved in changes.items():
            setattr(row, column, moved)


def _staff_session(world: World, login: StaffLogin) -> FlaskClient:
    client = https_client(world.app)
    assert sign_in(world.app, client, login).status_code == 302
    return client


def _admin_post(world: World, path: str) -> Any:
    return world.clients["admin"].post(path, data={"csrf_token": world.token("admin")})


@pytest.fixture
def world(app, org) -> World:
    return build_world(app, org)


def test_staff_cookie_after_logout(world: World) -> None:
    client = world.clients["inv_a"]
    stolen = cookie_of(client, STAFF)
    pages = guarded_pages(world, HANDLER_ZONES)
    assert client.get(f"/staf/pengelola/kasus/{world.case_a}").status_code == 200
    assert client.post("/staf/keluar", data={"csrf_token": world.token("inv_a")}).status_code == 302
    assert_replay_refused(world, STAFF, stolen, pages)


def test_staff_cookie_after_a_password_change_in_another_session(world: World) -> None:
    stolen = cookie_of(world.clients["inv_b"], STAFF)
    other = _staff_session(world, world.org.sitti)
    page = other.get("/staf/kata-sandi").get_data(as_text=True)
    new = "angin-mamiri-sore-hari"
    changed = other.post(
        "/staf/kata-sandi",
        data={
            "csrf_token": csrf_from(page),
            "current": world.org.sitti.password,
            "password": new,
            "password_confirm": new,
        },
    )
    assert changed.status_code == 302
    assert_replay_refused(world, STAFF, stolen, guarded_pages(world, HANDLER_ZONES))
    assert other.get(f"/staf/pengelola/kasus/{world.case_b}").status_code == 200


def test_staff_cookie_after_deactivation_and_reactivation(world: World) -> None:
    stolen = cookie_of(world.clients["supervisor"], STAFF)
    rahman = world.org.rahman.id
    assert _admin_post(world, f"/staf/admin/staf/{rahman}/nonaktifkan").status_code == 302
    pages = guarded_pages(world, HANDLER_ZONES)
    assert_replay_refused(world, STAFF, stolen, pages)
    assert _admin_post(world, f"/staf/admin/staf/{rahman}/aktifkan").status_code == 302
    assert_replay_refused(world, STAFF, stolen, pages)


def test_staff_cookie_after_a_password_reset(world: World) -> None:
    target = _staff_session(world, world.target)
    stolen = cookie_of(target, STAFF)
    assert target.get("/staf/pengelola/").status_code == 200
    assert _admin_post(world, f"/staf/admin/staf/{world.target.id}/reset").status_code == 200
    assert_replay_refused(world, STAFF, stolen, guarded_pages(world, HANDLER_ZONES))


@pytest.mark.parametrize("clock", ["idle", "absolute"])
def test_staff_cookie_after_expiry(world: World, clock: str) -> None:
    stolen = cookie_of(world.clients["admin"], STAFF)
    now = utcnow()
    if clock == "idle":
        _age(world, StaffSession, stolen, last_seen_at=now - timedelta(minutes=31))
    else:
        _age(world, StaffSession, stolen, expires_at=now - timedelta(seconds=1))
    assert_replay_refused(world, STAFF, stolen, guarded_pages(world, ADMIN_ZONES))


def test_reporter_cookie_after_finish_and_clear(world: World) -> None:
    client = world.clients["reporter"]
    stolen = cookie_of(client, REPORTER)
    done = client.post("/lapor/selesai", data={"csrf_token": world.token("reporter")})
    assert done.status_code == 302
    assert_replay_refused(world, REPORTER, stolen, guarded_pages(world, ("reporter",)))


@pytest.mark.parametrize("clock", ["idle", "absolute"])
def test_reporter_and_respondent_cookies_after_expiry(
    world: World, clock: str, moved_clock
) -> None:
    """Idle: the clock moves on (a code holder's row keeps only days, the minute is sealed);
    absolute: the row's own expiry (the day the purge reads) has passed."""
    config = world.app.config
    idle = timedelta(minutes=int(config["REPORTER_SESSION_IDLE_MINUTES"]) + 1)
    reporter = cookie_of(world.clients["reporter"], REPORTER)
    respondent = cookie_of(world.clients["respondent"], RESPONDENT)
    if clock == "idle":
        moved_clock.advance(seconds=idle.total_seconds())
    else:
        changes = {"expires_at": utcnow() - timedelta(seconds=1)}
        _age(world, ReporterSession, reporter, **changes)
        _age(world, RespondentSession, respondent, **changes)
    assert_replay_refused(world, REPORTER, reporter, guarded_pages(world, ("reporter",)))
    assert_replay_refused(world, RESPONDENT, respondent, guarded_pages(world, ("respondent",)))
    # A new visit with the receipt starts afresh.
    again = https_client(world.app)
    assert open_case(again, world.receipt_a).status_code == 302
    assert again.get("/lapor/kasus").status_code == 200


def test_respondent_cookie_after_finish(world: World) -> None:
    client = world.clients["respondent"]
    stolen = cookie_of(client, RESPONDENT)
    done = client.post("/klarifikasi/selesai", data={"csrf_token": world.token("respondent")})
    assert done.status_code == 302 and '"cookies"' in done.headers["Clear-Site-Data"]
    assert_replay_refused(world, RESPONDENT, stolen, guarded_pages(world, ("respondent",)))


def test_a_cookie_of_one_zone_opens_no_other(world: World) -> None:
    """Each zone's cookie is its own: a staff cookie under another name opens nothing."""
    staff = cookie_of(world.clients["inv_a"], STAFF)
    reporter = cookie_of(world.clients["reporter"], REPORTER)
    swaps = (
        (REPORTER, staff, ("reporter",)),
        (RESPONDENT, staff, ("respondent",)),
        (RESPONDENT, reporter, ("respondent",)),
    )
    for kind, value, zones in swaps:
        for page in guarded_pages(world, zones):
            thief = https_client(world.app)
            thief.set_cookie(kind[0], value, path=kind[1])
            response = thief.get(page)
            assert response.status_code == 302 and response.headers["Location"].endswith(kind[2])
    thief = https_client(world.app)
    thief.set_cookie(STAFF[0], reporter, path=STAFF[1])
    for page in guarded_pages(world, HANDLER_ZONES):
        assert thief.get(page).status_code == 302, page


def test_csrf_tokens_do_not_cross_a_sign_in_or_a_sign_out(world: World) -> None:
    """A token known before a sign-in (planted, say) is worthless after it, and after sign-out."""
    app = world.app
    staff = https_client(app)
    planted = csrf_from(staff.get("/staf/masuk").get_data(as_text=True))
    assert sign_in(app, staff, world.org.rahman).status_code == 302
    path = f"/staf/pengelola/kasus/{world.case_a}/catatan"
    assert staff.post(path, data={"csrf_token": planted, "text": "x"}).status_code == 400
    during = csrf_from(staff.get("/staf/pengelola/").get_data(as_text=True))
    assert staff.post("/staf/keluar", data={"csrf_token": during}).status_code == 302
    assert staff.post("/staf/masuk", data={"csrf_token": during}).status_code == 400
    for login, field, code, target in (
        ("/lapor/masuk", "receipt", world.receipt_a, "/lapor/kasus/cabut"),
        ("/klarifikasi/masuk", "code", world.code_a1, "/klarifikasi/perpanjangan"),
    ):
        visitor = https_client(app)
        planted = csrf_from(visitor.get(login).get_data(as_text=True))
        signed = visitor.post(login, data={"csrf_token": planted, field: code})
        assert signed.status_code == 302, login
        refused = visitor.post(target, data={"csrf_token": planted, "reason": "x"})
        assert refused.status_code == 400, target
