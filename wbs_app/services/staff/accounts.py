"""Staff accounts: first-run set-up, invitations, activation, password changes.

The identity seed is the heart of an account: it is generated at activation,
sealed under the password (one Argon2id run to open, see ``staff_login``), and
it seals the TOTP secret in turn. Everything an enrolment can be refused for is
checked before its Argon2id run, and the run is made outside any transaction:
on SQLite a transaction that writes holds the one write lock, and an
activation waiting in the Argon2 gate's queue must not keep every other
request from writing. The writes then happen under the lock, after checking
again what may have changed meanwhile (the link used, the name taken).
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crypto import Argon2Params, DecryptionError, Identity, open_seed, seal_seed
from wbs_app.models import (
    StaffIdentity,
    StaffMember,
    StaffRole,
    StaffStatus,
    StaffUnit,
    TokenPurpose,
    Unit,
)
from wbs_app.services.infra.argon2_gate import Argon2Gate, slot, slot_between_transactions
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.infra.text import one_line_name
from wbs_app.services.infra.transactions import release_snapshot
from wbs_app.services.staff import audit, password_policy, staff_sessions, tokens, totp

SETUP_TTL = timedelta(hours=1)
ACTIVATION_TTL = timedelta(days=7)
USERNAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")


class AccountError(DomainError):
    """A refused account change; ``code`` picks the translated message shown."""

    def __init__(self, code: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(code)
        self.problems = problems


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
        raise tokens.InvalidToken()


def check_new_password(password: str, confirm: str, personal: tuple[str, ...]) -> None:
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


def _flush_account(session: Session) -> None:
    """Flush an account's name and address, the unique indexes having the last word.

    The checks before the write see only committed rows: on PostgreSQL two
    people choosing one name at once both pass them, and the second's flush
    meets the first's row in the index. That is the person's mistake to mend,
    not a server error; the caller's rollback follows the ``AccountError``.
    """
    try:
        session.flush()
    except IntegrityError as error:
        clash = str(error.orig)
        if "username" in clash:
            raise AccountError("username_taken") from None
        if "email" in clash:
            raise AccountError("email_taken") from None
        raise


@dataclass(frozen=True)
class Enrolment:
    """An enrolment that passed every check, and the new identity it will seal."""

    username: str
    identity: Identity
    totp_step: int


def _check_enrolment(
    session: Session,
    staff_id: int | None,
    email: str,
    display_name: str,
    credentials: Credentials,
) -> Enrolment:
    """Everything an activation or the set-up can be refused for, before the Argon2id run."""
    username = _check_username(session, credentials.username, staff_id)
    check_new_password(
        credentials.password, credentials.password_confirm, (username, email, display_name)
    )
    step = totp.accepted_step(credentials.totp_secret, credentials.totp_code, last_step=0)
    if step is None:
        raise AccountError("bad_totp")
    return Enrolment(username, Identity.generate(), step)


def install_identity(
    session: Session, staff: StaffMember, identity: Identity, sealed_seed: bytes, totp_secret: bytes
) -> None:
    """Make ``identity`` the person's next generation: its public key, its seal, its TOTP seal.

    Activation and a key replacement both end here, so a generation is always
    numbered, recorded and sealed the same way.
    """
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
    staff.sealed_seed = sealed_seed
    staff.sealed_totp_secret = totp.seal_secret(identity.seed, totp_secret, staff.id)


def _enrol(
    session: Session,
    staff: StaffMember,
    enrolment: Enrolment,
    sealed_seed: bytes,
    totp_secret: bytes,
) -> None:
    """Give the person the new identity sealed under their password, and their TOTP secret."""
    # Again under the write lock: another activation may have taken the name.
    staff.username = _check_username(session, enrolment.username, staff.id)
    install_identity(session, staff, enrolment.identity, sealed_seed, totp_secret)
    staff.totp_last_step = enrolment.totp_step
    staff.status = StaffStatus.ACTIVE
    staff.activated_at = utcnow()
    _flush_account(session)


@dataclass(frozen=True)
class _Member:
    email: str
    display_name: str
    role: StaffRole
    unit_ids: tuple[int, ...]


def name_key(display_name: str) -> str:
    """How two display names are compared: NFKC, case, spaces and punctuation do not count.

    "Sitti Rahmawati", "SITTI  RAHMAWATI" and "Sitti Rahmawati." read the
    same on a list of colleagues, so they are one name.
    """
    folded = unicodedata.normalize("NFKC", one_line_name(display_name)).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def _scripts(display_name: str) -> set[str]:
    return {unicodedata.name(ch, "?").split(" ")[0] for ch in display_name if ch.isalpha()}


def check_display_name(session: Session, display_name: str, staff_id: int | None = None) -> None:
    """Refuse a name another account not deactivated has, or one that mixes alphabets.

    Certifying colleagues and the reporter's review page tell people apart by
    name; an administrator must not be able to invite a second "Sitti
    Rahmawati", nor one spelled with a Cyrillic "і". The refusal says only
    what the administrator's own staff list already shows.
    """
    if len(_scripts(display_name)) > 1:
        raise AccountError("name_mixed_scripts")
    wanted = name_key(display_name)
    others = session.execute(
        select(StaffMember.id, StaffMember.display_name).where(
            StaffMember.status != StaffStatus.DEACTIVATED
        )
    )
    for other_id, other_name in others:
        if other_id != staff_id and name_key(other_name) == wanted:
            raise AccountError("name_taken")


def _check_member(
    session: Session, email: str, display_name: str, role: StaffRole, unit_ids: list[int]
) -> _Member:
    email = normalise_email(email)
    display_name = one_line_name(display_name)
    if "@" not in email or len(email) > 254 or not 1 <= len(display_name) <= 120:
        raise AccountError("bad_invitation")
    if session.scalar(select(StaffMember.id).where(StaffMember.email == email)) is not None:
        raise AccountError("email_taken")
    check_display_name(session, display_name)
    units = units_for_role(session, role, unit_ids)
    return _Member(email, display_name, role, tuple(unit.id for unit in units))


def _new_member(session: Session, member: _Member) -> StaffMember:
    staff = StaffMember(
        # A placeholder the person replaces at activation; random so it can never clash.
        username=f"invited-{secrets.token_hex(8)}",
        email=member.email,
        display_name=member.display_name,
        role=member.role,
        status=StaffStatus.INVITED,
        identity_generation=0,
        totp_last_step=0,
        created_at=utcnow(),
    )
    session.add(staff)
    _flush_account(session)
    for unit_id in member.unit_ids:
        session.add(StaffUnit(staff_id=staff.id, unit_id=unit_id))
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
    pepper: bytes,
    gate: Argon2Gate | None = None,
) -> StaffMember:
    """Create and activate the first administrator from the console's set-up link.

    ``gate`` bounds the Argon2id run; every web request passes the app's gate
    (``None`` is for the command line and test fixtures).
    """
    check_setup_token(session, token)
    member = _check_member(session, email, display_name, StaffRole.ADMIN, [])
    enrolment = _check_enrolment(session, None, member.email, member.display_name, credentials)
    with slot_between_transactions(session, gate) as run:
        sealed = run(seal_seed, enrolment.identity.seed, credentials.password, params, pepper)
    tokens.consume(session, token, (TokenPurpose.SETUP,))
    if has_admin(session):
        raise tokens.InvalidToken()
    staff = _new_member(session, _check_member(session, email, display_name, StaffRole.ADMIN, []))
    _enrol(session, staff, enrolment, sealed, credentials.totp_secret)
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
    staff = _new_member(session, _check_member(session, email, display_name, role, unit_ids))
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
        raise tokens.InvalidToken()
    return staff


def activate(
    session: Session,
    token: str,
    credentials: Credentials,
    params: Argon2Params,
    *,
    pepper: bytes,
    gate: Argon2Gate | None = None,
) -> StaffMember:
    """Set password and TOTP from an activation or reset link; always a new identity."""
    staff = pending_account(session, token)
    enrolment = _check_enrolment(session, staff.id, staff.email, staff.display_name, credentials)
    with slot_between_transactions(session, gate) as run:
        sealed = run(seal_seed, enrolment.identity.seed, credentials.password, params, pepper)
    # The link may have been used, or the account changed, during the run.
    tokens.consume(session, token, (TokenPurpose.ACTIVATION, TokenPurpose.RESET))
    session.refresh(staff, with_for_update=True)
    if staff.status not in (StaffStatus.INVITED, StaffStatus.RESET):
        raise tokens.InvalidToken()
    _enrol(session, staff, enrolment, sealed, credentials.totp_secret)
    audit.record(session, "staff_activated", actor_id=staff.id, target_staff_id=staff.id)
    return staff


@dataclass(frozen=True)
class PasswordChanged:
    """The seed for the live session, and how many other sessions were ended."""

    seed: bytes
    sessions_ended: int


def change_password(
    session: Session,
    staff: StaffMember,
    current: str,
    new: str,
    confirm: str,
    params: Argon2Params,
    *,
    pepper: bytes,
    keep_session: bytes | None,
    gate: Argon2Gate | None = None,
) -> PasswordChanged:
    """Re-seal the same seed under a new password and end every other session.

    A password is changed because it may be known to someone else, who may be
    signed in with it: every session but ``keep_session`` (the id hash of the
    one making the change, ``None`` to keep none) ends in the same
    transaction, here rather than in the view, so no caller can forget it.

    Both Argon2id runs (open with the current password, seal with the new)
    are made outside any transaction; the new seal is stored only over the
    seal that was opened, so of two changes at once the second is refused
    (and asked to try again: its current password may now be another).
    """
    if staff.sealed_seed is None or len(current) > password_policy.MAX_LENGTH:
        raise AccountError("wrong_password")
    if len(new) > password_policy.MAX_LENGTH:
        raise AccountError("weak_password", (password_policy.PasswordProblem.TOO_LONG.value,))
    opened = staff.sealed_seed
    release_snapshot(session)
    try:
        with slot(gate) as run:
            seed = run(open_seed, opened, current, pepper)
    except (DecryptionError, ValueError):
        raise AccountError("wrong_password") from None
    check_new_password(new, confirm, (staff.username, staff.email, staff.display_name))
    with slot_between_transactions(session, gate) as run:
        sealed = run(seal_seed, seed, new, params, pepper)
    session.refresh(staff, with_for_update=True)
    if staff.status is not StaffStatus.ACTIVE or staff.sealed_seed != opened:
        # Reset, deactivated or changed elsewhere during the run: nothing stored.
        raise AccountError("changed_meanwhile")
    staff.sealed_seed = sealed
    audit.record(session, "password_changed", actor_id=staff.id, target_staff_id=staff.id)
    ended = staff_sessions.end_all(session, staff.id, keep=keep_session)
    session.flush()
    return PasswordChanged(seed, ended)
