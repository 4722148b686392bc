"""Lentera: the anonymous whistleblowing system's Flask application.

``create_app`` is the only way to build the app: each step below is a
``register_*`` function so that the order of set-up reads in one place.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import StrictUndefined
from sqlalchemy.exc import OperationalError

from config import ConfigError, Settings, load_settings, secure_instance_folder, validate
from crypto import InstallationKey
from wbs_app.appctx import ARGON2_GATE, SEND_LANES
from wbs_app.database import Database, sqlite_url
from wbs_app.db import app_database, init_request_sessions
from wbs_app.errors import register_error_handlers
from wbs_app.extensions import babel, csrf
from wbs_app.formats import init_formats
from wbs_app.i18n import init_i18n, select_locale
from wbs_app.security.access_log import register_access_log
from wbs_app.security.anonymity import StripClientIdentity
from wbs_app.security.bodies import BodyLimits
from wbs_app.security.bodies import install as install_body_limits
from wbs_app.security.headers import register_security_headers
from wbs_app.security.reporter_auth import register_reporter_guard
from wbs_app.security.respondent_auth import register_respondent_guard
from wbs_app.security.sides import init_sides
from wbs_app.security.staff_auth import register_staff_guards
from wbs_app.services.cases import head_log
from wbs_app.services.infra import installation
from wbs_app.services.infra.argon2_gate import Argon2Lanes
from wbs_app.services.infra.send_lanes import SendLanes
from wbs_app.services.infra.store import AttachmentStore
from wbs_app.services.trust import anchors
from wbs_app.settings import from_config
from wbs_app.settings import install as install_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE_PATH = PROJECT_ROOT / "instance"


def instance_path_from(config: Mapping[str, Any] | None) -> Path:
    """``INSTANCE_PATH`` from the test config, ``WBS_INSTANCE_PATH``, or ``./instance``."""
    explicit = (config or {}).get("INSTANCE_PATH") or os.environ.get("WBS_INSTANCE_PATH")
    return Path(explicit).resolve() if explicit else DEFAULT_INSTANCE_PATH


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides every other source (tests)."""
    instance_path = instance_path_from(config)
    settings = load_settings(instance_path, config)
    validate(settings)
    built = from_config(settings)

    app = Flask(__name__, instance_path=str(instance_path), static_folder=None)
    configure(app, settings, config or {})
    install_settings(app, built)
    register_extensions(app)
    register_database(app, settings, instance_path, built.head_log_key)
    check_installation_secrets(app, built.installation_salt, built.password_pepper)
    register_argon2_gate(app, settings)
    register_send_lanes(app, settings)
    register_security(app, settings)
    register_blueprints(app)
    register_error_handlers(app)
    register_cli(app)
    return app


def configure(app: Flask, settings: Settings, overrides: Mapping[str, Any]) -> None:
    if app.debug:
        raise ConfigError("the Werkzeug debugger is never allowed: unset FLASK_DEBUG")
    app.config.update(dataclasses.asdict(settings))
    secure_cookies = settings.TLS
    app.config.update(
        DEBUG=False,
        PROPAGATE_EXCEPTIONS=False,
        TRAP_HTTP_EXCEPTIONS=False,
        PROVIDE_AUTOMATIC_OPTIONS=False,
        # The session cookie's name and path are chosen per side (security.sides).
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=secure_cookies,
        SESSION_REFRESH_EACH_REQUEST=False,
        # The CSRF token lives in a browser-session cookie; a reporter writing
        # a long report must not lose it to a short timer.
        WTF_CSRF_TIME_LIMIT=int(timedelta(hours=8).total_seconds()),
        # Referrer-Policy: no-referrer means browsers send no Referer to check.
        WTF_CSRF_SSL_STRICT=False,
        BABEL_DEFAULT_LOCALE=settings.DEFAULT_LANGUAGE,
        BABEL_DEFAULT_TIMEZONE=settings.TIMEZONE,
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        MAX_COOKIE_SIZE=4093,
    )
    for key, value in overrides.items():
        if not hasattr(Settings, key) and key != "INSTANCE_PATH":
            app.config[key] = value
    app.jinja_env.undefined = StrictUndefined
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def register_extensions(app: Flask) -> None:
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    init_i18n(app)
    init_formats(app)


def register_database(
    app: Flask, settings: Settings, instance_path: Path, head_log_key: InstallationKey
) -> None:
    secure_instance_folder(instance_path)
    url = settings.DATABASE_URL or sqlite_url(instance_path)
    database = Database(
        url,
        busy_timeout_ms=settings.SQLITE_BUSY_TIMEOUT_MS,
        info=head_log.session_info(head_log_key),
    )
    init_request_sessions(app, database)
    attachment_dir = Path(settings.ATTACHMENT_DIR) if settings.ATTACHMENT_DIR else None
    app.extensions["lentera.store"] = AttachmentStore(
        attachment_dir or instance_path / "attachments"
    )


