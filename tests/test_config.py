"""Configuration: production defaults, secrets, refusal to start weakly."""

from __future__ import annotations

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from config import (
    BODY_AND_DISK_LIMITS,
    ConfigError,
    Settings,
    argon2_settings,
    load_settings,
    validate,
    write_instance_config,
)
from crypto import PRODUCTION_ARGON2
from tests.support.settings import test_config
from wbs_app.factory import create_app

ROOT = Path(__file__).resolve().parent.parent
STRONG = "9f" + os.urandom(31).hex()


def test_production_argon2_parameters_are_rfc9106_second_profile() -> None:
    settings = Settings()
    assert settings.ENV == "production"
    assert settings.argon2 == (3, 65_536, 4)


def test_reporter_channel_stays_open_two_years_after_closing_by_default(tmp_path: Path) -> None:
    """Issue 15, item 3: answers, evidence and retaliation reports after the case closed."""
    assert Settings().REPORTER_CHANNEL_DAYS_AFTER_CLOSE == 730
    settings = load_settings(
        tmp_path, environ={"WBS_REPORTER_CHANNEL_DAYS_AFTER_CLOSE": "365", "WBS_TLS": "no"}
    )
    assert settings.REPORTER_CHANNEL_DAYS_AFTER_CLOSE == 365
    negative = load_settings(
        tmp_path,
        {
            "REPORTER_CHANNEL_DAYS_AFTER_CLOSE": -1,
            "ENV": "test",
            "SECRET_KEY": STRONG,
            "INSTALLATION_SALT": STRONG,
            "PASSWORD_PEPPER": STRONG,
            "HEAD_LOG_SEED": STRONG,
        },
    )
    with pytest.raises(ConfigError, match="REPORTER_CHANNEL_DAYS_AFTER_CLOSE"):
        validate(negative)


def test_body_and_disk_limits_default_small_and_refuse_zero(tmp_path: Path) -> None:
    """Issue 18: small bodies but where files stream; caps per draft, per case, for all drafts."""
    defaults = Settings()
    assert (defaults.MAX_CONTENT_LENGTH, defaults.MAX_FORM_MEMORY_SIZE) == (256 * 1024, 1024**2)
    assert defaults.MAX_UPLOAD_REQUEST_BYTES == 512 * 1024 * 1024
    assert (defaults.MAX_FILES_PER_SUBMISSION, defaults.MAX_FILES_PER_CASE) == (10, 50)
    assert defaults.DRAFT_BYTES_BUDGET == 10 * 1024**3
    secrets = {
        "ENV": "test",
        "SECRET_KEY": STRONG,
        "INSTALLATION_SALT": STRONG,
        "PASSWORD_PEPPER": STRONG,
        "HEAD_LOG_SEED": STRONG,
    }
    for name in BODY_AND_DISK_LIMITS:
        with pytest.raises(ConfigError, match=name):
            validate(load_settings(tmp_path, {name: 0, **secrets}))
    with pytest.raises(ConfigError, match="MAX_FILES_PER_CASE"):
        validate(load_settings(tmp_path, {"MAX_FILES_PER_CASE": 5, **secrets}))
    with pytest.raises(ConfigError, match="MAX_CASE_BYTES"):
        validate(load_settings(tmp_path, {"MAX_CASE_BYTES": 1024, **secrets}))


def test_factory_applies_test_config(app) -> None:
    assert app.config["ENV"] == "test"
    assert app.config["TESTING"] is True
    assert app.config["ARGON2_TIME_COST"] == 1
    assert app.config["MAX_CONTENT_LENGTH"] == 256 * 1024
    assert app.config["MAX_UPLOAD_REQUEST_BYTES"] == 512 * 1024 * 1024
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Strict"
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.debug is False


@pytest.mark.parametrize(
    "secret",
    ["", "changeme", "secret", "a" * 64, "0123456789abcdef", "00" * 32, "short-but-mixed-Xy7!"],
)
def test_production_refuses_missing_or_weak_secret(tmp_path: Path, secret: str) -> None:
    config = test_config(tmp_path, ENV="production", SECRET_KEY=secret)
    config.update(argon2_settings(PRODUCTION_ARGON2))
    with pytest.raises(ConfigError) as excinfo:
        create_app(config)
    assert "SECRET_KEY" in str(excinfo.value)
    assert secret not in str(excinfo.value) or not secret


