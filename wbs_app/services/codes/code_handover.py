"""A new code made at a sign-in, on its way to the one visit that must copy it down.

The first sign-in with a code someone else printed (an invitation letter, a
receipt letter for a report recorded by a handler) replaces it by a code that
only the visitor sees. That code crosses from the sign-in (a POST) to the page
that shows it (a GET) in a ``ReceiptHandover`` row sealed under a secret
derived from the new session's cookie, as a web report's receipt does
(``services.codes.receipt_handover``): the database alone cannot read it, and
only that visit finds it. It stays until the visitor confirms it by typing it
back, so a reload, a lost answer or the back button loses nothing; the
confirmation, or the visit's end, deletes it. ``purpose`` keeps the kinds
apart: a reporter's cookie never finds a respondent's code.
"""

from __future__ import annotations

import hmac
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from crypto import (
    CodeFormatError,
    DecryptionError,
    RecordContext,
    open_record,
    parse_code,
    seal_record,
)
from wbs_app.models import ReceiptHandover
from wbs_app.services.infra import sessions


def _secret(purpose: str, cookie: str | None) -> sessions.SessionSecret | None:
    secret = sessions.parse_cookie(cookie)
    return sessions.derived_secret(secret, purpose) if secret is not None else None


def _context(purpose: str, secret: sessions.SessionSecret) -> RecordContext:
    return RecordContext(case_id="", kind=purpose, row_id=secret.id_hash.hex())


def keep(session: Session, purpose: str, cookie: str, code: str, expires_at: datetime) -> None:
    """In the sign-in's transaction: the new code, sealed for this visit's cookie only."""
    secret = _secret(purpose, cookie)
    if secret is None:
        raise ValueError("not a session cookie")
    session.add(
        ReceiptHandover(
            id_hash=secret.id_hash,
            sealed_receipt=seal_record(secret.key, code.encode("ascii"), _context(purpose, secret)),
            expires_at=expires_at,
        )
    )
    session.flush()


def pending(session: Session, purpose: str, cookie: str | None) -> str | None:
    """The new code this visit still has to confirm, or None (confirmed, or none was given)."""
    secret = _secret(purpose, cookie)
    if secret is None:
        return None
    row = session.get(ReceiptHandover, secret.id_hash)
    if row is None:
        return None
    try:
        return open_record(secret.key, row.sealed_receipt, _context(purpose, secret)).decode(
            "ascii"
        )
    except DecryptionError:
        return None


def typed_back(session: Session, purpose: str, cookie: str | None, typed: str) -> str | None:
    """The new code this visit was given, if ``typed`` is it (spaces and dashes aside)."""
    code = pending(session, purpose, cookie)
    try:
        digits = parse_code(typed)
    except CodeFormatError:
        return None
    if code is None or not hmac.compare_digest(digits, code):
        return None
    return code


def confirm(session: Session, purpose: str, cookie: str | None, typed: str) -> bool:
    """Whether ``typed`` is the new code; if so it is forgotten here (the caller commits)."""
    if typed_back(session, purpose, cookie, typed) is None:
        return False
    forget(session, purpose, cookie)
    return True


def forget(session: Session, purpose: str, cookie: str | None) -> None:
    """The visit ends: the unconfirmed code goes with it (nobody else could read it anyway)."""
    secret = _secret(purpose, cookie)
    if secret is not None:
        session.execute(delete(ReceiptHandover).where(ReceiptHandover.id_hash == secret.id_hash))
