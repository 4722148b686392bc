"""No client address or user agent leaves a trace: not in logs, tables or files."""

from __future__ import annotations

import http.client
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from wbs_app.database import Base
from wbs_app.db import app_database

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
    assert "GET / 200" in log, "the access log should still show the service working"
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
