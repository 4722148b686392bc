"""The password pepper and the database belong together, like the salt (issue 17).

Staff seeds are sealed under PASSWORD_PEPPER (crypto.passwords, blob v2). A
database started beside another instance/ would answer every staff member
"wrong password", for good; so the database keeps a fingerprint of the pepper
(never the pepper) and every way of starting refuses another one, saying how
to mend it. ``config.py init`` gives an instance/config.py from before the
pepper a new one, unless the database already depends on one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from config import ConfigError, load_settings, validate
from crypto import pepper_fingerprint
from tests.support.http import https_client
from tests.support.settings import FAST_ARGON2, POSTGRES_URL, test_config
from tests.support.staff import make_staff, make_units, sign_in
from wbs_app.db import app_database
from wbs_app.factory import create_app
from wbs_app.models import Installation, StaffMember

ROOT = Path(__file__).resolve().parent.parent
RESTORE_HINT = "restore instance/config.py"


def upgrade(app) -> str:
    result = app.test_cli_runner().invoke(args=["wbs", "db-upgrade"])
    assert result.exit_code == 0, result.output
    return result.output


def _stored_fingerprint(app) -> bytes | None:
    with app_database(app).session() as session:
        return session.scalar(select(Installation.pepper_fingerprint))


def test_db_upgrade_records_a_fingerprint_of_the_pepper_not_the_pepper(app) -> None:
    assert "password pepper fingerprint recorded" in upgrade(app)
    pepper = bytes.fromhex(app.config["PASSWORD_PEPPER"])
    stored = _stored_fingerprint(app)
    assert stored == pepper_fingerprint(pepper)
    assert pepper not in stored
    assert "pepper" not in upgrade(app)  # a second upgrade keeps it
    assert _stored_fingerprint(app) == stored


def test_another_pepper_beside_the_database_is_refused_and_the_right_one_signs_in(
    app, instance_path: Path
) -> None:
    budi = make_staff(app, "budi", unit_ids=(make_units(app)["a"],))
    upgrade(app)
    same_salt = {"INSTALLATION_SALT": app.config["INSTALLATION_SALT"]}
    other = test_config(instance_path, **same_salt)  # a fresh pepper, as `config.py init` writes
    with pytest.raises(ConfigError) as refused:
        create_app(other)
    message = str(refused.value)
    assert "PASSWORD_PEPPER" in message and RESTORE_HINT in message
    assert app.config["PASSWORD_PEPPER"] not in message
    assert other["PASSWORD_PEPPER"] not in message
    same = create_app(
        test_config(instance_path, **same_salt, PASSWORD_PEPPER=app.config["PASSWORD_PEPPER"])
    )
    try:
        assert sign_in(same, https_client(same), budi).status_code == 302
    finally:
        app_database(same).dispose()


def _cli_env(instance_path: Path, app, pepper: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("WBS_")}
    env.update(
        WBS_ENV="test",
        WBS_INSTANCE_PATH=str(instance_path),
        WBS_SECRET_KEY=app.config["SECRET_KEY"],
        WBS_INSTALLATION_SALT=app.config["INSTALLATION_SALT"],
        WBS_PASSWORD_PEPPER=pepper,
        WBS_DATABASE_URL=app.config["DATABASE_URL"],
    )
    env.update({f"WBS_{key}": str(value) for key, value in FAST_ARGON2.items()})
    return env


def test_a_command_refuses_another_pepper_with_the_fix_and_no_traceback(
    app, instance_path: Path
) -> None:
    upgrade(app)
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "wbs", "verify-journals"],
        cwd=ROOT,
        env=_cli_env(instance_path, app, os.urandom(32).hex()),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode != 0
    assert "PASSWORD_PEPPER" in done.stderr and RESTORE_HINT in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_gunicorn_refuses_to_start_with_another_pepper(app, instance_path: Path) -> None:
    from tests.support.durability import live_settings
    from tests.support.live import LiveServer

    upgrade(app)
    server = LiveServer(instance_path, live_settings(app, PASSWORD_PEPPER=os.urandom(32).hex()))
    try:
        with pytest.raises(RuntimeError) as failed:
            server.start()
    finally:
        server.stop()
    assert "PASSWORD_PEPPER" in str(failed.value) and RESTORE_HINT in str(failed.value)


@pytest.mark.parametrize("value", ["", "abc", "zz" * 32, "ab" * 31, "ab" * 33])
def test_a_missing_or_malformed_pepper_is_refused_by_name(tmp_path: Path, value: str) -> None:
    settings = load_settings(tmp_path, test_config(tmp_path, PASSWORD_PEPPER=value), environ={})
    with pytest.raises(ConfigError, match="PASSWORD_PEPPER") as refused:
        validate(settings)
    if value:
        assert value not in str(refused.value)


OLD_CONFIG = (
    "# Generated by `python config.py init` before the pepper existed.\n"
    f"SECRET_KEY = {os.urandom(32).hex()!r}\n"
    f"INSTALLATION_SALT = {os.urandom(32).hex()!r}\n"
)


def _init(instance: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("WBS_")}
    env["WBS_INSTANCE_PATH"] = str(instance)
    return subprocess.run(
        [sys.executable, "config.py", "init"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def _old_instance(app, folder: Path) -> Path:
    """An instance folder from before the pepper: its config.py and a copy of the database."""
    folder.mkdir(mode=0o700)
    (folder / "config.py").write_text(OLD_CONFIG)
    os.chmod(folder / "config.py", 0o600)
    app_database(app).dispose()
    shutil.copy(Path(app.instance_path) / "wbs.sqlite3", folder / "wbs.sqlite3")
    return folder


def test_config_init_writes_a_pepper_with_the_other_secrets(tmp_path: Path) -> None:
    done = _init(tmp_path / "fresh")
    assert done.returncode == 0, done.stderr
    settings = load_settings(tmp_path / "fresh", environ={})
    assert len(bytes.fromhex(settings.PASSWORD_PEPPER)) == 32
    assert settings.PASSWORD_PEPPER not in {settings.SECRET_KEY, settings.INSTALLATION_SALT}


@pytest.mark.skipif(bool(POSTGRES_URL), reason="the SQLite file in instance/")
def test_config_init_adds_a_pepper_to_an_older_instance_once(app, tmp_path: Path) -> None:
    make_staff(app, "budi", unit_ids=(make_units(app)["a"],))
    with app_database(app).session() as session:  # the seals of a release before the pepper
        for staff in session.scalars(select(StaffMember)):
            staff.sealed_seed = b"\x01" + staff.sealed_seed[1:]
    old = _old_instance(app, tmp_path / "old")
    done = _init(old)
    assert done.returncode == 0, done.stderr
    assert "added PASSWORD_PEPPER" in done.stdout
    text = (old / "config.py").read_text()
    assert text.startswith(OLD_CONFIG)  # the salt and key are kept as they were
    assert (old / "config.py").stat().st_mode & 0o777 == 0o600
    pepper = load_settings(old, environ={}).PASSWORD_PEPPER
    assert len(bytes.fromhex(pepper)) == 32
    again = _init(old)
    assert again.returncode == 0 and "added" not in again.stdout
    assert pepper == load_settings(old, environ={}).PASSWORD_PEPPER


@pytest.mark.skipif(bool(POSTGRES_URL), reason="the SQLite file in instance/")
@pytest.mark.parametrize("depends_by", ["fingerprint", "v2 seal"])
def test_config_init_adds_no_pepper_beside_a_database_that_depends_on_one(
    app, tmp_path: Path, depends_by: str
) -> None:
    make_staff(app, "budi", unit_ids=(make_units(app)["a"],))  # sealed v2
    if depends_by == "fingerprint":
        upgrade(app)
        with app_database(app).session() as session:
            for staff in session.scalars(select(StaffMember)):
                staff.sealed_seed = b"\x01" + staff.sealed_seed[1:]
    old = _old_instance(app, tmp_path / "restored")
    done = _init(old)
    assert done.returncode != 0
    assert RESTORE_HINT in done.stderr
    assert (old / "config.py").read_text() == OLD_CONFIG
