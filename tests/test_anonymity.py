"""No client address or user agent leaves a trace: not in logs, tables or files.

And no side's cookie reaches another side: a staff member who reports from
their work browser sends nothing of their staff sign-in with the report.
"""

from __future__ import annotations

import http.client
import re
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from tests.support.http import https_client
from tests.support.reporter import Report, open_case, submit_report
from tests.support.respondent import confirm_new_code_of, invite, to_examination
from tests.support.staff import csrf_token, sign_in
from wbs_app.database import Base
from wbs_app.db import app_database
from wbs_app.security.sides import LEGACY_ROOT_COOKIES, side_of

CLIENT_ADDRESS = "127.0.0.3"  # the socket's source: the server sees only this as peer
MARKERS = {
    "X-Forwarded-For": "198.51.100.23",
    "X-Real-IP": "198.51.100.24",
    "Forwarded": "for=198.51.100.25",
    "True-Client-IP": "198.51.100.26",
    "User-Agent": "LenteraMarkerAgent/7.3 (marker-ua)",
    "Referer": "http://marker-referer.example/page",
}
NEEDLES = [CLIENT_ADDRESS, "198.51.100.", "LenteraMarkerAgent", "marker-ua", "marker-referer"]


def _request(server, method: str, path: str) -> int:
    connection = http.client.HTTPConnection(
        server.host, server.port, timeout=10, source_address=(CLIENT_ADDRESS, 0)
    )
    connection.request(method, path, headers=MARKERS)
    response = connection.getresponse()
    response.read()
    status = response.status
    server_header = response.getheader("Server") or ""
    connection.close()
    assert "/" not in server_header, "Server header must not carry a version"
    return status


def _files_text(folder: Path, since: float) -> str:
    chunks: list[str] = []
    for path in folder.rglob("*"):
        try:
            if (
                path.is_file()
                and path.stat().st_mtime >= since
                and path.stat().st_size < 50_000_000
            ):
                chunks.append(path.read_bytes().decode("latin-1"))
        except OSError:
            continue
    return "\n".join(chunks)


def _database_text(app) -> str:
    rows: list[str] = []
    with app_database(app).engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            rows.extend(
                repr(tuple(row))
                for row in connection.execute(text(f'SELECT * FROM "{table.name}"'))
            )
    return "\n".join(rows)


def test_marker_addresses_and_agent_leave_no_trace(app, live_server, instance_path: Path) -> None:
    started = time.time() - 1
    assert _request(live_server, "GET", "/") == 200
    assert _request(live_server, "GET", "/panduan-anonim?lang=en") == 200
    assert _request(live_server, "GET", "/no-such-page") == 404
    assert _request(live_server, "POST", "/") == 405
    assert _request(live_server, "TRACE", "/") == 405
    live_server.stop()

    log = live_server.log()
    # Pages outside the staff side are logged by status and duration only (issue 18).
    assert re.search(r"^- 200 \d+ms$", log, re.MULTILINE), (
        "the access log shows the service working"
    )
    haystacks = {
        "gunicorn log": log,
        "instance folder": _files_text(instance_path, 0),
        "database rows": _database_text(app),
        "temp directory": _files_text(Path(tempfile.gettempdir()), started),
    }
    for where, haystack in haystacks.items():
        for needle in NEEDLES:
            assert needle not in haystack, f"{needle!r} found in {where}"


def test_app_never_sees_identifying_environ(make_app) -> None:
    from flask import request

    from wbs_app.security.zones import PUBLIC, zone

    app = make_app()
    seen: dict[str, object] = {}

    @zone(PUBLIC)
    def probe() -> str:
        seen["addr"] = request.environ.get("REMOTE_ADDR")
        seen["agent"] = request.user_agent.string
        seen["forwarded"] = request.headers.get("X-Forwarded-For")
        seen["access_route"] = list(request.access_route)
        return "ok"

    app.add_url_rule("/probe", "probe", probe)
    app.test_client().get("/probe", headers=MARKERS, environ_base={"REMOTE_ADDR": CLIENT_ADDRESS})
    assert seen == {"addr": None, "agent": "", "forwarded": None, "access_route": []}