SALT_MISMATCH = (
    "INSTALLATION_SALT is not the salt this database was made with, so every receipt and "
    "invitation code would open nothing; to mend it, restore instance/config.py from the "
    "backup taken with this database (or point WBS_DATABASE_URL at the database that belongs "
    "to this instance/config.py)"
)
PEPPER_MISMATCH = (
    "PASSWORD_PEPPER is not the pepper this database's staff passwords were sealed with, so "
    "nobody could sign in; to mend it, restore instance/config.py from the backup taken with "
    "this database (or point WBS_DATABASE_URL at the database that belongs to this "
    "instance/config.py)"
)


HEAD_LOG_KEY_MISMATCH = (
    "HEAD_LOG_SEED is not the key that signed this database's journal head log, so no "
    "journal could be anchored or checked; to mend it, restore instance/config.py from the "
    "backup taken with this database (or point WBS_DATABASE_URL at the database that belongs "
    "to this instance/config.py)"
)


TRUST_ROOTS_MISMATCH = (
    "the custodians' roots in the database (trust_roots) do not match the roots anchored in "
    "the journal head log: a root was added, removed or edited outside the application, and "
    "no case key is wrapped to it; to mend it, restore the database from the last backup "
    "taken before the change (wbs verify-journals shows what differs)"
)


def check_installation_secrets(app: Flask, salt: bytes, pepper: bytes) -> None:
    """Refuse to start on a database made with another salt, pepper or head-log key.

    Every entry point builds the app here (gunicorn's workers, its start-up
    sweep, every ``flask wbs`` command), so none of them can run on a
    mismatched pair, and the message names the mend instead of reporters
    finding out one by one. The head log's key the same way: beside another
    ``instance/`` new links would be signed by a key the old ones do not verify
    under, and every checkpoint handed to a witness would stop matching. And
    the custodians' roots: a ``trust_roots`` row without its head-log link (or
    a link whose row is gone or edited) is a database writer's root.
    """
    database = app_database(app)
    try:
        with database.session() as session:
            installation.check_salt(session, salt)
            installation.check_pepper(session, pepper)
            head_log_signed = head_log.signed_by_configured_key(session)
            roots_anchored = not head_log_signed or anchors.roots_agree(session)
    except installation.SaltMismatch:
        database.dispose()
        raise ConfigError(SALT_MISMATCH) from None
    except installation.PepperMismatch:
        database.dispose()
        raise ConfigError(PEPPER_MISMATCH) from None
    except OperationalError:
        database.dispose()
        raise ConfigError(
            "the database cannot be reached to check its installation salt: start it, or set "
            "WBS_DATABASE_URL to the right database"
        ) from None
    if not head_log_signed:
        database.dispose()
        raise ConfigError(HEAD_LOG_KEY_MISMATCH)
    if not roots_anchored:
        database.dispose()
        raise ConfigError(TRUST_ROOTS_MISMATCH)


def register_argon2_gate(app: Flask, settings: Settings) -> None:
    """One set of lanes per app, so per gunicorn worker process (``services.infra.argon2_gate``)."""
    app.extensions[ARGON2_GATE] = Argon2Lanes(
        bound=settings.ARGON2_CONCURRENCY,
        queue=settings.ARGON2_QUEUE,
        wait_seconds=settings.ARGON2_WAIT_MS / 1000,
        patient_wait_seconds=settings.ARGON2_SUBMIT_WAIT_MS / 1000,
        nice=settings.ARGON2_NICE,
    )


def register_send_lanes(app: Flask, settings: Settings) -> None:
    """One pair of send lanes per app, so per worker process (``services.infra.send_lanes``)."""
    app.extensions[SEND_LANES] = SendLanes(
        bound=settings.SEND_CONCURRENCY,
        open_queue=settings.SEND_OPEN_QUEUE,
        open_wait_seconds=settings.SEND_OPEN_WAIT_MS / 1000,
        first_queue=settings.SEND_FIRST_QUEUE,
        first_wait_seconds=settings.SEND_FIRST_WAIT_MS / 1000,
    )


def register_security(app: Flask, settings: Settings) -> None:
    register_access_log(app)  # first: a request another hook answers is still described
    install_body_limits(
        app,
        BodyLimits(
            default=settings.MAX_CONTENT_LENGTH,
            form=settings.MAX_FORM_MEMORY_SIZE,
            upload=settings.MAX_UPLOAD_REQUEST_BYTES,
        ),
    )
    register_security_headers(app)
    init_sides(app)
    register_staff_guards(app)
    register_reporter_guard(app)
    register_respondent_guard(app)
    app.wsgi_app = StripClientIdentity(app.wsgi_app)  # type: ignore[method-assign]


def register_blueprints(app: Flask) -> None:
    from wbs_app.admin import bp as admin_bp
    from wbs_app.investigator import bp as investigator_bp
    from wbs_app.public import bp as public_bp
    from wbs_app.reporter import bp as reporter_bp
    from wbs_app.respondent import bp as respondent_bp
    from wbs_app.staff import bp as staff_bp
    from wbs_app.web.uploads import release_pending_locks

    for blueprint in (public_bp, reporter_bp, respondent_bp, staff_bp, admin_bp, investigator_bp):
        app.register_blueprint(blueprint)
    app.teardown_request(release_pending_locks)


def register_cli(app: Flask) -> None:
    from wbs_app.cli import wbs

    app.cli.add_command(wbs)
