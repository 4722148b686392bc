"""Typed configuration for Lentera.

Settings come, in rising order of precedence, from the production defaults
below, ``instance/config.py`` (written once by ``python config.py init``
with generated secrets), environment variables prefixed ``WBS_`` and finally
the mapping handed to ``create_app`` (tests). Defaults are the production
values so that forgetting a setting never weakens a deployment; secrets have
no default at all, and ``validate`` refuses to start without strong ones.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import secrets
import socket
import types
import zoneinfo
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_type_hints

from crypto import PEPPER_BYTES, PRODUCTION_ARGON2, Argon2Params

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

ENV_PREFIX = "WBS_"
# Threads per gunicorn worker (WBS_THREADS; gunicorn.conf.py reads the same
# default): the Argon2 and send lanes below are sized against them.
DEFAULT_THREADS = 72
ENVIRONMENTS = ("production", "development", "test")
MIN_SECRET_BYTES = 32
MiB = 1024 * 1024
# Where the test-only crash hook may kill a worker during a submission, in
# the order they happen (wbs_app/checkpoints.py; tests/adversarial/).
CRASH_POINTS = ("stream", "parsed", "encrypted", "before_commit", "after_commit", "promoted")


class ConfigError(RuntimeError):
    """The configuration is unusable; the message names the setting, never its value."""


@dataclasses.dataclass
class Settings:
    """Every setting the application reads, with its production default.

    Field names are the Flask config keys; the environment variable is the
    same name with the ``WBS_`` prefix (``WBS_DATABASE_URL``).
    """

    ENV: str = "production"
    # Secrets: no default. SECRET_KEY signs CSRF tokens; INSTALLATION_SALT is
    # the installation-wide Argon2 salt for receipts and invitation codes and
    # must never change once a report exists (every receipt depends on it).
    SECRET_KEY: str = ""
    INSTALLATION_SALT: str = ""
    # PASSWORD_PEPPER (32 bytes, hex) is mixed into the seal of every staff
    # seed (crypto.passwords, blob v2), so that a copy of the database alone
    # cannot test a password guess. It is never stored in the database (only
    # its fingerprint is); losing it means no staff member can sign in again.
    PASSWORD_PEPPER: str = ""
    # The seed (32 bytes, hex) of the installation key that signs the journal's
    # head log and its checkpoints (docs/crypto.md, "The anchored journal"). Kept
    # here, never in the database, so that a database thief cannot extend or
    # rewrite the log; it must not change once the log has a link.
    HEAD_LOG_SEED: str = ""
    # Empty means the embedded SQLite database in the instance folder.
    DATABASE_URL: str = ""
    SQLITE_BUSY_TIMEOUT_MS: int = 10_000
    # Argon2id cost for staff passwords, receipts and invitation codes:
    # crypto.PRODUCTION_ARGON2, RFC 9106's second recommended profile, which
    # production may raise but never lower (``validate``).
    ARGON2_TIME_COST: int = PRODUCTION_ARGON2.time_cost
    ARGON2_MEMORY_KIB: int = PRODUCTION_ARGON2.memory_kib
    ARGON2_PARALLELISM: int = PRODUCTION_ARGON2.parallelism
    # How much of that work one server process does at once (per gunicorn
    # worker), in each of its three lanes (services/infra/argon2_gate.py: code
    # logins, staff work, submissions), so that a flood of one kind never takes
    # the slots of another: ARGON2_CONCURRENCY runs at a time per lane (each
    # holds 64 MiB and keeps four cores busy, so workers x 3 x CONCURRENCY x 4
    # should not exceed the cores by much), ARGON2_QUEUE more requests per lane
    # may wait up to ARGON2_WAIT_MS for a slot, and the rest get 503 with
    # Retry-After at once. Keep 3 x (CONCURRENCY + QUEUE) below the threads per
    # worker (WBS_THREADS, 72) so that full lanes leave a thread for every other page.
    ARGON2_CONCURRENCY: int = 1
    ARGON2_QUEUE: int = 4
    ARGON2_WAIT_MS: int = 3000
    # A new report (or invitation) is not refused for a busy lane: it waits
    # its turn outside that queue for up to ARGON2_SUBMIT_WAIT_MS.
    ARGON2_SUBMIT_WAIT_MS: int = 30_000
    # Each run is made on a thread of its own at this nice value (Linux; 0
    # runs it on the request's thread), so that during a flood the cores
    # answer every other page first (services/infra/low_priority.py).
    ARGON2_NICE: int = 10
    # Request bodies (wbs_app.security.bodies): every route takes at most
    # MAX_CONTENT_LENGTH, a url-encoded form at most MAX_FORM_MEMORY_SIZE
    # (refused before it is read: Werkzeug would hold it whole in memory; 1 MiB
    # leaves room for a form of several 20,000-character fields written in any
    # script, percent-encoded); only the four streaming upload views take up to
    # MAX_UPLOAD_REQUEST_BYTES, and only they take multipart at all.
    MAX_CONTENT_LENGTH: int = 256 * 1024
    MAX_FORM_MEMORY_SIZE: int = MiB
    MAX_FORM_PARTS: int = 64
    MAX_UPLOAD_REQUEST_BYTES: int = 512 * MiB
    # One evidence file, and what one report being written (a draft) may hold:
    # files and bytes, checked on every post of the form and again at send.
    MAX_UPLOAD_BYTES: int = 100 * MiB
    MAX_FILES_PER_SUBMISSION: int = 10
    MAX_DRAFT_BYTES: int = 512 * MiB
    # What a sent case may hold from its reporter and respondents in all
    # (the report's files included): later evidence beyond it is refused.
    MAX_FILES_PER_CASE: int = 50
    MAX_CASE_BYTES: int = 2048 * MiB
    # Bytes held by all unsent drafts together (rounded sizes): beyond it new
    # uploads into drafts get 503 until drafts expire, while sent reports,
    # their messages and their evidence keep working.
    DRAFT_BYTES_BUDGET: int = 10 * 1024 * MiB
    # Encrypted evidence files; empty means instance/attachments.
    ATTACHMENT_DIR: str = ""
    # The attachment sweep moves a stored file the database does not know into
    # quarantine/ (never deletes it). A crash or a file copied in by hand
    # leaves one or two such files; more than this many means the database is
    # more likely wrong than the files (a wrong WBS_DATABASE_URL, an older
    # restore), so the sweep then moves nothing and gunicorn does not start.
    SWEEP_MAX_UNKNOWN: int = 5
    # How long a sweep waits for another one to finish (PostgreSQL's advisory
    # lock; on SQLite the busy timeout above applies).
    SWEEP_LOCK_WAIT_MS: int = 30_000
    # Floods of sends (wbs_app/services/infra/send_lanes.py, proof_of_work.py).
    # The review page offers browsers with JavaScript a puzzle of PUZZLE_BITS
    # bits (about 2**PUZZLE_BITS SHA-256 runs: a second or so in a browser;
    # 0 offers none); a send with it solved goes first. Per server process, SEND_CONCURRENCY
    # sends run at once; SEND_FIRST_QUEUE sends with a solved puzzle may wait
    # up to SEND_FIRST_WAIT_MS, SEND_OPEN_QUEUE others up to SEND_OPEN_WAIT_MS,
    # and the rest get the review page again with 503 and Retry-After. The
    # queues hold a burst of real reports (DESIGN.md section 6: 32 reporters
    # at once, zero errors, over two workers however the connections fall):
    # a waiting send sleeps, holding a thread but no transaction and no Argon2
    # memory. Keep SEND_CONCURRENCY + both queues + 3 x (ARGON2_CONCURRENCY +
    # ARGON2_QUEUE) below the threads per worker (WBS_THREADS, 72), so that a
    # flood of sends still leaves threads for every other page.
    PUZZLE_BITS: int = 18
    THREADS: int = DEFAULT_THREADS
    SEND_CONCURRENCY: int = 1
    SEND_OPEN_QUEUE: int = 24
    SEND_OPEN_WAIT_MS: int = 45_000
    SEND_FIRST_QUEUE: int = 24
    SEND_FIRST_WAIT_MS: int = 45_000
    LANGUAGES: tuple[str, ...] = ("id", "en")
    DEFAULT_LANGUAGE: str = "id"
    # The installation's time zone (IANA name): every date and time on a page
    # is shown in it, with its Indonesian abbreviation (WIB, WITA, WIT).
    TIMEZONE: str = "Asia/Makassar"
    # Deadlines in days (DOMAIN.md), editable later by administrators, and
    # whether each counts working days (no weekends, national holidays or the
    # office's collective leave: services/office/working_days.py) or calendar days.
    DEADLINE_ACKNOWLEDGE_DAYS: int = 7
    DEADLINE_VERIFICATION_DAYS: int = 14
    DEADLINE_FEEDBACK_DAYS: int = 90
    DEADLINE_RESPONDENT_DAYS: int = 14
    DEADLINE_ACKNOWLEDGE_WORKING_DAYS: bool = False
    DEADLINE_VERIFICATION_WORKING_DAYS: bool = False
    DEADLINE_FEEDBACK_WORKING_DAYS: bool = False
    DEADLINE_RESPONDENT_WORKING_DAYS: bool = False
    # A deadline missed by this many working days is told to the supervisors of
    # the unit above the case's, by twice as many to those above that, and so on
    # up the tree until a handler meets it (services/cases/escalation.py).
    ESCALATION_WORKING_DAYS: int = 3
    # How long the reporter's secure mailbox stays open after a case is closed
    # (withdrawn, referred, concluded): answers, evidence and reports of
    # retaliation keep reaching the team (ISO 37002: monitoring for
    # retaliation continues after closure). Two years by default.
    REPORTER_CHANNEL_DAYS_AFTER_CLOSE: int = 730
    # Staff sessions: idle and absolute expiry.
    STAFF_SESSION_IDLE_MINUTES: int = 30
    STAFF_SESSION_MAX_HOURS: int = 12
    # Reporter visits: short, since a shared or seized device is the risk.
    REPORTER_SESSION_IDLE_MINUTES: int = 15
    REPORTER_SESSION_MAX_MINUTES: int = 120
    # How long a report being written (and its encrypted files) is kept.
    DRAFT_HOURS: int = 6
    # Unknown receipts (or invitation codes) one browser may type before that
    # browser alone waits, 2 s doubling per further failure up to 15 minutes
    # (services/codes/guessing.py; the count is in its own signed cookie).
    CODE_FREE_FAILURES: int = 5
    # The address people use to reach the site, for links printed or handed
    # over outside it (set-up, activation and reset links, invitation letters).
    # Empty: the address gunicorn binds (HOST and PORT, as gunicorn.conf.py
    # reads them), so the server and the CLI print the same one. Production
    # needs the https:// address people type.
    BASE_URL: str = ""
    # Served over TLS (sets HSTS and Secure cookies); off only for local
    # development on loopback.
    TLS: bool = True
    # E-mail of notices to handlers (wbs_app/services/staff/notice_mail.py):
    # fixed words only, never a case number, unit, name or text. Empty
    # MAIL_HOST: no mail at all, notices stay in the app. MAIL_SECURITY is
    # starttls (port 587, required once asked for), tls (implicit, port 465) or
    # none (only to a relay on loopback); the certificate is checked against
    # the system's store or MAIL_CA_FILE (an office's own CA). The worker backs
    # off while the server is away, doubling up to an hour; an address the
    # server refuses MAIL_MAX_ATTEMPTS times is given up (the notice stays in
    # the app). Digests go out from MAIL_DIGEST_HOUR, local time (TIMEZONE).
    MAIL_HOST: str = ""
    MAIL_PORT: int = 587
    MAIL_SECURITY: str = "starttls"
    MAIL_USERNAME: str = ""
    MAIL_PASSWORD: str = ""
    MAIL_SENDER: str = ""
    MAIL_CA_FILE: str = ""
    MAIL_TIMEOUT_S: int = 30
    MAIL_MAX_ATTEMPTS: int = 5
    MAIL_DIGEST_HOUR: int = 7
    # Test hook: kill the worker (os._exit) when a submission reaches this
    # step, to prove a crash leaves the whole case or no trace. Empty: off.
    # Refused in production by ``validate``, so it can never fire there.
    CRASH_POINT: str = ""

    @property
    def argon2(self) -> tuple[int, int, int]:
        return (self.ARGON2_TIME_COST, self.ARGON2_MEMORY_KIB, self.ARGON2_PARALLELISM)


def argon2_settings(params: Argon2Params) -> dict[str, int]:
    """The settings that choose ``params``: how tests pick ``crypto.TEST_ARGON2`` by name."""
    return {
        "ARGON2_TIME_COST": params.time_cost,
        "ARGON2_MEMORY_KIB": params.memory_kib,
        "ARGON2_PARALLELISM": params.parallelism,
    }


_WEAK_SECRETS = {"", "changeme", "secret", "dev", "development", "test", "password"}


def _coerce(name: str, raw: Any, target: Any) -> Any:
    """Turn an environment string (or a Python value) into the field's type."""
    if target is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off"}:
            return False
        raise ConfigError(f"{name} must be true or false")
    if target is int:
        if isinstance(raw, bool):
            raise ConfigError(f"{name} must be a whole number")
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise ConfigError(f"{name} must be a whole number") from None
    if isinstance(target, types.GenericAlias) and target.__origin__ is tuple:
        if isinstance(raw, str):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        return tuple(raw)
    if target is str:
        if not isinstance(raw, str):
            raise ConfigError(f"{name} must be text")
        return raw
    raise ConfigError(f"{name} has an unsupported type")


