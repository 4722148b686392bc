"""A reporter returning with the receipt: one Argon2id run, then a short server-side session.

The receipt is parsed strictly first (the check digit catches a typo before
any expensive work). Then exactly one Argon2id run derives the lookup id and
the reporter's identity seed, whether or not a case exists for it, so a
known and an unknown receipt cost the same. The session row holds the seed
sealed under a key only the cookie carries (``services.sessions``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crypto import (
    Argon2Params,
    CodeFormatError,
    CodeKind,
    Identity,
    derive_code_secrets,
    lookup_hash,
    parse_code,
)
from wbs_app.models import Audience, Case, RecipientKind, ReporterSession
from wbs_app.services import case_keys, guessing, sessions
from wbs_app.services.argon2_gate import Argon2Gate, slot_between_transactions
from wbs_app.services.case_keys import NoAccess
from wbs_app.services.clock import utcnow
from wbs_app.services.errors import DomainError

KIND = "reporter"
SCOPE = "receipt"


class ReceiptMistyped(DomainError):
    """The code fails its check digit or has the wrong shape: a typo, caught for free."""

    code = "receipt_mistyped"


class ReceiptRefused(DomainError):
    """No case opens with this receipt (the same answer whatever the reason)."""

    code = "receipt_refused"


@dataclass(frozen=True)
class ReporterPolicy:
    idle: timedelta
    absolute: timedelta


@dataclass(frozen=True)
class ReporterContext:
    """A reporter's visit: the case and the key of the reporter thread, for one request."""

    case: Case
    reporter_key: bytes
    id_hash: bytes
    # The reporter's identity, for what they sign (a report of retaliation).
    identity: Identity


def login_delay(session: Session, allowed_per_minute: int) -> float:
    """The anonymous guessing brake: while it is on, the view answers 429 before any work.

    Refusing (with Retry-After) rather than sleeping keeps a guessing flood from
    holding threads or Argon2 slots that staff sign-ins and new reports need.
    """
    return guessing.delay_seconds(session, SCOPE, allowed_per_minute)


def login(
    session: Session,
    receipt_text: str,
    installation_salt: bytes,
    params: Argon2Params,
    policy: ReporterPolicy,
    *,
    gate: Argon2Gate | None = None,
) -> str:
    """Check a receipt and start a session; returns the cookie value.

    A well-formed receipt runs Argon2id while holding a slot of ``gate``, so a
    flood cannot tie up more threads than the gate admits; ``Argon2Busy`` when
    no slot is free in time. The guessing brake (``login_delay``) is the
    caller's, checked first.
    """
    try:
        digits = parse_code(receipt_text)
    except CodeFormatError:
        raise ReceiptMistyped() from None
    with slot_between_transactions(session, gate):
        code_secrets = derive_code_secrets(digits, CodeKind.RECEIPT, installation_salt, params)
    case = session.scalar(
        select(Case).where(Case.lookup_hash == lookup_hash(code_secrets.lookup_id))
    )
    if case is None:
        guessing.record_failure(session, SCOPE)
        raise ReceiptRefused()
    identity = Identity.from_seed(code_secrets.identity_seed)
    key_row = case_keys.audience_key(session, case, Audience.REPORTER)
    try:
        case_keys.unwrap_for_holder(session, case, key_row, identity, RecipientKind.REPORTER)
    except NoAccess:
        guessing.record_failure(session, SCOPE)
        raise ReceiptRefused() from None
    cookie, row = sessions.start_row(
        ReporterSession, KIND, code_secrets.identity_seed, policy.absolute, case_id=case.id
    )
    session.add(row)
    session.flush()
    return cookie


def resume(session: Session, cookie: str | None, policy: ReporterPolicy) -> ReporterContext | None:
    found = sessions.live_row(session, ReporterSession, cookie, policy.idle)
    if found is None:
        return None
    secret, row = found
    seed = sessions.open_session_seed(secret, KIND, row.sealed_seed)
    case = session.get(Case, row.case_id)
    if seed is None or case is None:
        return None
    key_row = case_keys.audience_key(session, case, Audience.REPORTER)
    identity = Identity.from_seed(seed)
    try:
        key = case_keys.unwrap_for_holder(session, case, key_row, identity, RecipientKind.REPORTER)
    except NoAccess:
        return None
    return ReporterContext(case=case, reporter_key=key, id_hash=row.id_hash, identity=identity)


def finish(session: Session, id_hash: bytes) -> None:
    session.execute(delete(ReporterSession).where(ReporterSession.id_hash == id_hash))


def purge_expired(session: Session) -> None:
    session.execute(delete(ReporterSession).where(ReporterSession.expires_at <= utcnow()))
