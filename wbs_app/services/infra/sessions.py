"""Server-side sessions whose secret half lives only in the cookie (DESIGN.md section 4).

A cookie carries two random 256-bit values: a token, whose hash is the row's
key, and a key that encrypts the unlocked identity seed kept in the row. The
database alone cannot read the seed and the cookie alone has nothing to read.
Staff sessions (``services.staff.staff_sessions``) and the code holders' sessions
(``services.codes.code_holders``: reporters and respondents) are all built on it,
under one ``SessionPolicy``.

A code holder's visit is timed without its row telling when (issue 18): such a
row is *coarse* (``start_row(..., coarse=True)``): its columns keep only the
day it was last seen and the day it expires (what the purge needs), while the
exact expiry and last-seen moment are sealed with the seed, under the key only
the cookie carries. The database alone shows which days a visit spanned; the
minute exists only for the request that holds the cookie.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import struct
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from crypto import DecryptionError, RecordContext, open_record, seal_record
from wbs_app.services.infra.clock import DAY, ceil_to, floor_to, utcnow
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


# A coarse row's exact clocks, after the seed: expiry, last seen (microseconds since the epoch).
_TIMES = struct.Struct(">qq")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class TimedSeed:
    """What a coarse row's seal holds: the seed and the visit's exact clocks."""

    seed: bytes
    expires_at: datetime
    last_seen_at: datetime


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def seal_timed_seed(secret: SessionSecret, kind: str, timed: TimedSeed) -> bytes:
    clocks = _TIMES.pack(_micros(timed.expires_at), _micros(timed.last_seen_at))
    return seal_record(secret.key, timed.seed + clocks, _context(secret, f"{kind}/timed"))


def open_timed_seed(secret: SessionSecret, kind: str, sealed: bytes) -> TimedSeed | None:
    """The seed and clocks of a coarse row; None for anything else (an older row, a forgery)."""
    try:
        opened = open_record(secret.key, sealed, _context(secret, f"{kind}/timed"))
    except DecryptionError:
        return None
    if len(opened) <= _TIMES.size:
        return None
    expires, seen = _TIMES.unpack(opened[-_TIMES.size :])
    return TimedSeed(opened[: -_TIMES.size], _moment(expires), _moment(seen))


def _moment(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


class SessionRow(Protocol):
    """What every session table has: the token's hash, a sealed seed and two clocks."""

    id_hash: bytes
    sealed_seed: bytes
    last_seen_at: datetime
    expires_at: datetime


R = TypeVar("R", bound=SessionRow)
TOUCH_EVERY = timedelta(minutes=1)


def start_row(
    model: Callable[..., R],
    kind: str,
    seed: bytes,
    absolute: timedelta,
    *,
    coarse: bool = False,
    **fields: Any,
) -> tuple[str, R]:
    """A new session row for ``model`` (not yet added) and the cookie that opens it.

    ``coarse``: the row's clocks to the day, the exact ones sealed with the seed.
    """
    secret = new_secret()
    now = utcnow()
    if coarse:
        timed = TimedSeed(seed, now + absolute, now)
        row = model(
            id_hash=secret.id_hash,
            sealed_seed=seal_timed_seed(secret, kind, timed),
            last_seen_at=floor_to(now, DAY),
            expires_at=ceil_to(timed.expires_at, DAY),
            **fields,
        )
        return secret.cookie, row
    row = model(
        id_hash=secret.id_hash,
        sealed_seed=seal_session_seed(secret, kind, seed),
        last_seen_at=now,
        expires_at=now + absolute,
        **fields,
    )
    return secret.cookie, row


def live_row(
    session: Session,
    model: type[R],
    cookie: str | None,
    idle: timedelta,
    *,
    coarse_kind: str | None = None,
) -> tuple[SessionSecret, R] | None:
    """The row a cookie opens, if it has neither expired nor idled out.

    Expired rows are deleted on sight; the idle clock is written at most once
    a minute, so that reading a page is rarely a write. Both writes go beside
    a reading request's transaction (``write_apart``): a touch the database
    cannot take now (another writer holds the lock) is simply left for the
    next request, and an expired row the purge removes later. A coarse row
    (``coarse_kind`` names its seal) is judged by its sealed exact clocks.
    """
    secret = parse_cookie(cookie)
    if secret is None:
        return None
    row = session.get(model, secret.id_hash)
    if row is None:
        return None
    if coarse_kind is not None:
        return _live_coarse_row(session, model, secret, row, idle, coarse_kind)
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


def _live_coarse_row(
    session: Session, model: type[R], secret: SessionSecret, row: R, idle: timedelta, kind: str
) -> tuple[SessionSecret, R] | None:
    """``live_row`` for a coarse row: the exact clocks are in its seal, the touch re-seals them."""
    timed = open_timed_seed(secret, kind, row.sealed_seed)
    now = utcnow()

    def drop(unit: Session) -> None:
        fresh = unit.get(model, secret.id_hash)
        if fresh is not None:
            unit.delete(fresh)

    if (
        timed is None
        or row.expires_at <= now
        or timed.expires_at <= now
        or timed.last_seen_at + idle <= now
    ):
        write_apart(session, drop)
        return None
    if now - timed.last_seen_at > TOUCH_EVERY:
        touched = TimedSeed(timed.seed, timed.expires_at, now)

        def touch(unit: Session) -> None:
            fresh = unit.get(model, secret.id_hash)
            if fresh is not None:
                fresh.sealed_seed = seal_timed_seed(secret, kind, touched)
                fresh.last_seen_at = floor_to(now, DAY)

        write_apart(session, touch)
    return secret, row
