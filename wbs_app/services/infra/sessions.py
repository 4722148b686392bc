"""Server-side sessions whose secret half lives only in the cookie (DESIGN.md section 4).

A cookie carries two random 256-bit values: a token, whose hash is the row's
key, and a key that encrypts the unlocked identity seed kept in the row. The
database alone cannot read the seed and the cookie alone has nothing to read.
Staff sessions (``services.staff.staff_sessions``) and the code holders' sessions
(``services.codes.code_holders``: reporters and respondents) are all built on it,
under one ``SessionPolicy``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from crypto import DecryptionError, RecordContext, open_record, seal_record
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.infra.transactions import write_apart

TOKEN_BYTES = 32
KEY_BYTES = 32
COOKIE_LENGTH = len(base64.urlsafe_b64encode(bytes(TOKEN_BYTES + KEY_BYTES)).rstrip(b"="))


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lives: ``idle`` since the last request, ``absolute`` since the start.

    One class for every zone: the zones differ only in the numbers they read
    from the settings.
    """

    idle: timedelta
    absolute: timedelta


@dataclass(frozen=True)
class SessionSecret:
    """The cookie value and what it stands for; ``key`` never leaves the request."""

    cookie: str
    id_hash: bytes
    key: bytes


def _id_hash(token: bytes) -> bytes:
    return hashlib.sha256(b"lentera/session-id/" + token).digest()


def _from_raw(raw: bytes) -> SessionSecret:
    cookie = base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
    return SessionSecret(cookie, _id_hash(raw[:TOKEN_BYTES]), raw[TOKEN_BYTES:])


def _raw(cookie: str | None) -> bytes | None:
    if not cookie or len(cookie) != COOKIE_LENGTH:
        return None
    try:
        raw = base64.urlsafe_b64decode(cookie + "=" * (-len(cookie) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == TOKEN_BYTES + KEY_BYTES else None


def new_secret() -> SessionSecret:
    return _from_raw(secrets.token_bytes(TOKEN_BYTES + KEY_BYTES))


def parse_cookie(cookie: str | None) -> SessionSecret | None:
    """The secret a cookie carries, or None for anything malformed."""
    raw = _raw(cookie)
    return _from_raw(raw) if raw is not None else None


def derived_secret(secret: SessionSecret, purpose: str) -> SessionSecret:
    """Another token + key that only the holder of ``secret`` can compute, one per purpose.

    HMAC-SHA512 keyed by the whole secret: the database (which has only the
    hash of the token) cannot compute it, nor can anyone who knows only the
    key half (a draft's key becomes a case key that handlers unwrap), and the
    derived value tells nothing about ``secret``. So a page that must find the
    same row again when the same form is posted twice can do so from the
    form's own secret, without storing anything new in the form.
    """
    raw = _raw(secret.cookie)
    if raw is None:
        raise ValueError("not a session secret")
    return _from_raw(hmac.digest(raw, b"lentera/derived/" + purpose.encode("ascii"), "sha512"))


def seal_session_seed(secret: SessionSecret, kind: str, seed: bytes) -> bytes:
    return seal_record(secret.key, seed, _context(secret, kind))


def open_session_seed(secret: SessionSecret, kind: str, sealed: bytes) -> bytes | None:
    try:
        return open_record(secret.key, sealed, _context(secret, kind))
    except DecryptionError:
        return None


def _context(secret: SessionSecret, kind: str) -> RecordContext:
    return RecordContext(case_id="", kind=f"session/{kind}", row_id=secret.id_hash.hex())


class SessionRow(Protocol):
    """What every session table has: the token's hash, a sealed seed and two clocks."""

    id_hash: bytes
    sealed_seed: bytes
    last_seen_at: datetime
    expires_at: datetime


R = TypeVar("R", bound=SessionRow)
TOUCH_EVERY = timedelta(minutes=1)


def start_row(
    model: Callable[..., R], kind: str, seed: bytes, absolute: timedelta, **fields: Any
) -> tuple[str, R]:
    """A new session row for ``model`` (not yet added) and the cookie that opens it."""
    secret = new_secret()
    now = utcnow()
    row = model(
        id_hash=secret.id_hash,
        sealed_seed=seal_session_seed(secret, kind, seed),
        last_seen_at=now,
        expires_at=now + absolute,
        **fields,
    )
    return secret.cookie, row


def live_row(
    session: Session, model: type[R], cookie: str | None, idle: timedelta
) -> tuple[SessionSecret, R] | None:
    """The row a cookie opens, if it has neither expired nor idled out.

    Expired rows are deleted on sight; the idle clock is written at most once
    a minute, so that reading a page is rarely a write. Both writes go beside
    a reading request's transaction (``write_apart``): a touch the database
    cannot take now (another writer holds the lock) is simply left for the
    next request, and an expired row the purge removes later.
    """
    secret = parse_cookie(cookie)
    if secret is None:
        return None
    row = session.get(model, secret.id_hash)
    if row is None:
        return None
    now = utcnow()

    def drop(unit: Session) -> None:
        fresh = unit.get(model, secret.id_hash)
        if fresh is not None:
            unit.delete(fresh)

    def touch(unit: Session) -> None:
        fresh = unit.get(model, secret.id_hash)
        if fresh is not None and fresh.last_seen_at < now:
            fresh.last_seen_at = now

    if row.expires_at <= now or row.last_seen_at + idle <= now:
        write_apart(session, drop)
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        write_apart(session, touch)
    return secret, row
