"""The DESIGN.md section 5 headers on the answers the access matrix does not produce: 413, 429, 500.

The access matrix (``test_access_matrix.py``) already holds every 200 page of
every zone, every redirect, 400, 403, 404 and 405, and every download, to
``tests/support/headers.assert_baseline``; the CSRF suite holds the "form
expired" page to it. What is left: uploads and bodies over the limits in
every zone that takes them, a locked staff login, malformed bodies, and an
unexpected exception inside each guarded zone with its session live. No
error page may carry a traceback, a file path or the exception's message.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from tests.support.headers import SECRET, assert_baseline, assert_error_page
from tests.support.reporter import csrf_from
from tests.support.settings import replace_settings
from tests.support.world import World, build_world, multipart, stored_files
from wbs_app.security import bodies as body_limits
from wbs_app.security.zones import ADMIN, INVESTIGATOR, PUBLIC, REPORTER, RESPONDENT, STAFF, zone

# A route that raises, in each zone, and the role whose session passes its guard.
CRASHING = {
    # A public page that takes a form lives on a side (reporter.form does):
    # outside every side there is no session to check a CSRF token against.
    PUBLIC: ("/lapor/rusak-umum", "anon"),
    REPORTER: ("/lapor/rusak", "reporter"),
    RESPONDENT: ("/klarifikasi/rusak", "respondent"),
    INVESTIGATOR: ("/staf/pengelola/rusak", "inv_a"),
    ADMIN: ("/staf/admin/rusak", "admin"),
    STAFF: ("/staf/rusak", "supervisor"),
}


def _crash_in_every_zone(app: Flask) -> None:
    """Routes of this test's app only: registered before its first request."""
    for name, (path, _) in CRASHING.items():

        def boom() -> str:
            raise RuntimeError(f"{SECRET} in a report's text")

        boom.__name__ = f"boom_{name}"
        app.add_url_rule(path, boom.__name__, zone(name)(boom), methods=["GET", "POST"])


@pytest.fixture
def world(app, org) -> World:
    _crash_in_every_zone(app)
    return build_world(app, org)


def test_500_in_every_zone_with_its_session(world: World, caplog: pytest.LogCaptureFixture) -> None:
    for name, (path, role) in CRASHING.items():
        client = world.clients[role]
        assert_error_page(client.get(path), 500)
        assert_error_page(client.post(path, data={"csrf_token": world.token(role, path)}), 500)
        # And the guard still stands in front of the crash for everyone else.
        if name != PUBLIC:
            outsider = world.clients["anon"].get(path)
            assert outsider.status_code == 302, name
            assert_baseline(outsider)
    assert SECRET not in caplog.text


def _big_file(size: int) -> tuple[io.BytesIO, str]:
    return io.BytesIO(b"x" * size), "besar.bin"


def test_413_in_every_zone_that_takes_a_body(world: World, instance_path: Path) -> None:
    app = world.app
    replace_settings(app, max_upload_bytes=1024)
    files = stored_files(instance_path)
    uploads = (
        ("anon", "/lapor/formulir", {"draft": "", "what": "x"}),
        ("reporter", "/lapor/kasus/pesan", {"message": "x"}),
        ("respondent", "/klarifikasi/pernyataan", {"statement": "x"}),
    )
    for role, path, fields in uploads:
        data = {"csrf_token": world.token(role, path), **fields, "evidence": _big_file(4096)}
        response = world.clients[role].post(path, **multipart(data))
        assert_error_page(response, 413)
    assert stored_files(instance_path) == files
    limits = app.extensions[body_limits.LIMITS]
    app.extensions[body_limits.LIMITS] = dataclasses.replace(
        limits, default=8 * 1024, form=8 * 1024
    )
    bodies = (
        ("anon", "/staf/masuk"),
        ("inv_a", f"/staf/pengelola/kasus/{world.case_a}/catatan"),
        ("admin", "/staf/admin/unit"),
        ("reporter", "/lapor/kasus/cabut"),
        ("respondent", "/klarifikasi/perpanjangan"),
    )
    for role, path in bodies:
        data = MultiDict({"csrf_token": world.token(role, path), "text": "x" * 16 * 1024})
        assert_error_page(world.clients[role].post(path, data=data), 413)


def test_429_of_a_locked_staff_login(app, org, client) -> None:
    token = None
    response = None
    for _ in range(8):
        page = client.get("/staf/masuk")
        assert_baseline(page)
        token = token or csrf_from(page.get_data(as_text=True))
        response = client.post(
            "/staf/masuk",
            data={"csrf_token": token, "login": "budi", "password": "salah-sekali", "code": "1"},
        )
        if response.status_code == 429:
            break
    assert response is not None
    assert_error_page(response, 429)


@pytest.mark.parametrize(
    ("path", "content_type", "body"),
    [
        ("/lapor/formulir", "multipart/form-data; boundary=x", b"--x\r\nbroken"),
        ("/lapor/formulir", "application/json", b"{}"),
        ("/staf/masuk", "application/x-www-form-urlencoded", b"%zz=%zz&" * 10),
    ],
)
def test_malformed_bodies(client, path: str, content_type: str, body: bytes) -> None:
    response = client.post(path, data=body, content_type=content_type)
    assert 400 <= response.status_code < 500
    assert_error_page(response, response.status_code)
