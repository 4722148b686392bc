"""The settings the application reads: typed, checked and built once in ``create_app``.

``config.py`` loads what the operator wrote (production defaults, the
instance file, ``WBS_`` variables, the test overrides) under the names they
write, and ``config.validate`` refuses a weak deployment. This module turns
the result into the values code uses, in their own types (the installation
salt as bytes, durations as ``timedelta``, the Argon2 cost as
``crypto.Argon2Params``), so that no view parses a config string again and a
misspelt setting is a mypy error rather than a ``KeyError`` on one page.

Request and command code calls ``settings()``; services never do (they know
no Flask) and take the values they need as arguments. The object is frozen:
what the app was built with is what every request sees. ``app.config`` still
holds the raw values, for Flask and its extensions only; tests/test_settings.py
proves no module of ``wbs_app`` reads them by string.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType

from flask import Flask, current_app

import config
from crypto import Argon2Params, InstallationKey
from wbs_app.services.cases.disk_caps import DiskCaps
from wbs_app.services.infra.mail import MailSettings
from wbs_app.services.office.deadlines import DEADLINE_KEYS, WORKING_KEYS

SETTINGS = "lentera.settings"


@dataclasses.dataclass(frozen=True)
class AppSettings:
    """What views, guards and commands read; the operator's names are in ``config.Settings``."""

    env: str
    # Every receipt and invitation code depends on it; decoded once here.
    installation_salt: bytes
    # Mixed into every staff seed's seal (crypto.passwords v2); never in the database.
    password_pepper: bytes
    # The head log's signing key (``crypto.InstallationKey``), from HEAD_LOG_SEED.
    head_log_key: InstallationKey
    argon2: Argon2Params
    # The address printed in links handed over outside the site, without a trailing slash.
    base_url: str
    tls: bool
    languages: tuple[str, ...]
    default_language: str
    timezone: str
    # Days by config name (``DEADLINE_ACKNOWLEDGE_DAYS`` ...): the defaults
    # administrators' values override (``services.office.deadlines``).
    deadline_defaults: Mapping[str, int]
    reporter_channel_days_after_close: int
    # Working days a missed deadline waits before it climbs one unit up the tree.
    escalation_working_days: int
    staff_session_idle: timedelta
    staff_session_max: timedelta
    reporter_session_idle: timedelta
    reporter_session_max: timedelta
    draft_lifetime: timedelta
    code_free_failures: int
    max_upload_bytes: int
    max_files_per_submission: int
    # Files and bytes per draft and per case, and the unsent drafts' budget.
    disk_caps: DiskCaps
    sweep_max_unknown: int
    sweep_lock_wait: timedelta
    # Strength of the review page's optional puzzle; 0: none offered.
    puzzle_bits: int
    # The notices' mail server; None: none configured, notices in the app only.
    mail: MailSettings | None
    crash_point: str

    @property
    def max_upload_mib(self) -> int:
        """The per-file limit as the forms state it to people."""
        return self.max_upload_bytes // config.MiB


def from_config(raw: config.Settings) -> AppSettings:
    """Build the app's settings from raw ones that ``config.validate`` accepted.

    Validation has checked what could fail here (the salt is hexadecimal, the
    Argon2 cost within what ``crypto`` accepts), so a bad setting stops the
    start with a message naming it, never the first login.
    """
    return AppSettings(
        env=raw.ENV,
        installation_salt=bytes.fromhex(raw.INSTALLATION_SALT),
        password_pepper=bytes.fromhex(raw.PASSWORD_PEPPER),
        head_log_key=InstallationKey(config.head_log_seed(raw)),
        argon2=Argon2Params(*raw.argon2),
        base_url=raw.BASE_URL.rstrip("/"),
        tls=raw.TLS,
        languages=raw.LANGUAGES,
        default_language=raw.DEFAULT_LANGUAGE,
        timezone=raw.TIMEZONE,
        deadline_defaults=MappingProxyType(
            {key: getattr(raw, key) for key in DEADLINE_KEYS + WORKING_KEYS}
        ),
        reporter_channel_days_after_close=raw.REPORTER_CHANNEL_DAYS_AFTER_CLOSE,
        escalation_working_days=raw.ESCALATION_WORKING_DAYS,
        staff_session_idle=timedelta(minutes=raw.STAFF_SESSION_IDLE_MINUTES),
        staff_session_max=timedelta(hours=raw.STAFF_SESSION_MAX_HOURS),
        reporter_session_idle=timedelta(minutes=raw.REPORTER_SESSION_IDLE_MINUTES),
        reporter_session_max=timedelta(minutes=raw.REPORTER_SESSION_MAX_MINUTES),
        draft_lifetime=timedelta(hours=raw.DRAFT_HOURS),
        code_free_failures=raw.CODE_FREE_FAILURES,
        max_upload_bytes=raw.MAX_UPLOAD_BYTES,
        max_files_per_submission=raw.MAX_FILES_PER_SUBMISSION,
        disk_caps=DiskCaps(
            files_per_draft=raw.MAX_FILES_PER_SUBMISSION,
            bytes_per_draft=raw.MAX_DRAFT_BYTES,
            files_per_case=raw.MAX_FILES_PER_CASE,
            bytes_per_case=raw.MAX_CASE_BYTES,
            drafts_budget=raw.DRAFT_BYTES_BUDGET,
        ),
        sweep_max_unknown=raw.SWEEP_MAX_UNKNOWN,
        sweep_lock_wait=timedelta(milliseconds=raw.SWEEP_LOCK_WAIT_MS),
        puzzle_bits=raw.PUZZLE_BITS,
        mail=_mail(raw),
        crash_point=raw.CRASH_POINT,
    )


def _mail(raw: config.Settings) -> MailSettings | None:
    if not raw.MAIL_HOST:
        return None
    return MailSettings(
        host=raw.MAIL_HOST,
        port=raw.MAIL_PORT,
        security=raw.MAIL_SECURITY,
        sender=raw.MAIL_SENDER,
        username=raw.MAIL_USERNAME,
        password=raw.MAIL_PASSWORD,
        ca_file=raw.MAIL_CA_FILE,
        timeout_seconds=float(raw.MAIL_TIMEOUT_S),
        max_attempts=raw.MAIL_MAX_ATTEMPTS,
        digest_hour=raw.MAIL_DIGEST_HOUR,
    )


def install(app: Flask, built: AppSettings) -> None:
    """Attach the settings to the app (``create_app``): one object per app, no global."""
    app.extensions[SETTINGS] = built


def settings(app: Flask | None = None) -> AppSettings:
    """The settings of ``app``, or of the current app in a request or command."""
    found: AppSettings = (app or current_app).extensions[SETTINGS]
    return found
