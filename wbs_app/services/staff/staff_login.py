"""Staff sign-in: name, password and TOTP code, ending in the unlocked identity seed.

The identity seed is sealed under the password, so opening it is the password
check: a login is a throttle check (``login_guard``: per account, the lock
falling on the guessing), one Argon2id run to open the seed, one
AES-GCM to open the TOTP secret, a code check. Unknown, inactive and real
accounts all cost that one Argon2id run and end in the same ``LoginFailed``,
so neither the answer nor its time says whether an account exists.
"""

from __future__ import annotations

import secrets
import unicodedata
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from crypto import (
    Argon2Params,
    DecryptionError,
    Identity,
    argon2id,
    needs_rehash,
    open_seed,
    seal_seed,
)
from wbs_app.models import StaffMember, StaffStatus
from wbs_app.services.infra.argon2_gate import (
    Argon2Busy,
    Argon2Gate,
    slot,
    slot_between_transactions,
)
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.infra.transactions import begin_write
from wbs_app.services.staff import (
    audit,
    held_key,
    login_guard,
    notice_mail,
    password_policy,
    totp,
)

MAX_LOGIN_NAME = 254


class LoginFailed(DomainError):
    """Wrong name, password or code, or an inactive account: deliberately one error."""

    code = "login_failed"


class LoginKeyMismatch(DomainError):
    """Password and code were right, but the key they unlock is not the account's stored key.

    Only someone who knows the password and holds the authenticator gets this
    far, so the message may say what happened: the person must not read out
    any fingerprint and should tell their supervisor (``held_key``).
    """

    code = "login_key_mismatch"


class LoginThrottled(DomainError):
    """Too many failures for the account: refused until ``until``."""

    code = "login_throttled"

    def __init__(self, until: datetime) -> None:
        super().__init__()
        self.until = until


def authenticate(
    session: Session,
    login_name: str,
    password: str,
    code: str,
    params: Argon2Params,
    *,
    pepper: bytes,
    gate: Argon2Gate | None = None,
    device: str | None = None,
) -> tuple[StaffMember, bytes]:
    """Check name, password and TOTP code; return the account and its unlocked seed.

    ``device`` is the browser's device cookie (``login_guard``): where its
    failures count. Raises ``LoginThrottled`` before any Argon2 work while this
    browser's password count is locked, or after a right password while the
    account's second factor is locked, ``LoginKeyMismatch`` when name, password
    and code are right but the seed is not the account's stored key, and
    ``LoginFailed`` for every other failure. Callers commit either way, so
    the failure count and the audit event are kept. The read transaction is
    ended before the Argon2id work: on SQLite an open transaction holds the
    database's write lock, and a login must not stall every other request.
    Nothing is pending at that point (a login is the first thing its request
    does), so the commit writes nothing.
    """
    name = login_name.strip()[:MAX_LOGIN_NAME]
    lowered = unicodedata.normalize("NFC", name).lower()
    staff = session.scalar(
        select(StaffMember).where(
            or_(StaffMember.username == lowered, StaffMember.email == lowered)
        )
    )
    guard = login_guard.guard_for(staff, name, device, pepper)
    until = login_guard.password_locked(session, guard)
    if until is not None:
        raise LoginThrottled(until)
    if len(password) > password_policy.MAX_LENGTH:
        raise LoginFailed()
    # The account's own browser waits its turn in the staff lane (as a report
    # does in its lane) instead of being refused with the flood of random names.
    sealed = staff.sealed_seed if staff is not None and staff.status is StaffStatus.ACTIVE else None
    with slot_between_transactions(session, gate, patient=guard.trusted) as run:
        seed = run(_open_seed_or_burn, sealed, password, params, pepper)
    if staff is not None and seed is not None:
        until = login_guard.factor_locked(session, guard)
        if until is not None:  # someone who knows the password is guessing codes
            raise LoginThrottled(until)
        # The row as it is now, locked: two sign-ins racing with one TOTP code
        # must not both see the old last step (on SQLite the write lock that
        # slot_between_transactions took already serialises them).
        session.refresh(staff, with_for_update=True)
        # Deactivated while the run went on: no session for it.
        active = staff.status is StaffStatus.ACTIVE
        step = _check_totp(staff, seed, code) if active else None
        if step is not None:
            staff.totp_last_step = step
            if not held_key.matches(session, staff, Identity(seed)):
                held_key.record_mismatch(session, staff, "sign-in")
                session.flush()
                raise LoginKeyMismatch()
            login_guard.succeeded(session, guard)
            notice_mail.signed_in(staff)
            audit.record(session, "login", actor_id=staff.id)
            session.flush()
            if staff.sealed_seed is not None and needs_rehash(staff.sealed_seed, params):
                _renew_seal(session, staff, seed, password, params, pepper, gate)
            return staff, seed
    target = staff.id if staff is not None else None
    audit.record(session, "login_failed", target_staff_id=target)
    if seed is None:
        if login_guard.password_failed(session, guard) is not None:
            audit.record(session, "login_throttled", target_staff_id=target)
    elif login_guard.factor_failed(session, guard) is not None:
        audit.record(session, "login_factor_locked", target_staff_id=target)
    raise LoginFailed()


def _renew_seal(
    session: Session,
    staff: StaffMember,
    seed: bytes,
    password: str,
    params: Argon2Params,
    pepper: bytes,
    gate: Argon2Gate | None,
) -> None:
    """Seal the seed again under today's format and Argon2 parameters.

    This is how a v1 seal (the password alone) becomes v2 (password and
    pepper), and how raised Argon2 parameters reach existing accounts.

    Only after a complete sign-in, so that the extra run tells nothing to
    someone who has the password but not the code. The sign-in is committed
    first and the new seal stored in a transaction of its own, so no write
    lock is held across the run; a busy gate or database only postpones the
    renewal to a later sign-in (the sign-in itself stands), and a password
    changed meanwhile is not overwritten.
    """
    opened = staff.sealed_seed
    session.commit()
    try:
        with slot(gate) as run:
            resealed = run(seal_seed, seed, password, params, pepper)
    except Argon2Busy:
        return
    try:
        begin_write(session)
        session.refresh(staff, with_for_update=True)
        if staff.sealed_seed == opened:
            staff.sealed_seed = resealed
            session.flush()
    except OperationalError:  # SQLite busy past its timeout: renew at a later sign-in
        session.rollback()


def _open_seed_or_burn(
    sealed: bytes | None, password: str, params: Argon2Params, pepper: bytes
) -> bytes | None:
    """Open the seed, or spend the same Argon2id work when there is none to open.

    Takes the sealed seed, not the account's row: it runs on a thread of its
    own (the slot's ``run``), away from the session.
    """
    if sealed is None:
        argon2id(password.encode("utf-8"), secrets.token_bytes(16), params)
        return None
    try:
        return open_seed(sealed, password, pepper)
    except (DecryptionError, ValueError):
        return None


def _check_totp(staff: StaffMember, seed: bytes, code: str) -> int | None:
    if staff.sealed_totp_secret is None:
        return None
    try:
        secret = totp.open_secret(seed, staff.sealed_totp_secret, staff.id)
    except DecryptionError:
        return None
    return totp.accepted_step(secret, code, staff.totp_last_step)