def test_production_refuses_weak_argon2(tmp_path: Path) -> None:
    settings = load_settings(
        tmp_path,
        {
            "SECRET_KEY": STRONG,
            "INSTALLATION_SALT": STRONG,
            "PASSWORD_PEPPER": STRONG,
            "HEAD_LOG_SEED": STRONG,
            "ARGON2_MEMORY_KIB": 1024,
        },
        environ={},
    )
    with pytest.raises(ConfigError, match="Argon2"):
        validate(settings)


def test_production_refuses_plain_http(tmp_path: Path) -> None:
    settings = load_settings(
        tmp_path,
        {
            "SECRET_KEY": STRONG,
            "INSTALLATION_SALT": STRONG,
            "PASSWORD_PEPPER": STRONG,
            "HEAD_LOG_SEED": STRONG,
            "TLS": "false",
        },
        environ={},
    )
    with pytest.raises(ConfigError, match="TLS"):
        validate(settings)


def test_strong_production_settings_start(tmp_path: Path) -> None:
    settings = load_settings(
        tmp_path,
        {
            "SECRET_KEY": STRONG,
            "INSTALLATION_SALT": STRONG,
            "PASSWORD_PEPPER": STRONG,
            "HEAD_LOG_SEED": STRONG,
            "BASE_URL": "https://wbs.example",
        },
        environ={},
    )
    validate(settings)