def _read_instance_file(path: Path) -> dict[str, Any]:
    """Execute ``instance/config.py`` the way Flask's ``from_pyfile`` does."""
    if not path.exists():
        return {}
    namespace: dict[str, Any] = {"__file__": str(path)}
    exec(compile(path.read_bytes(), str(path), "exec"), namespace)  # noqa: S102 - operator's own file
    return {key: value for key, value in namespace.items() if key.isupper()}


def load_settings(
    instance_path: Path,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Merge defaults, the instance file, the environment and overrides.

    Keys of ``overrides`` that are not settings are left for the caller (they
    are plain Flask options such as ``TESTING``).
    """
    environ = os.environ if environ is None else environ
    hints = get_type_hints(Settings)
    fields = {f.name for f in dataclasses.fields(Settings)}
    merged: dict[str, Any] = {}
    for key, value in _read_instance_file(instance_path / "config.py").items():
        if key in fields:
            merged[key] = value
    for key, value in environ.items():
        if key.startswith(ENV_PREFIX) and key[len(ENV_PREFIX) :] in fields:
            merged[key[len(ENV_PREFIX) :]] = value
    for key, value in (overrides or {}).items():
        if key in fields:
            merged[key] = value
    values = {key: _coerce(key, value, hints[key]) for key, value in merged.items()}
    if not values.get("BASE_URL"):
        values["BASE_URL"] = served_address(environ)
    return Settings(**values)


def served_address(environ: Mapping[str, str]) -> str:
    """The address of the server gunicorn.conf.py binds from HOST and PORT.

    A wildcard bind (0.0.0.0, ::) is no address anyone can open, so the
    machine's own name stands in for it; an office that reaches the site by
    another name sets WBS_BASE_URL.
    """
    host = environ.get("HOST") or "127.0.0.1"
    port = environ.get("PORT") or "5000"
    if host in {"0.0.0.0", "::", "[::]"}:  # noqa: S104 - recognising a wildcard, not binding
        host = socket.getfqdn()
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _secret_is_weak(value: str) -> bool:
    """A secret must carry at least 256 bits: 64 hex digits or 43+ urlsafe chars."""
    if value.strip().lower() in _WEAK_SECRETS:
        return True
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raw = value.encode("utf-8")
        if len(set(value)) < 16:
            return True
        return len(raw) < (MIN_SECRET_BYTES * 4) // 3
    return len(raw) < MIN_SECRET_BYTES or len(set(raw)) < 8


def _is_time_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def lane_threads(settings: Settings) -> int:
    """The most threads of one worker that waiting or running Argon2 and send work can hold.

    Three Argon2 lanes of runs and their queues, and the sends (whose
    Argon2 runs take the submission lane's slots from within their own thread).
    """
    argon2 = 3 * (settings.ARGON2_CONCURRENCY + settings.ARGON2_QUEUE)
    sends = settings.SEND_CONCURRENCY + settings.SEND_OPEN_QUEUE + settings.SEND_FIRST_QUEUE
    return argon2 + sends


def validate(settings: Settings) -> None:
    """Refuse to run with settings that would weaken a deployment."""
    if settings.ENV not in ENVIRONMENTS:
        raise ConfigError("ENV must be one of " + ", ".join(ENVIRONMENTS))
    secrets_needed: tuple[str, ...] = ("SECRET_KEY", "INSTALLATION_SALT", "PASSWORD_PEPPER")
    if settings.ENV != "test" or settings.HEAD_LOG_SEED:
        secrets_needed += ("HEAD_LOG_SEED",)
    for name in secrets_needed:
        value = getattr(settings, name)
        if not value:
            raise ConfigError(
                f"{name} is missing: run `python config.py init`, which generates "
                "instance/config.py (or adds PASSWORD_PEPPER to an older one)"
            )
        if settings.ENV != "test" and _secret_is_weak(value):
            raise ConfigError(f"{name} is too weak: use 32 random bytes (64 hex digits)")
    try:
        bytes.fromhex(settings.INSTALLATION_SALT)
    except ValueError:
        raise ConfigError(
            "INSTALLATION_SALT must be hexadecimal, as `python config.py init` writes it"
        ) from None
    try:
        pepper = bytes.fromhex(settings.PASSWORD_PEPPER)
    except ValueError:
        pepper = b""
    if len(pepper) != PEPPER_BYTES:
        raise ConfigError(
            "PASSWORD_PEPPER must be 32 bytes in hexadecimal (64 digits), as "
            "`python config.py init` writes it"
        )
    try:
        if len(head_log_seed(settings)) != 32:
            raise ValueError
    except ValueError:
        raise ConfigError(
            "HEAD_LOG_SEED must be 32 bytes in hexadecimal, as `python config.py init` writes it"
        ) from None
    try:
        argon2 = Argon2Params(*settings.argon2)
    except ValueError:
        raise ConfigError(
            "ARGON2_TIME_COST, ARGON2_MEMORY_KIB and ARGON2_PARALLELISM are out of the range "
            "Argon2id accepts (memory at least 8 KiB per lane)"
        ) from None
    if settings.ENV == "production":
        if not argon2.at_least(PRODUCTION_ARGON2):
            raise ConfigError("Argon2 parameters are below RFC 9106's second recommended profile")
        if not settings.TLS:
            raise ConfigError("TLS may be switched off only with ENV=development")
        if not settings.BASE_URL.startswith("https://"):
            raise ConfigError(
                "BASE_URL must be the https:// address people use to reach the site "
                "(WBS_BASE_URL): printed links would not open"
            )
    if not _is_time_zone(settings.TIMEZONE):
        raise ConfigError("TIMEZONE must be an IANA time zone name such as Asia/Makassar")
    if settings.ARGON2_CONCURRENCY < 1:
        raise ConfigError("ARGON2_CONCURRENCY must be at least 1")
    if min(settings.ARGON2_QUEUE, settings.ARGON2_WAIT_MS, settings.ARGON2_SUBMIT_WAIT_MS) < 0:
        raise ConfigError(
            "ARGON2_QUEUE, ARGON2_WAIT_MS and ARGON2_SUBMIT_WAIT_MS must not be negative"
        )
    if not 0 <= settings.ARGON2_NICE <= 19:
        raise ConfigError("ARGON2_NICE must be between 0 (the request's own priority) and 19")
    if settings.CODE_FREE_FAILURES < 0:
        raise ConfigError("CODE_FREE_FAILURES must not be negative")
    if min(settings.SWEEP_MAX_UNKNOWN, settings.SWEEP_LOCK_WAIT_MS) < 0:
        raise ConfigError("SWEEP_MAX_UNKNOWN and SWEEP_LOCK_WAIT_MS must not be negative")
    if not 0 <= settings.PUZZLE_BITS <= 32:
        raise ConfigError("PUZZLE_BITS must be between 0 (no puzzle) and 32")
    if settings.SEND_CONCURRENCY < 1:
        raise ConfigError("SEND_CONCURRENCY must be at least 1")
    send_limits = (
        settings.SEND_OPEN_QUEUE,
        settings.SEND_OPEN_WAIT_MS,
        settings.SEND_FIRST_QUEUE,
        settings.SEND_FIRST_WAIT_MS,
    )
    if min(send_limits) < 0:
        raise ConfigError("SEND_OPEN_* and SEND_FIRST_* must not be negative")
    held = lane_threads(settings)
    if held >= settings.THREADS:
        raise ConfigError(
            f"the Argon2 and send lanes may hold {held} threads of a worker: WBS_THREADS "
            f"({settings.THREADS}) must be more, or a flood would leave no thread for other pages"
        )
    if settings.CRASH_POINT:
        if settings.ENV == "production":
            raise ConfigError("CRASH_POINT is a test hook and is refused in production")
        if settings.CRASH_POINT not in CRASH_POINTS:
            raise ConfigError("CRASH_POINT must be one of " + ", ".join(CRASH_POINTS))
    if not 1 <= settings.ESCALATION_WORKING_DAYS <= 60:
        raise ConfigError("ESCALATION_WORKING_DAYS must be between 1 and 60")
    if settings.REPORTER_CHANNEL_DAYS_AFTER_CLOSE < 0:
        raise ConfigError("REPORTER_CHANNEL_DAYS_AFTER_CLOSE must not be negative")
    if settings.DEFAULT_LANGUAGE not in settings.LANGUAGES:
        raise ConfigError("DEFAULT_LANGUAGE must be one of LANGUAGES")
    for name in BODY_AND_DISK_LIMITS:
        if getattr(settings, name) < 1:
            raise ConfigError(f"{name} must be at least 1: it bounds what anonymous clients send")
    # A sent report must fit its case: a case holding less than one draft
    # could refuse every reply from the moment it is made.
    if settings.MAX_FILES_PER_CASE < settings.MAX_FILES_PER_SUBMISSION:
        raise ConfigError("MAX_FILES_PER_CASE must be at least MAX_FILES_PER_SUBMISSION")
    if settings.MAX_CASE_BYTES < settings.MAX_DRAFT_BYTES:
        raise ConfigError("MAX_CASE_BYTES must be at least MAX_DRAFT_BYTES")
    if settings.MAIL_HOST:
        _validate_mail(settings)


def _validate_mail(settings: Settings) -> None:
    """A mail server that is set must be reached safely, from a real address."""
    if settings.MAIL_SECURITY not in ("starttls", "tls", "none"):
        raise ConfigError("MAIL_SECURITY must be starttls, tls or none")
    if settings.MAIL_SECURITY == "none" and settings.MAIL_HOST not in (
        "localhost",
        "127.0.0.1",
        "::1",
    ):
        raise ConfigError("MAIL_SECURITY=none is only for a relay on loopback (MAIL_HOST)")
    if not 1 <= settings.MAIL_PORT <= 65535:
        raise ConfigError("MAIL_PORT must be a TCP port")
    if "@" not in settings.MAIL_SENDER:
        raise ConfigError("MAIL_SENDER must be the address mails come from")
    if settings.MAIL_USERNAME and settings.MAIL_SECURITY == "none":
        raise ConfigError("MAIL_USERNAME needs starttls or tls: a password is never sent in clear")
    if settings.MAIL_TIMEOUT_S < 1 or settings.MAIL_MAX_ATTEMPTS < 1:
        raise ConfigError("MAIL_TIMEOUT_S and MAIL_MAX_ATTEMPTS must be at least 1")
    if not 0 <= settings.MAIL_DIGEST_HOUR <= 23:
        raise ConfigError("MAIL_DIGEST_HOUR must be an hour of the day, 0 to 23")


# Limits that 0 or a negative number would turn into "nothing at all" or, read
# by Werkzeug, "no limit": each must be a positive count of bytes or files.
BODY_AND_DISK_LIMITS = (
    "MAX_CONTENT_LENGTH",
    "MAX_FORM_MEMORY_SIZE",
    "MAX_UPLOAD_REQUEST_BYTES",
    "MAX_UPLOAD_BYTES",
    "MAX_FILES_PER_SUBMISSION",
    "MAX_DRAFT_BYTES",
    "MAX_FILES_PER_CASE",
    "MAX_CASE_BYTES",
    "DRAFT_BYTES_BUDGET",
)


def head_log_seed(settings: Settings) -> bytes:
    """The installation key's seed: HEAD_LOG_SEED, required outside tests.

    A test app without one (most tests build apps from SECRET_KEY and
    INSTALLATION_SALT alone, and several apps of one test share a database)
    gets one derived from its installation salt, so apps with one salt share
    one head log key, as one installation's workers do. ``validate`` refuses
    a missing seed in every other environment.
    """
    if settings.HEAD_LOG_SEED:
        return bytes.fromhex(settings.HEAD_LOG_SEED)
    if settings.ENV != "test":
        raise ValueError("HEAD_LOG_SEED is missing")
    salt = settings.INSTALLATION_SALT.encode()
    return hashlib.sha256(b"lentera/test-head-log-seed/" + salt).digest()


def secure_instance_folder(instance_path: Path) -> None:
    """Make the instance folder 0700 and every file directly in it 0600.

    It holds the secrets and, by default, the database. A git checkout makes
    it 0755 (its README is tracked) and ``mkdir(exist_ok=True)`` keeps an
    existing mode, so the modes are set, not assumed, at every start.
    """
    instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(instance_path, 0o700)
    for entry in instance_path.iterdir():
        if entry.is_symlink():
            continue
        wanted = 0o700 if entry.is_dir() else 0o600
        if entry.stat().st_mode & 0o777 != wanted:
            os.chmod(entry, wanted)


PEPPER_LINES = (
    "# Mixed into every staff password's seal; the database keeps only its fingerprint,\n"
    "# so a copy of the database alone cannot test a password.\n"
    "PASSWORD_PEPPER = {pepper!r}\n"
)


def write_instance_config(instance_path: Path) -> bool:
    """Create ``instance/config.py`` with fresh secrets, mode 0600; never overwrite.

    Returns whether a file was written. The file is created with O_EXCL so two
    concurrent first starts cannot produce two different installation salts.
    """
    secure_instance_folder(instance_path)
    path = instance_path / "config.py"
    body = (
        "# Generated by `python config.py init`. Keep private (mode 0600) and back it up\n"
        "# with the database, but not in the same place:\n"
        "# without INSTALLATION_SALT no receipt or invitation code can be opened again,\n"
        "# without PASSWORD_PEPPER no staff member can sign in again.\n"
        f"SECRET_KEY = {secrets.token_hex(32)!r}\n"
        f"INSTALLATION_SALT = {secrets.token_hex(32)!r}\n"
        + PEPPER_LINES.format(pepper=secrets.token_hex(PEPPER_BYTES))
        + _head_log_seed_lines()
        + "# The address people use to reach the site (production: https). Unset, links\n"
        "# point at the address gunicorn binds (HOST and PORT).\n"
        "# BASE_URL = 'https://wbs.example.go.id'\n"
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(body)
    return True


def add_pepper(instance_path: Path) -> None:
    """Append a new PASSWORD_PEPPER to an ``instance/config.py`` written before it existed."""
    path = instance_path / "config.py"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n" + PEPPER_LINES.format(pepper=secrets.token_hex(PEPPER_BYTES)))
    os.chmod(path, 0o600)


def _instance_database_url(instance_path: Path) -> str:
    """The database the app would use: ``WBS_DATABASE_URL``, or the instance's SQLite file."""
    url = load_settings(instance_path).DATABASE_URL
    if url:
        return url
    database_file = instance_path / "wbs.sqlite3"
    return f"sqlite:///{database_file}" if database_file.exists() else ""


def _ask_instance_database(
    instance_path: Path, question: Callable[[Connection], bool]
) -> bool | Exception:
    """``question`` asked of the database the app would use (False when there is none).

    The error itself comes back instead of an answer, so that every caller
    treats any doubt as a refusal and says why.
    """
    url = _instance_database_url(instance_path)
    if not url:
        return False
    from wbs_app.database import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return question(connection)
    except Exception as error:  # any doubt is a refusal
        return error
    finally:
        engine.dispose()


def _database_refuses_new_pepper(instance_path: Path) -> str:
    """Why no new pepper may be added beside this database ("" when one may).

    A database whose staff seeds were already sealed with a pepper (its
    fingerprint is stored, or a seal is v2) needs that pepper back: a new one
    would refuse every staff password.
    """
    from wbs_app.services.infra.installation import pepper_in_use

    taken = _ask_instance_database(instance_path, pepper_in_use)
    if isinstance(taken, Exception):
        return (
            f"PASSWORD_PEPPER is missing and the database could not be checked "
            f"({type(taken).__name__}), so none was added: restore instance/config.py from "
            "the backup taken with this database."
        )
    if not taken:
        return ""
    return (
        "PASSWORD_PEPPER is missing, but this database's staff passwords are already sealed "
        "with one: a new pepper would let nobody sign in, so none was added: restore "
        "instance/config.py from the backup taken with this database."
    )


def _head_log_seed_lines() -> str:
    return (
        "# Signs the journal's head log; without it no checkpoint can be checked again.\n"
        f"HEAD_LOG_SEED = {secrets.token_hex(32)!r}\n"
    )


def add_missing_secrets(instance_path: Path) -> list[str]:
    """Append the secrets a newer release needs to an existing ``instance/config.py``.

    Only adds, never changes: a secret already there (in the file or the
    environment) is kept, since the database depends on it. Returns the names
    added.
    """
    path = instance_path / "config.py"
    present = _read_instance_file(path)
    if "HEAD_LOG_SEED" in present or os.environ.get(ENV_PREFIX + "HEAD_LOG_SEED"):
        return []
    with path.open("a", encoding="utf-8") as handle:
        handle.write(_head_log_seed_lines())
    return ["HEAD_LOG_SEED"]


def _database_refuses_new_secrets(instance_path: Path) -> str:
    """Why new secrets must not be written beside this database ("" when they may).

    A database restored without its ``instance/config.py`` still holds
    reports whose codes need the old INSTALLATION_SALT; a new one would lock
    every reporter out for good. The database is the one the app would use:
    ``WBS_DATABASE_URL``, or the SQLite file in the instance folder.
    """
    from wbs_app.services.infra.installation import in_use

    taken = _ask_instance_database(instance_path, in_use)
    if isinstance(taken, Exception):
        return (
            f"instance/config.py is missing and the database could not be checked "
            f"({type(taken).__name__}), so no secrets were written: if it holds reports, "
            "restore instance/config.py from the backup taken with it."
        )
    if not taken:
        return ""
    return (
        "instance/config.py is missing, but the database already holds reports (or the "
        "fingerprint of an installation salt): new secrets would make every receipt and "
        "invitation code useless, so none were written: restore instance/config.py from the "
        "backup taken with this database."
    )


def main(argv: list[str] | None = None) -> int:
    """``python config.py init``: create the instance folder and its secrets once.

    This runs before the app can start (the app refuses to start without the
    secrets it creates), which is why it is not a ``flask`` command.
    """
    import sys

    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] != "init":
        print("usage: python config.py init", file=sys.stderr)
        return 2
    explicit = os.environ.get(ENV_PREFIX + "INSTANCE_PATH")
    instance_path = Path(explicit) if explicit else Path(__file__).resolve().parent / "instance"
    if not (instance_path / "config.py").exists():
        refusal = _database_refuses_new_secrets(instance_path)
        if refusal:
            print(refusal, file=sys.stderr)
            return 1
    if write_instance_config(instance_path):
        print(f"created {instance_path / 'config.py'} with new secrets (mode 0600)")
        return 0
    print(f"{instance_path / 'config.py'} exists; secrets kept")
    # Refuse before adding anything: a file restored from backup stays as it was.
    needs_pepper = not load_settings(instance_path).PASSWORD_PEPPER
    refusal = _database_refuses_new_pepper(instance_path) if needs_pepper else ""
    if refusal:
        print(refusal, file=sys.stderr)
        return 1
    added = add_missing_secrets(instance_path)
    if added:
        print("added the new secret " + ", ".join(added) + ": back it up with the others")
    if needs_pepper:
        add_pepper(instance_path)
        print(
            f"added PASSWORD_PEPPER to {instance_path / 'config.py'}: staff passwords move to "
            "it at each person's next sign-in; back the file up again"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
