"""The instance folder and the server's own files (issue 14, defect 8).

``instance/`` holds the secrets and, by default, the database: no other local
user may read it. Two instances on one host must not share any file of
gunicorn's, and gunicorn must write no client address, whatever it logs.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.durability import live_settings
from tests.support.live import LiveServer
from tests.support.settings import POSTGRES_URL, test_config
from wbs_app.db import app_database
from wbs_app.factory import create_app

ROOT = Path(__file__).resolve().parent.parent
CLIENT_ADDRESS = "127.0.0.3"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(bool(POSTGRES_URL), reason="the SQLite files in instance/")
def test_a_new_instance_and_its_database_are_private(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)  # as a git checkout makes it (instance/README.md is tracked)
    os.chmod(instance, 0o755)  # noqa: S103 - the mode to be narrowed
    previous = os.umask(0o022)
    try:
        env = {key: value for key, value in os.environ.items() if not key.startswith("WBS_")}
        env["WBS_INSTANCE_PATH"] = str(instance)
        subprocess.run([sys.executable, "config.py", "init"], cwd=ROOT, env=env, check=True)
        app = create_app(test_config(instance, DATABASE_URL=""))
        database = app_database(app)
        from wbs_app.migrate import upgrade

        upgrade(database.engine)
        with database.engine.connect() as connection:  # hold it open: -wal and -shm exist
            assert mode(instance) == 0o700
            files = sorted(path for path in instance.rglob("*") if path.is_file())
            assert {path.name for path in files} >= {
                "config.py",
                "wbs.sqlite3",
                "wbs.sqlite3-wal",
                "wbs.sqlite3-shm",
            }
            loose = {str(path.relative_to(instance)): oct(mode(path)) for path in files}
            assert all(mode(path) == 0o600 for path in files), loose
            folders = [path for path in instance.rglob("*") if path.is_dir()]
            assert all(mode(path) == 0o700 for path in folders)
            connection.exec_driver_sql("SELECT 1")
        database.dispose()
    finally:
        os.umask(previous)


@pytest.mark.skipif(bool(POSTGRES_URL), reason="the SQLite files in instance/")
def test_an_existing_readable_instance_is_made_private_at_start(make_app, instance_path) -> None:
    os.chmod(instance_path, 0o755)  # noqa: S103 - the mode to be narrowed
    os.chmod(instance_path / "wbs.sqlite3", 0o644)
    make_app()
    assert mode(instance_path) == 0o700
    assert mode(instance_path / "wbs.sqlite3") == 0o600


def test_gunicorn_opens_no_control_socket(
    app, instance_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """gunicorn 25+ opens $HOME/.gunicorn/gunicorn.ctl: two instances would clobber each other."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    server = LiveServer(instance_path, live_settings(app)).start()
    try:
        leftovers = [str(path.relative_to(home)) for path in home.rglob("*")]
    finally:
        server.stop()
    assert leftovers == []


def test_gunicorn_logs_no_client_address_for_an_invalid_request(app, instance_path) -> None:
    server = LiveServer(instance_path, live_settings(app)).start()
    try:
        with socket.create_connection(
            (server.host, server.port), timeout=10, source_address=(CLIENT_ADDRESS, 0)
        ) as connection:
            connection.sendall(b"NOT AN HTTP REQUEST AT ALL\r\n\r\n")
            answer = connection.recv(4096)
        assert answer.startswith(b"HTTP/1.1 400")
    finally:
        server.stop()
    log = server.log()
    assert "Invalid request" in log  # gunicorn did log the event ...
    assert CLIENT_ADDRESS not in log  # ... without the address


@pytest.mark.parametrize(
    ("logged", "written"),
    [
        ("Invalid request from ip=198.51.100.7: bad line", "Invalid request from ip=-: bad line"),
        ("peer 198.51.100.7:5000 gone", "peer -:5000 gone"),
        ("peer [2001:db8::7]:443 gone", "peer [-]:443 gone"),
        ("mapped ::ffff:198.51.100.7", "mapped ::ffff:-"),
        ("ready at 10:41:22, version 27.0.1", "ready at 10:41:22, version 27.0.1"),
    ],
)
def test_gunicorn_log_filter_removes_every_address_and_nothing_else(logged, written) -> None:
    import importlib.util
    import logging

    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    assert spec and spec.loader
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    record = logging.LogRecord("gunicorn.error", logging.WARNING, "-", 1, "%s", (logged,), None)
    assert conf._NoAddresses().filter(record) is True
    assert record.getMessage() == written


def test_gunicorn_log_filter_cleans_a_traceback_too() -> None:
    import importlib.util
    import logging

    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    assert spec and spec.loader
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    try:
        raise ConnectionError("reset by peer 198.51.100.7:44321")
    except ConnectionError:
        record = logging.LogRecord(
            "gunicorn.error", logging.ERROR, "-", 1, "Error handling request", (), sys.exc_info()
        )
    assert conf._NoAddresses().filter(record) is True
    written = logging.Formatter().format(record)
    assert "Error handling request" in written and "ConnectionError" in written
    assert "198.51.100.7" not in written
