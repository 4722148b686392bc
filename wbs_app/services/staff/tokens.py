"""One-time links (first-run set-up, activation, reset): usable once, until they expire.

The token is 256 random bits shown once; only its SHA-256 is stored, so the
table cannot be used to forge a link. Unknown, used and expired tokens are the
same error, so a link reveals nothing about other links.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from wbs_app.models import OneTimeToken, TokenPurpose
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.infra.errors import DomainError

MAX_TOKEN_LENGTH = 128


class InvalidToken(DomainError):
    """The link is unknown, used or expired (deliberately not saying which)."""

    code = "invalid_link"


def _hash(token: str) -> bytes:
    return hashlib.sha256(b"lentera/one-time-token/" + token.encode("utf-8")).digest()


def issue(
    session: Session, purpose: TokenPurpose, ttl: timedelta, staff_id: int | None = None
) -> str:
    """Create a token; earlier unused tokens of the same purpose and person stop working."""
    session.execute(
        delete(OneTimeToken).where(
            OneTimeToken.purpose == purpose,
            OneTimeToken.staff_id.is_(None)
            if staff_id is None
            else OneTimeToken.staff_id == staff_id,
            OneTimeToken.used_at.is_(None),
        )
    )
    token = secrets.token_urlsafe(32)
    session.add(
        OneTimeToken(
            token_hash=_hash(token),
            purpose=purpose,
            staff_id=staff_id,
            expires_at=utcnow() + ttl,
        )
    )
    session.flush()
    return token


def find(session: Session, token: str, purposes: tuple[TokenPurpose, ...]) -> OneTimeToken:
    """The live token row, without using it up (to show the form it unlocks)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidToken()
    row = session.scalar(select(OneTimeToken).where(OneTimeToken.token_hash == _hash(token)))
    if row is None or row.purpose not in purposes or row.used_at is not None:
        raise InvalidToken()
    if row.expires_at <= utcnow():
        raise InvalidToken()
    return row


def consume(session: Session, token: str, purposes: tuple[TokenPurpose, ...]) -> OneTimeToken:
    """Use the token up; the caller's transaction makes this and the change it allows one."""
    row = find(session, token, purposes)
    # Conditional UPDATE: of two concurrent uses, exactly one matches a row.
    used = session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.id == row.id, OneTimeToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    if getattr(used, "rowcount", 0) != 1:
        raise InvalidToken()
    return row
