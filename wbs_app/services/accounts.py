"""Staff accounts: first-run set-up, invitations, activation, login, password changes.

The identity seed is the heart of an account: it is generated at activation,
sealed under the password (one Argon2id run to open), and it seals the TOTP
secret in turn. So a login is: throttle check, one Argon2id run to open the
seed (which is the password check), one AES-GCM to open the TOTP secret, a
code check. Unknown, inactive and real accounts all cost that one Argon2id run
and end in the same ``LoginFailed``.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from crypto import (
    Argon2Params,
    DecryptionError,
    Identity,
    RecordContext,
    argon2id,
    derive_key,
    needs_rehash,
    open_record,
    open_seed,
    seal_record,
    seal_seed,
)
from wbs_app.models import (
    StaffIdentity,
    StaffMember,
    StaffRole,
    StaffStatus,
    StaffUnit,
    TokenPurpose,
    Unit,
)
from wbs_app.services import audit, password_policy, throttle, tokens, totp
from wbs_app.services.argon2_gate import Argon2Gate, slot
from wbs_app.services.clock import utcnow
from wbs_app.services.errors import DomainError
from wbs_app.services.text import one_line_name
from wbs_app.services.transactions import begin_write, release_snapshot

SETUP_TTL = timedelta(hours=1)
ACTIVATION_TTL = timedelta(days=7)
USERNAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")
MAX_LOGIN_NAME = 254


class AccountError(DomainError):
    """A refused account change; ``code`` picks the translated message shown."""

    def __init__(self, code: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(code)
        self.code = code
        self.problems = problems


class LoginFailed(DomainError):
    """Wrong name, password or code, or an inactive account: deliberately one error."""


class LoginThrottled(DomainError):
    def __init__(self, until: datetime) -> None:
        super().__init__("throttled")
        self.until = until


@dataclass(frozen=True)
class Credentials:
    """What a person chooses at activation: the password and an enrolled authenticator."""

    username: str
    password: str
    password_confirm: str
    totp_secret: bytes
    totp_code: str


def normalise_email(email: str) -> str:
    return unicodedata.normalize("NFC", email.strip()).lower()


def normalise_username(username: str) -> str:
    return unicodedata.normalize("NFC", username.strip()).lower()


def has_admin(session: Session) -> bool:
    query = select(StaffMember.id).where(
        StaffMember.role == StaffRole.ADMIN, StaffMember.status == StaffStatus.ACTIVE
    )
    return session.scalar(query.limit(1)) is not None


def issue_setup_token(session: Session) -> str | None:
    """A one-hour link that creates the first administrator; None once one exists."""
    if has_admin(session):
        return None
    return tokens.issue(session, TokenPurpose.SETUP, SETUP_TTL)


def check_setup_token(session: Session, token: str) -> None:
    """Raise ``InvalidToken`` unless the set-up link is live and no administrator exists."""
    tokens.find(session, token, (TokenPurpose.SETUP,))
    if has_admin(session):
        raise tokens.InvalidToken("invalid link")


def _totp_context(staff_id: int) -> RecordContext:
    return RecordContext(case_id="", kind="staff/totp", row_id=str(staff_id))


def _totp_key(seed: bytes) -> bytes:
    return derive_key(seed, "lentera/staff/totp-at-rest")


def _check_new_password(password: str, confirm: str, personal: tuple[str, ...]) -> None:
    if password != confirm:
        raise AccountError("password_mismatch")
    problems = password_policy.check(password, personal=personal)
    if problems:
        raise AccountError("weak_password", tuple(problem.value for problem in problems))


def _check_username(session: Session, username: str, staff_id: int | None) -> str:
    username = normalise_username(username)
    if not 3 <= len(username) <= 64 or not set(username) <= USERNAME_CHARS or "@" in username:
        raise AccountError("bad_username")
    clash = session.scalar(
        select(StaffMember.id).where(
            or_(StaffMember.username == username, StaffMember.email == username)
        )
    )
    if clash is not None and clash != staff_id:
        raise AccountError("username_taken")
    return username


def _enrol(
    session: Session,
    staff: StaffMember,
    credentials: Credentials,
    params: Argon2Params,
    gate: Argon2Gate | None,
) -> None:
    """Give the person a new identity sealed under their password, and their TOTP secret."""
    staff.username = _check_username(session, credentials.username, staff.id)
    _check_new_password(
        credentials.password,
        credentials.password_confirm,
        (staff.username, staff.email, staff.display_name),
    )
    step = totp.accepted_step(credentials.totp_secret, credentials.totp_code, last_step=0)
    if step is None:
        raise AccountError("bad_totp")
    identity = Identity.generate()
    staff.identity_public = identity.public().to_bytes()
    staff.identity_generation += 1
    # Kept for good: journal signatures of this generation are checked against it.
    session.add(
        StaffIdentity(
            staff_id=staff.id,
            generation=staff.identity_generation,
            public=staff.identity_public,
            created_at=utcnow(),
        )
    )
    with slot(gate):
        staff.sealed_seed = seal_seed(identity.seed, credentials.password, params)
    staff.sealed_totp_secret = seal_record(
        _totp_key(identity.seed), credentials.totp_secret, _totp_context(staff.id)
    )
    staff.totp_last_step = step
    staff.status = StaffStatus.ACTIVE
    staff.activated_at = utcnow()
    session.flush()


def _new_member(
    session: Session, email: str, display_name: str, role: StaffRole, unit_ids: list[int]
) -> StaffMember:
    email = normalise_email(email)
    display_name = one_line_name(display_name)
    if "@" not in email or len(email) > 254 or not 1 <= len(display_name) <= 120:
        raise AccountError("bad_invitation")
    if session.scalar(select(StaffMember.id).where(StaffMember.email == email)) is not None:
        raise AccountError("email_taken")
    units = units_for_role(session, role, unit_ids)
    staff = StaffMember(
        # A placeholder the person replaces at activation; random so it can never clash.
        username=f"invited-{secrets.token_hex(8)}",
        email=email,
        display_name=display_name,
        role=role,
        status=StaffStatus.INVITED,
        identity_generation=0,
        totp_last_step=0,
        created_at=utcnow(),
    )
    session.add(staff)
    session.flush()
    for unit in units:
        session.add(StaffUnit(staff_id=staff.id, unit_id=unit.id))
    session.flush()
    return staff


def units_for_role(session: Session, role: StaffRole, unit_ids: list[int]) -> list[Unit]:
    """The units of an account of this role: none for administrators, one or more otherwise."""
    if role is StaffRole.ADMIN:
        if unit_ids:
            raise AccountError("admin_has_no_units")
        return []
    units = list(session.scalars(select(Unit).where(Unit.id.in_(unit_ids))))
    if not units or len(units) != len(set(unit_ids)):
        raise AccountError("units_required")
    return units


def complete_setup(
    session: Session,
    token: str,
    email: str,
    display_name: str,
    credentials: Credentials,
    params: Argon2Params,
    *,
    gate: Argon2Gate | None = None,
) -> StaffMember:
    """Create and activate the first administrator from the console's set-up link.

    ``gate`` bounds the Argon2id run; every web request passes the app's gate
    (``None`` is for the command line and test fixtures).
    """
    tokens.consume(session, token, (TokenPurpose.SETUP,))
    if has_admin(session):
        raise tokens.InvalidToken("invalid link")
    staff = _new_member(session, email, display_name, StaffRole.ADMIN, [])
    _enrol(session, staff, credentials, params, gate)
    audit.record(session, "setup", actor_id=staff.id, target_staff_id=staff.id)
    return staff


def invite(
    session: Session,
    actor: StaffMember | None,
    email: str,
    display_name: str,
    role: StaffRole,
    unit_ids: list[int],
) -> tuple[StaffMember, str]:
    """Create an invited account and the activation token to hand to the person."""
    staff = _new_member(session, email, display_name, role, unit_ids)
    token = tokens.issue(session, TokenPurpose.ACTIVATION, ACTIVATION_TTL, staff_id=staff.id)
    audit.record(
        session,
        "staff_invited",
        actor_id=actor.id if actor else None,
        target_staff_id=staff.id,
        detail=role.value,
    )
    return staff, token


def pending_account(session: Session, token: str) -> StaffMember:
    """The account an activation or reset link is for (to show its form)."""
    row = tokens.find(session, token, (TokenPurpose.ACTIVATION, TokenPurpose.RESET))
    staff = session.get(StaffMember, row.staff_id) if row.staff_id is not None else None
    if staff is None or staff.status not in (StaffStatus.INVITED, StaffStatus.RESET):
        raise tokens.InvalidToken("invalid link")
    return staff


def activate(
    session: Session,
    token: str,
    credentials: Credentials,
    params: Argon2Params,
    *,
    gate: Argon2Gate | None = None,
) -> StaffMember:
    """Set password and TOTP from an activation or reset link; always a new identity."""
    staff = pending_account(session, token)
    _enrol(session, staff, credentials, params, gate)
    tokens.consume(session, token, (TokenPurpose.ACTIVATION, TokenPurpose.RESET))
    audit.record(session, "staff_activated", actor_id=staff.id, target_staff_id=staff.id)
    return staff


def authenticate(
    session: Session,
    login_name: str,
    password: str,
    code: str,
    params: Argon2Params,
    *,
    gate: Argon2Gate | None = None,
) -> tuple[StaffMember, bytes]:
    """Check name, password and TOTP code; return the account and its unlocked seed.

    Raises ``LoginThrottled`` (before any Argon2 work) while the name is locked,
    and ``LoginFailed`` for every other failure. Callers commit either way, so
    the failure count and the audit event are kept. The read transaction is
    ended before the Argon2id work: on SQLite an open transaction holds the
    database's write lock, and a login must not stall every other request.
    Nothing is pending at that point (a login is the first thing its request
    does), so the commit writes nothing.
    """
    name = login_name.strip()[:MAX_LOGIN_NAME]
    key = throttle.throttle_key("staff-login", name)
    until = throttle.locked_until(session, key)
    if until is not None:
        raise LoginThrottled(until)
    if len(password) > password_policy.MAX_LENGTH:
        raise LoginFailed("login failed")
    lowered = unicodedata.normalize("NFC", name).lower()
    staff = session.scalar(
        select(StaffMember).where(
            or_(StaffMember.username == lowered, StaffMember.email == lowered)
        )
    )
    release_snapshot(session)
    with slot(gate):
        seed = _open_seed_or_burn(staff, password, params)
    begin_write(session)
    if staff is not None and seed is not None:
        # The row as it is now, locked: two sign-ins racing with one TOTP code
        # must not both see the old last step (on SQLite the write lock that
        # begin_write took already serialises them).
        session.refresh(staff, with_for_update=True)
        # Deactivated while the run went on: no session for it.
        active = staff.status is StaffStatus.ACTIVE
        step = _check_totp(staff, seed, code) if active else None
        if step is not None:
            staff.totp_last_step = step
            if staff.sealed_seed is not None and needs_rehash(staff.sealed_seed, params):
                with slot(gate):
                    staff.sealed_seed = seal_seed(seed, password, params)
            throttle.clear(session, key)
            audit.record(session, "login", actor_id=staff.id)
            session.flush()
            return staff, seed
    locked = throttle.record_failure(session, key)
    target = staff.id if staff is not None else None
    audit.record(session, "login_failed", target_staff_id=target)
    if locked is not None:
        audit.record(session, "login_throttled", target_staff_id=target)
    raise LoginFailed("login failed")


def _open_seed_or_burn(
    staff: StaffMember | None, password: str, params: Argon2Params
) -> bytes | None:
    """Open the seed, or spend the same Argon2id work when there is none to open."""
    if staff is None or staff.status is not StaffStatus.ACTIVE or staff.sealed_seed is None:
        argon2id(password.encode("utf-8"), secrets.token_bytes(16), params)
        return None
    try:
        return open_seed(staff.sealed_seed, password)
    except (DecryptionError, ValueError):
        return None


def _check_totp(staff: StaffMember, seed: bytes, code: str) -> int | None:
    if staff.sealed_totp_secret is None:
        return None
    try:
        secret = open_record(_totp_key(seed), staff.sealed_totp_secret, _totp_context(staff.id))
    except DecryptionError:
        return None
    return totp.accepted_step(secret, code, staff.totp_last_step)


def change_password(
    session: Session,
    staff: StaffMember,
    current: str,
    new: str,
    confirm: str,
    params: Argon2Params,
    *,
    gate: Argon2Gate | None = None,
) -> bytes:
    """Re-seal the same seed under a new password; returns the seed for the live session."""
    if staff.sealed_seed is None or len(current) > password_policy.MAX_LENGTH:
        raise AccountError("wrong_password")
    if len(new) > password_policy.MAX_LENGTH:
        raise AccountError("weak_password", (password_policy.PasswordProblem.TOO_LONG.value,))
    try:
        with slot(gate):
            seed = open_seed(staff.sealed_seed, current)
    except (DecryptionError, ValueError):
        raise AccountError("wrong_password") from None
    _check_new_password(new, confirm, (staff.username, staff.email, staff.display_name))
    with slot(gate):
        staff.sealed_seed = seal_seed(seed, new, params)
    audit.record(session, "password_changed", actor_id=staff.id, target_staff_id=staff.id)
    session.flush()
    return seed
