"""A database that fails under a request, in every zone: the error page, never a crash.

A failed flush (the driver's IntegrityError or OperationalError, raised by an
event hook on the test's engine at the first write) and SQLite's write lock
held by another connection past a tiny busy timeout must both end in the
translated error page with every security header: 500 for the failure, 503
with Retry-After for the lock. No statement may run after the error (the
page is drawn from what the request had already loaded), nothing is left
half-written, and no exception escapes the app: the test client would
re-raise it, and gunicorn would answer its bare 500 without headers
(``test_a_staff_page_through_gunicorn``). PostgreSQL's own failures (a
serialization failure, a lost connection, a failed transaction) get the
same treatment.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from tests.support import faults
from tests.support.headers import assert_error_page
from tests.support.world import World, build_world, changed_tables, multipart, snapshot

SOMETHING_WENT_WRONG = "Terjadi kesalahan"
BUSY = "Layanan sedang sibuk"


@pytest.fixture
def app(make_app: Any) -> Flask:
    built: Flask = make_app(SQLITE_BUSY_TIMEOUT_MS=50)
    return built


@pytest.fixture
def world(app: Flask, org: Any) -> World:
    return build_world(app, org)


def _sign_in_form(world: World) -> dict[str, str]:
    from tests.support.staff import next_code

    login = world.org.sitti
    return {
        "login": login.username,
        "password": login.password,
        "code": next_code(world.app, login),
    }


# One writing POST per zone: (role, path, fields, multipart?, whose name the page shows).
WRITES: dict[str, Callable[[World], tuple[str, str, dict[str, str], bool, str | None]]] = {
    "public": lambda w: (
        "anon",
        "/lapor/formulir",
        {"draft": "", "unit": str(w.org.units["a"]), "what": "uang pelicin"},
        True,
        None,
    ),
    "reporter": lambda w: ("reporter", "/lapor/kasus/pesan", {"message": "tambahan"}, True, None),
    "respondent": lambda w: (
        "respondent",
        "/klarifikasi/perpanjangan",
        {"days": "7", "reason": "saya sakit"},
        False,
        None,
    ),
    "staff sign-in": lambda w: ("anon", "/staf/masuk", _sign_in_form(w), False, None),
    "staff": lambda w: ("supervisor", "/staf/keluar", {}, False, "Rahman"),
    "admin": lambda w: (
        "admin",
        "/staf/admin/unit",
        {"name": "UPT Baru", "parent_id": str(w.org.units["kanwil"])},
        False,
        "Admin",
    ),
    "investigator": lambda w: (
        "inv_a",
        f"/staf/pengelola/kasus/{w.case_a}/catatan",
        {"text": "catatan baru"},
        False,
        "Budi",
    ),
}


def _post(world: World, zone: str) -> tuple[Any, str | None]:
    role, path, fields, streamed, shown = WRITES[zone](world)
    data = {"csrf_token": world.token(role, path), **fields}
    client = world.clients[role]
    response = client.post(path, **multipart(data)) if streamed else client.post(path, data=data)
    return response, shown


def _nav_shows(response: Any, name: str | None) -> None:
    body = response.get_data(as_text=True)
    if name is None:
        return
    assert '<nav class="staff"' in body and f"<span>{name}</span>" in body, body[:2000]


def test_a_failed_flush_gives_the_error_page_in_every_zone(world: World) -> None:
    for zone in WRITES:
        world.token(*WRITES[zone](world)[:2])  # fetched before the hook is armed
        before = snapshot(world.app)
        with (
            faults.watched(world.app) as watch,
            faults.refused(world.app, lambda: faults.integrity_error(world.app)) as hits,
        ):
            response, shown = _post(world, zone)
        assert hits, f"{zone}: the request wrote"
        assert_error_page(response, 500)
        assert SOMETHING_WENT_WRONG in response.get_data(as_text=True), zone
        assert watch.after_error == [], f"{zone}: the error page queried the database again"
        _nav_shows(response, shown)  # from what the request had loaded, without a query
        assert changed_tables(before, snapshot(world.app)) == [], zone


def test_a_write_lock_held_elsewhere_gives_503_in_every_zone(world: World) -> None:
    if not faults.is_sqlite(world.app):
        pytest.skip("SQLite's single writer; PostgreSQL's failures are below")
    for zone in WRITES:
        world.token(*WRITES[zone](world)[:2])
        before = snapshot(world.app)
        with faults.watched(world.app) as watch, faults.write_lock_held(world.app):
            response, _ = _post(world, zone)
        assert_error_page(response, 503)
        assert response.headers["Retry-After"] == "1", zone
        assert BUSY in response.get_data(as_text=True), zone
        assert watch.errors and watch.after_error == [], zone
        assert changed_tables(before, snapshot(world.app)) == [], zone


# Staff pages that only read, and the table whose read the hook fails on each.
STAFF_READS = (
    ("admin", "/staf/admin/unit", "units"),
    ("inv_a", "/staf/pengelola/kasus", "cases"),
    ("supervisor", "/staf/kata-sandi", "staff_members"),  # the guard's own read
)


def test_a_failed_read_on_a_staff_page_gives_the_error_page(world: World) -> None:
    for role, path, table in STAFF_READS:

        def reads_table(statement: str, table: str = table) -> bool:
            return statement.lstrip().upper().startswith("SELECT") and f"FROM {table}" in statement

        error = (
            (lambda: sqlite3.OperationalError("disk I/O error"))
            if faults.is_sqlite(world.app)
            else _pg_error("DiskFull")
        )
        with (
            faults.watched(world.app) as watch,
            faults.refused(world.app, error, reads_table) as hits,
        ):
            response = world.clients[role].get(path)
        assert hits, f"{path} reads {table}"
        assert_error_page(response, 500)
        assert watch.after_error == [], path


def _pg_error(name: str) -> Callable[[], Exception]:
    import psycopg.errors

    kind = getattr(psycopg.errors, name)
    return lambda: kind(f"{name} provoked by the test")


# PostgreSQL: what each failure must answer.
PG_FAILURES = {
    "SerializationFailure": 503,
    "DeadlockDetected": 503,
    "LockNotAvailable": 503,
    "InFailedSqlTransaction": 500,
}
STAFF_ZONES = ("staff sign-in", "staff", "admin", "investigator")


def test_postgresql_failures_in_the_staff_zones(world: World) -> None:
    if faults.is_sqlite(world.app):
        pytest.skip("PostgreSQL's errors")
    for failure, status in PG_FAILURES.items():
        for zone in STAFF_ZONES:
            world.token(*WRITES[zone](world)[:2])
            with faults.watched(world.app) as watch, faults.refused(world.app, _pg_error(failure)):
                response, shown = _post(world, zone)
            assert_error_page(response, status)
            if status == 503:
                assert response.headers["Retry-After"] == "1", (failure, zone)
            assert watch.after_error == [], (failure, zone)
            _nav_shows(response, shown)


def test_postgresql_connection_lost_under_a_request(world: World) -> None:
    if faults.is_sqlite(world.app):
        pytest.skip("PostgreSQL's server connection")
    for zone in ("public", *STAFF_ZONES):
        world.token(*WRITES[zone](world)[:2])
        with faults.watched(world.app) as watch, faults.backend_terminated(world.app) as hits:
            response, shown = _post(world, zone)
        assert hits, zone
        assert_error_page(response, 503)
        assert response.headers["Retry-After"] == "10", zone
        assert "Layanan sedang tidak tersedia" in response.get_data(as_text=True), zone
        assert watch.errors and watch.after_error == [], zone
        _nav_shows(response, shown)
        assert world.clients["admin"].get("/staf/admin/").status_code == 200, "the pool recovers"


def _with_every_security_header(response: Any, status: int) -> None:
    """The headers of ``security.headers`` (the server runs without TLS, so no HSTS)."""
    from wbs_app.security.headers import REMOVED_HEADERS, SECURITY_HEADERS

    assert response.status_code == status, response.get_data(as_text=True)[:300]
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    for name in REMOVED_HEADERS:
        # gunicorn names itself "lentera" (gunicorn.conf.py), without a version.
        assert response.headers.get(name) in ((None, "lentera") if name == "Server" else (None,))
    body = response.get_data(as_text=True)
    assert "Lentera" in body and "Traceback" not in body


def test_a_staff_page_through_gunicorn(app: Flask, org: Any, instance_path: Any) -> None:
    """gunicorn's own 500 (what an exception escaping the app gets) carries none of the headers."""
    from tests.support.durability import live_settings
    from tests.support.live import LiveServer
    from tests.support.live_client import LiveClient
    from tests.support.staff import csrf_token, make_staff, sign_in
    from wbs_app.models import StaffRole

    admin = make_staff(app, "admin", StaffRole.ADMIN)
    settings = live_settings(app, SQLITE_BUSY_TIMEOUT_MS="50")
    server = LiveServer(instance_path, settings).start()
    try:
        client = LiveClient(server.host, server.port)
        assert sign_in(app, client, admin).status_code == 302
        form = {"csrf_token": csrf_token(client, "/staf/admin/unit"), "name": "UPT Baru"}
        form["parent_id"] = str(org.units["kanwil"])
        with faults.inserts_refused(app, "units"):
            refused = client.post("/staf/admin/unit", data=form)
        _with_every_security_header(refused, 500)
        assert SOMETHING_WENT_WRONG in refused.get_data(as_text=True)
        if faults.is_sqlite(app):
            with faults.write_lock_held(app):
                busy = client.post("/staf/admin/unit", data=form)
            _with_every_security_header(busy, 503)
            assert busy.headers["Retry-After"] == "1"
        assert client.post("/staf/admin/unit", data=form).status_code == 302, "and then it works"
    finally:
        server.stop()
    assert "Traceback" not in server.log() and "Exception on" not in server.log()


def test_an_error_page_that_cannot_be_drawn_is_still_an_answer(app: Flask) -> None:
    """If the error template itself fails, a plain translated page, not an exception."""
    from tests.support.headers import assert_baseline
    from tests.support.http import https_client

    @app.context_processor
    def broken() -> dict[str, Any]:
        raise RuntimeError("RAHASIA a template context that fails")

    response = https_client(app).get("/")
    assert response.status_code == 500
    assert_baseline(response)
    body = response.get_data(as_text=True)
    assert SOMETHING_WENT_WRONG in body and "RAHASIA" not in body


def test_a_pool_with_no_connection_free_is_busy(tmp_path: Any) -> None:
    """QueuePool's timeout (every connection in use) is "busy, come back", not a 500."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import SQLAlchemyError

    from wbs_app.services.infra.transactions import DatabaseFailure, database_failure

    engine = create_engine(
        f"sqlite:///{tmp_path / 'pool.sqlite3'}", pool_size=1, max_overflow=0, pool_timeout=0.05
    )
    held = engine.connect()
    try:
        with pytest.raises(SQLAlchemyError) as raised:
            engine.connect()
        assert database_failure(raised.value) is DatabaseFailure.BUSY
    finally:
        held.close()
        engine.dispose()