def test_environment_and_instance_file_precedence(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text("DEADLINE_FEEDBACK_DAYS = 60\nMAX_UPLOAD_BYTES = 5\n")
    settings = load_settings(
        tmp_path,
        {"MAX_UPLOAD_BYTES": 7},
        environ={"WBS_DEADLINE_FEEDBACK_DAYS": "45", "WBS_TLS": "no"},
    )
    assert settings.DEADLINE_FEEDBACK_DAYS == 45
    assert settings.MAX_UPLOAD_BYTES == 7
    assert settings.TLS is False


def test_bad_environment_value_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ARGON2_TIME_COST"):
        load_settings(tmp_path, environ={"WBS_ARGON2_TIME_COST": "lots"})


def test_werkzeug_debugger_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(ConfigError, match="debugger"):
        create_app(test_config(tmp_path))


def test_instance_config_is_generated_private_and_never_overwritten(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    assert write_instance_config(instance) is True
    path = instance / "config.py"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_text()
    assert write_instance_config(instance) is False
    assert path.read_text() == first
    settings = load_settings(instance, {"BASE_URL": "https://wbs.example"}, environ={})
    assert len(bytes.fromhex(settings.SECRET_KEY)) == 32
    assert settings.SECRET_KEY != settings.INSTALLATION_SALT
    validate(settings)


def test_config_init_command(tmp_path: Path) -> None:
    env = {**os.environ, "WBS_INSTANCE_PATH": str(tmp_path / "inst")}
    result = subprocess.run(
        [sys.executable, "config.py", "init"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "created" in result.stdout
    assert (tmp_path / "inst" / "config.py").exists()
    again = subprocess.run(
        [sys.executable, "config.py", "init"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "secrets kept" in again.stdout


def test_base_url_follows_host_and_port_unless_set(tmp_path: Path) -> None:
    """One address for the server and the CLI: what gunicorn binds, unless WBS_BASE_URL says."""
    derived = load_settings(tmp_path, environ={"HOST": "127.0.0.9", "PORT": "5090"})
    assert derived.BASE_URL == "http://127.0.0.9:5090"
    assert load_settings(tmp_path, environ={}).BASE_URL == "http://127.0.0.1:5000"
    explicit = load_settings(
        tmp_path, environ={"HOST": "127.0.0.9", "WBS_BASE_URL": "https://wbs.example.go.id"}
    )
    assert explicit.BASE_URL == "https://wbs.example.go.id"
    wildcard = "0.0.0.0"  # noqa: S104 - the bind the README shows, not a bind here
    every_address = load_settings(tmp_path, environ={"HOST": wildcard, "PORT": "8080"})
    assert every_address.BASE_URL.endswith(":8080")
    assert wildcard not in every_address.BASE_URL  # nobody can open that address


def test_production_refuses_a_base_url_that_is_not_https(tmp_path: Path) -> None:
    settings = load_settings(
        tmp_path,
        {
            "SECRET_KEY": STRONG,
            "INSTALLATION_SALT": STRONG,
            "PASSWORD_PEPPER": STRONG,
            "HEAD_LOG_SEED": STRONG,
            "BASE_URL": "http://wbs.example.go.id",
        },
        environ={},
    )
    with pytest.raises(ConfigError, match="BASE_URL"):
        validate(settings)


def test_printed_links_point_at_the_server_that_runs(app, instance_path: Path) -> None:
    """`PORT=5090 make run` printed links to 127.0.0.1:5000 (issue 14, defect 7)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("WBS_")}
    env.update(
        {
            f"WBS_{key}": str(app.config[key])
            for key in ("SECRET_KEY", "INSTALLATION_SALT", "PASSWORD_PEPPER")
        },
        WBS_HEAD_LOG_SEED=secrets.token_hex(32),
        WBS_ENV="development",
        WBS_TLS="false",
        WBS_INSTANCE_PATH=str(instance_path),
        WBS_DATABASE_URL=str(app.config["DATABASE_URL"]),
        HOST="127.0.0.9",
        PORT="5090",
    )
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "wbs", "setup-link"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert "  http://127.0.0.9:5090/staf/" in done.stdout, done.stdout


def test_make_run_gives_the_server_and_the_cli_the_same_address() -> None:
    """The Makefile passes HOST and PORT to every command, not WBS_BASE_URL to one of them."""
    dry = subprocess.run(
        ["make", "-n", "-B", "run", "HOST=127.0.0.9", "PORT=5090"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    commands = dry.stdout.replace("\\\n", " ").splitlines()
    lines = [line for line in commands if "setup-link" in line or "gunicorn -c" in line]
    assert len(lines) == 2, dry.stdout
    for line in lines:
        assert "HOST=127.0.0.9" in line and "PORT=5090" in line, line
        assert "WBS_BASE_URL" not in line, line


def test_config_init_adds_the_head_log_seed_to_an_older_instance_file(tmp_path: Path) -> None:
    """An installation from before the anchored journal gets its new secret, the others kept."""
    instance = tmp_path / "inst"
    instance.mkdir()
    older = f"SECRET_KEY = {STRONG!r}\nINSTALLATION_SALT = {STRONG!r}\n"
    (instance / "config.py").write_text(older)
    env = {key: value for key, value in os.environ.items() if key != "WBS_HEAD_LOG_SEED"} | {
        "WBS_INSTANCE_PATH": str(instance)
    }
    run = [sys.executable, "config.py", "init"]
    first = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert "added the new secret HEAD_LOG_SEED" in first.stdout
    text = (instance / "config.py").read_text()
    assert text.startswith(older)
    seed = load_settings(instance, environ={}).HEAD_LOG_SEED
    assert len(bytes.fromhex(seed)) == 32 and seed not in first.stdout
    second = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert "added" not in second.stdout
    assert (instance / "config.py").read_text() == text


def test_production_refuses_a_missing_head_log_seed(tmp_path: Path) -> None:
    settings = load_settings(
        tmp_path,
        {
            "SECRET_KEY": STRONG,
            "INSTALLATION_SALT": STRONG,
            "PASSWORD_PEPPER": STRONG,
            "BASE_URL": "https://wbs.example",
        },
        environ={},
    )
    with pytest.raises(ConfigError, match="HEAD_LOG_SEED is missing"):
        validate(settings)


def test_mail_settings_never_send_in_clear_beyond_loopback(tmp_path: Path) -> None:
    """Issue 19: no mail server is the default; a set one is reached safely."""
    assert (Settings().MAIL_HOST, Settings().MAIL_SECURITY) == ("", "starttls")
    secrets = {
        "ENV": "test",
        "SECRET_KEY": STRONG,
        "INSTALLATION_SALT": STRONG,
        "PASSWORD_PEPPER": STRONG,
        "HEAD_LOG_SEED": STRONG,
    }
    relay = {"MAIL_HOST": "smtp.kanwil.example", "MAIL_SENDER": "wbs@kanwil.example", **secrets}
    validate(load_settings(tmp_path, relay))
    refused = {
        "MAIL_SECURITY": {"MAIL_SECURITY": "none"},
        "MAIL_SENDER": {"MAIL_SENDER": "wbs"},
        "MAIL_USERNAME": {"MAIL_HOST": "127.0.0.1", "MAIL_SECURITY": "none", "MAIL_USERNAME": "u"},
        "MAIL_DIGEST_HOUR": {"MAIL_DIGEST_HOUR": 24},
    }
    for name, wrong in refused.items():
        with pytest.raises(ConfigError, match=name):
            validate(load_settings(tmp_path, {**relay, **wrong}))
    loopback = {**relay, "MAIL_HOST": "127.0.0.1", "MAIL_SECURITY": "none"}
    validate(load_settings(tmp_path, loopback))
    with pytest.raises(ConfigError, match="ESCALATION_WORKING_DAYS"):
        validate(load_settings(tmp_path, {**secrets, "ESCALATION_WORKING_DAYS": 0}))