# Every cookie the site sets, by the side (URL prefix) it belongs to.
SIDE_COOKIES = {
    "/staf": {"lentera_staf", "staf_form"},
    "/lapor": {"lentera_reporter", "lapor_form", "lentera_kode"},
    "/klarifikasi": {"lentera_respondent", "klarifikasi_form"},
}


class Wire:
    """What crosses the wire: each request's path and Cookie header, each response's Set-Cookie."""

    def __init__(self, app) -> None:
        self.inner = app.wsgi_app
        self.exchanges: list[tuple[str, str, list[str]]] = []
        app.wsgi_app = self

    def __call__(self, environ, start_response):
        path, cookie = environ["PATH_INFO"], environ.get("HTTP_COOKIE", "")

        def recording(status, headers, exc_info=None):
            set_cookies = [value for name, value in headers if name.lower() == "set-cookie"]
            self.exchanges.append((path, cookie, set_cookies))
            return start_response(status, headers, exc_info)

        return self.inner(environ, recording)

    def sent_to(self, prefix: str) -> set[str]:
        """The names of the cookies the browser sent to the pages under ``prefix``."""
        return {
            part.split("=", 1)[0].strip()
            for path, cookie, _ in self.exchanges
            if side_of(path) == prefix
            for part in cookie.split(";")
            if part.strip()
        }


def _cookie_path(set_cookie: str) -> str:
    found = re.search(r"; Path=([^;]*)", set_cookie)
    return found.group(1) if found else ""


def test_no_side_sends_its_cookies_to_another(app, org) -> None:
    """One browser: staff sign-in, then a report, the reporter's sign-in, a respondent's."""
    wire = Wire(app)
    browser = https_client(app)
    assert sign_in(app, browser, org.budi).status_code == 302
    assert browser.get("/staf/pengelola/kasus").status_code == 200
    csrf_token(browser, "/staf/kata-sandi")  # a staff form: the staff side's CSRF session
    assert wire.sent_to("/staf") == {"lentera_staf", "staf_form"}

    receipt = submit_report(browser, Report(unit=org.units["a"], what="Laporan dari kantor"))
    assert browser.get("/").status_code == 200
    reported = wire.sent_to("/lapor")
    assert reported <= SIDE_COOKIES["/lapor"], f"the report carried {reported}"
    assert not reported & SIDE_COOKIES["/staf"]

    assert open_case(browser, receipt).status_code == 302
    assert browser.get("/lapor/kasus").status_code == 200
    budi, case_id = to_examination(app, org)
    code = invite(budi, case_id)
    token = csrf_token(browser, "/klarifikasi/masuk")
    signed_in = browser.post("/klarifikasi/masuk", data={"csrf_token": token, "code": code})
    assert signed_in.status_code == 302
    assert confirm_new_code_of(browser)
    assert browser.get("/klarifikasi/").status_code == 200
    assert browser.get("/staf/pengelola/kasus").status_code == 200
    assert browser.get("/lapor/kasus").status_code == 200

    # Each side received only its own cookies, and the pages outside every side none.
    for prefix, names in SIDE_COOKIES.items():
        assert wire.sent_to(prefix) <= names, (prefix, wire.sent_to(prefix))
    assert wire.sent_to("/klarifikasi") >= {"lentera_respondent", "klarifikasi_form"}
    assert wire.sent_to("/lapor") >= {"lentera_reporter", "lapor_form"}
    assert not [cookie for path, cookie, _ in wire.exchanges if side_of(path) is None and cookie]
    # Every cookie was set on the side of the page that set it, never on "/".
    for path, _, set_cookies in wire.exchanges:
        for set_cookie in set_cookies:
            cookie_path = _cookie_path(set_cookie)
            assert side_of(cookie_path) == side_of(path) is not None, (path, set_cookie)


def test_cookies_an_older_version_set_on_the_root_are_forgotten(client) -> None:
    for name in LEGACY_ROOT_COOKIES:
        client.set_cookie(name, "left-over", path="/")
    response = client.get("/lapor/")
    deleted = [c for c in response.headers.getlist("Set-Cookie") if "Path=/;" in c + ";"]
    assert sorted(c.split("=", 1)[0] for c in deleted) == sorted(LEGACY_ROOT_COOKIES)
    assert all("Expires=Thu, 01 Jan 1970" in c for c in deleted)
    assert client.get("/lapor/").request.headers.get("Cookie") in (None, "")
