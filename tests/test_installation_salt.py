"""The installation salt and the database belong together (issue 14, defect 1).

Every receipt and invitation code is derived with ``INSTALLATION_SALT``; a
database restored beside a freshly generated ``instance/config.py`` would keep
staff working and lock every reporter out for good, silently. The database
keeps a fingerprint of the salt from its first migration on, and every way
of starting Lentera refuses a different one, saying how to mend it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from config import ConfigError
from tests.support.http import https_client
from tests.support.reporter import Report, open_case, submit_report
from tests.support.settings import FAST_ARGON2, POSTGRES_URL, test_config
from wbs_app.db import app_database
from wbs_app.factory import create_app
from wbs_app.models import Installation

ROOT = Path(__file__).resolve().parent.parent
RESTORE_HINT = "restore instance/config.py"


def upgrade(app) -> str:
    result = app.test_cli_runner().invoke(args=["wbs", "db-upgrade"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_first_migration_records_a_fingerprint_not_the_salt(app) -> None:
    output = upgrade(app)
    assert "fingerprint" in output
    with app_database(app).session() as session:
        stored = session.scalars(select(Installation)).all()
    assert len(stored) == 1
    fingerprint = stored[0].salt_fingerprint
    salt = bytes.fromhex(app.config["INSTALLATION_SALT"])
    assert len(fingerprint) == 32
    assert salt not in fingerprint and fingerprint != salt
    assert upgrade(app)  # a second upgrade keeps it
    with app_database(app).session() as session:
        assert session.scalars(select(Installation.salt_fingerprint)).all() == [fingerprint]


def test_a_new_salt_beside_a_database_with_reports_is_refused(
    app, org, reporter, instance_path: Path
) -> None:
    upgrade(app)
    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    other = test_config(instance_path)  # a fresh INSTALLATION_SALT, as `config.py init` writes
    with pytest.raises(ConfigError) as refused:
        create_app(other)
    message = str(refused.value)
    assert RESTORE_HINT in message
    assert app.config["INSTALLATION_SALT"] not in message
    assert other["INSTALLATION_SALT"] not in message
    # The right salt still opens the report: nothing was changed by the refusal.
    same = create_app(
        test_config(
            instance_path,
            INSTALLATION_SALT=app.config["INSTALLATION_SALT"],
            PASSWORD_PEPPER=app.config["PASSWORD_PEPPER"],
        )
    )
    try:
        opened = open_case(https_client(same), receipt)
        assert opened.status_code == 302
        assert opened.headers["Location"].endswith("/lapor/kasus")
    finally:
        app_database(same).dispose()


def _cli_env(instance_path: Path, app, salt: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("WBS_")}
    env.update(
        WBS_ENV="test",
        WBS_INSTANCE_PATH=str(instance_path),
        WBS_SECRET_KEY=app.config["SECRET_KEY"],
        WBS_INSTALLATION_SALT=salt,
        WBS_PASSWORD_PEPPER=app.config["PASSWORD_PEPPER"],
        WBS_DATABASE_URL=app.config["DATABASE_URL"],
    )
    env.update({f"WBS_{key}": str(value) for key, value in FAST_ARGON2.items()})
    return env


@pytest.mark.parametrize("command", [["sweep"], ["verify-journals"], ["db-upgrade"]])
def test_every_command_refuses_a_new_salt_with_the_fix_and_no_traceback(
    app, instance_path: Path, command: list[str]
) -> None:
    upgrade(app)
    env = _cli_env(instance_path, app, os.urandom(32).hex())
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "wbs", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode != 0
    assert RESTORE_HINT in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    right = _cli_env(instance_path, app, app.config["INSTALLATION_SALT"])
    ok = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "wbs", "verify-journals"],
        cwd=ROOT,
        env=right,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr


def test_gunicorn_refuses_to_start_with_a_new_salt(app, instance_path: Path) -> None:
    from tests.support.durability import live_settings
    from tests.support.live import LiveServer

    upgrade(app)
    server = LiveServer(instance_path, live_settings(app, INSTALLATION_SALT=os.urandom(32).hex()))
    try:
        with pytest.raises(RuntimeError) as failed:
            server.start()
    finally:
        server.stop()
    assert RESTORE_HINT in str(failed.value)


def _init(instance: Path, database_url: str = "") -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("WBS_")}
    env["WBS_INSTANCE_PATH"] = str(instance)
    if database_url:
        env["WBS_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "config.py", "init"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.mark.skipif(bool(POSTGRES_URL), reason="the SQLite file in instance/")
def test_config_init_refuses_new_secrets_beside_a_restored_database(
    app, org, reporter, tmp_path: Path, instance_path: Path
) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    app_database(app).dispose()
    restored = tmp_path / "restored"
    restored.mkdir(mode=0o700)
    for part in instance_path.glob("wbs.sqlite3*"):
        shutil.copy(part, restored / part.name)
    done = _init(restored)
    assert done.returncode != 0
    assert RESTORE_HINT in done.stderr
    assert not (restored / "config.py").exists()


@pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL run: .ci/run sets WBS_TEST_DATABASE_URL")
def test_config_init_refuses_new_secrets_beside_a_postgresql_database_in_use(
    app, tmp_path: Path
) -> None:
    upgrade(app)  # the fingerprint alone marks the database as taken
    done = _init(tmp_path / "fresh", POSTGRES_URL)
    assert done.returncode != 0
    assert RESTORE_HINT in done.stderr
    assert not (tmp_path / "fresh" / "config.py").exists()


def test_config_init_writes_secrets_for_a_new_or_empty_database(app, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    done = _init(fresh)
    assert done.returncode == 0, done.stderr
    assert (fresh / "config.py").exists()
    if not POSTGRES_URL:  # migrated but empty: nothing to lose
        empty = tmp_path / "empty"
        empty.mkdir(mode=0o700)
        app_database(app).dispose()
        shutil.copy(Path(app.instance_path) / "wbs.sqlite3", empty / "wbs.sqlite3")
        assert _init(empty).returncode == 0
